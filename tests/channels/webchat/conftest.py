"""The whole web app on a real port, with web chat settings small enough to reach every limit, and
a real aiohttp client speaking the visitor protocol; on both databases."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from contact_center.api.protocol_errors import ApiRunner
from contact_center.bootstrap import Container, build_container, build_web_app
from contact_center.domain.commands import CreateAgent, SendMessage
from contact_center.domain.enums import InteractionState
from contact_center.settings import Settings
from tests.conftest import unique
from tests.contact_center.conftest import offer_and_accept

SHOP = "https://shop.example"
SECRET = "s" * 40
#: The queue of the "other" site's one topic (created by the test that needs it).
NIGHT_QUEUE = "webchat-night"


def chat_settings(database_url: str, upload_dir: Path, **webchat: Any) -> Settings:
    return Settings.model_validate(
        {
            "environment": "test",
            "database": {"url": database_url},
            "webchat": {
                "secret": SECRET,
                "messages_per_second": 1.0,
                "message_burst": 5,
                "connections_per_address": 6,
                "max_frame_bytes": 2048,
                "max_upload_bytes": 4096,
                "upload_dir": str(upload_dir),
                "sites": {
                    "demo": {},
                    "shop": {"allowed_origins": [SHOP]},
                    "other": {"allowed_origins": [SHOP], "topics": {"Billing": NIGHT_QUEUE}},
                },
            }
            | webchat,
        }
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    base: str
    container: Container
    http: aiohttp.ClientSession
    app: web.Application

    @property
    def ws_url(self) -> str:
        return self.base.replace("http", "ws", 1) + "/chat/ws"

    async def visitor(self, origin: str = SHOP) -> Visitor:
        ws = await self.http.ws_connect(self.ws_url, headers={"Origin": origin})
        return Visitor(ws)


@pytest.fixture
async def served(database_url: str, tmp_path: Path) -> AsyncIterator[Served]:
    async with serving(chat_settings(database_url, tmp_path / "uploads")) as world:
        yield world


@contextlib.asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[Served]:
    """The whole web app of `settings` on a free port, started, with a client session."""
    container = build_container(settings)
    app = build_web_app(container)
    await container.start()
    runner = ApiRunner(app)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    http = aiohttp.ClientSession()
    try:
        yield Served(f"http://127.0.0.1:{port}", container, http, app)
    finally:
        await http.close()
        await runner.cleanup()
        await container.close()


class Visitor:
    """One visitor connection: sends frames, and reads them with a deadline."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send_json(frame)

    async def receive(self, wait_s: float = 10.0) -> dict[str, Any]:
        message = await self.ws.receive(timeout=wait_s)
        assert message.type is aiohttp.WSMsgType.TEXT, f"expected a frame, got {message.type}"
        frame: dict[str, Any] = message.json()
        return frame

    async def until(self, kind: str, wait_s: float = 10.0, **fields: Any) -> dict[str, Any]:
        """The next frame of `kind` (with `fields`); the frames skipped on the way are kept."""
        while True:
            frame = await self.receive(wait_s)
            self.seen.append(frame)
            if frame["type"] == kind and all(frame.get(k) == v for k, v in fields.items()):
                return frame

    @property
    def seen(self) -> list[dict[str, Any]]:
        if not hasattr(self, "_seen"):
            self._seen: list[dict[str, Any]] = []
        return self._seen

    async def hello(self, site: str = "shop", **fields: Any) -> dict[str, Any]:
        await self.send({"type": "hello", "site": site, **fields})
        return await self.until("welcome")

    async def say(self, client_id: str, body: str) -> dict[str, Any]:
        await self.send({"type": "message", "client_id": client_id, "body": body})
        return await self.until("ack", client_id=client_id)

    async def quiet(self, seconds: float = 0.3) -> list[dict[str, Any]]:
        """Whatever arrives within `seconds` (nothing, usually)."""
        frames = []
        try:
            while True:
                frames.append(await self.receive(seconds))
        except TimeoutError:
            return frames

    async def close(self) -> None:
        await self.ws.close()


async def agent_reply(container: Container, interaction_id: int, body: str) -> int:
    """An agent's reply the way a desk sends one (`SendMessage` on the bus): an agent is offered and
    accepts the interaction first when nobody handles it yet. Returns the reply's sequence number."""
    async with container.uow() as uow:
        interaction = await uow.interactions.get(interaction_id)
    agent_id = interaction.agent_id
    if agent_id is None or interaction.state != InteractionState.ACTIVE:
        agent_id = await container.bus.handle(CreateAgent(username=unique("chat_agent")))
        await offer_and_accept(container, interaction_id, agent_id)
    message = await container.bus.handle(
        SendMessage(interaction_id=interaction_id, agent_id=agent_id, body=body)
    )
    return int(message.id)


async def settle() -> None:
    await asyncio.sleep(0)
