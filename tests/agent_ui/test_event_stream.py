"""/ws/events: each reader gets the events that are theirs to see, and a slow one cannot stall it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from agent_ui.event_stream import EVENTS_KEY, TRY_AGAIN_LATER, EventStream
from contact_center.api.auth import COOKIE
from contact_center.bootstrap import Container, build_container, build_web_app
from contact_center.domain.commands import CreateAgent, SetPresence
from contact_center.domain.enums import Presence, Role
from contact_center.domain.events import PresenceChanged
from contact_center.services.agents import create_token_for
from tests.agent_ui.conftest import PASSWORD
from tests.conftest import make_settings, unique


async def account(container: Container, role: Role) -> tuple[int, dict[str, str]]:
    agent_id = await container.bus.handle(CreateAgent(username=unique("ev"), role=role))
    token = await create_token_for(container.uow(), agent_id, "test")
    return agent_id, {"Authorization": f"Bearer {token}"}


async def frames(ws: aiohttp.ClientWebSocketResponse, wanted: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while len(out) < wanted:
        message = await asyncio.wait_for(ws.receive(), timeout=10)
        assert message.type is aiohttp.WSMsgType.TEXT, message
        out.append(json.loads(message.data))
    return out


async def test_an_agent_hears_of_their_own_work_and_a_supervisor_of_everyone(
    served: tuple[str, Container],
) -> None:
    base, container = served
    alice, alice_headers = await account(container, Role.AGENT)
    bob, _ = await account(container, Role.AGENT)
    _, boss_headers = await account(container, Role.SUPERVISOR)
    await container.dispatcher.drain()  # the accounts' own events go out before anyone listens
    async with aiohttp.ClientSession() as http:
        agent_ws = await http.ws_connect(f"{base}/ws/events", headers=alice_headers)
        boss_ws = await http.ws_connect(f"{base}/ws/events", headers=boss_headers)
        assert (await frames(agent_ws, 1))[0] == {"type": "hello", "agent_id": alice}
        await frames(boss_ws, 1)
        for agent_id in (bob, alice):
            await container.bus.handle(SetPresence(agent_id=agent_id, presence=Presence.AVAILABLE))
        await container.dispatcher.drain()
        mine = await frames(agent_ws, 1)
        seen = await frames(boss_ws, 2)
        await agent_ws.close()
        await boss_ws.close()
    assert [(f["type"], f["event"]["agent_id"]) for f in mine] == [("agent.presence_changed", alice)]
    assert [(f["type"], f["event"]["agent_id"]) for f in seen] == [
        ("agent.presence_changed", bob),
        ("agent.presence_changed", alice),
    ]


async def test_only_agents_and_supervisors_may_listen(served: tuple[str, Container]) -> None:
    base, container = served
    _, planner = await account(container, Role.PLANNER)
    async with aiohttp.ClientSession() as http:
        for headers, status in (({}, 401), (planner, 403)):
            async with http.get(f"{base}/ws/events", headers=headers) as resp:
                assert resp.status == status


@pytest.fixture
async def small_backlog(page_sqlite_url: str) -> AsyncIterator[tuple[str, Container, EventStream]]:
    """The web app with an event stream that lets a reader fall only five events behind."""
    container = build_container(make_settings(page_sqlite_url))
    app = build_web_app(container)
    stream = app[EVENTS_KEY]
    stream._backlog = 5
    client: TestClient[Any, Any] = TestClient(TestServer(app))
    await client.start_server()
    try:
        yield str(client.make_url("")), container, stream
    finally:
        await client.close()
        await container.close()


async def test_a_reader_too_far_behind_is_told_to_reconnect(
    small_backlog: tuple[str, Container, EventStream],
) -> None:
    base, container, stream = small_backlog
    agent_id, headers = await account(container, Role.AGENT)
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(f"{base.rstrip('/')}/ws/events", headers=headers)
        await frames(ws, 1)
        now = datetime.now(UTC)
        for _ in range(10):  # in one go: no sender can drain between two of them
            event = PresenceChanged(
                agent_id=agent_id, presence="away", previous="available", reason="", at=now
            )
            await stream.on_event(event)
        texts = 0
        while (message := await asyncio.wait_for(ws.receive(), timeout=10)).type is aiohttp.WSMsgType.TEXT:
            texts += 1
        assert message.type is aiohttp.WSMsgType.CLOSE
        assert message.data == TRY_AGAIN_LATER
        assert texts == 4  # what it had queued before it fell behind, then the signal


async def test_the_live_sockets_refuse_a_page_of_another_site(served: tuple[str, Container]) -> None:
    base, container = served
    username = unique("sup")
    await container.bus.handle(CreateAgent(username=username, role=Role.SUPERVISOR, password=PASSWORD))
    async with aiohttp.ClientSession() as http:
        async with http.post(
            base + "/api/v1/auth/token", json={"username": username, "password": PASSWORD}
        ) as resp:
            token = (await resp.json())["token"]
        cookie = {"Cookie": f"{COOKIE}={token}"}
        for path in ("/ws/events", "/ws/dashboard"):
            try:
                await http.ws_connect(base + path, headers={**cookie, "Origin": "https://evil.example"})
            except aiohttp.WSServerHandshakeError as exc:
                assert exc.status == 403, path
            else:
                raise AssertionError(f"{path}: a socket from another site was opened")
            async with http.ws_connect(base + path, headers={**cookie, "Origin": base}) as ws:
                assert not ws.closed  # the site's own page opens it
