"""A served web app with the router running: what the desk's browser tests need to get offers.

Each world has its own queue requiring its own skill, so only its own agents are offered its
contacts; other tests' waiting work is set aside first (the database is shared)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from playwright.async_api import ConsoleMessage, Page, expect
from sqlmodel import col, delete

from contact_center.api.protocol_errors import ApiRunner
from contact_center.bootstrap import Container, build_container, build_web_app
from contact_center.domain.commands import CreateAgent, CreateQueue
from contact_center.domain.enums import Channel, DeliveryStatus, Role
from contact_center.domain.webchat_sites import WebchatSiteRecord
from contact_center.outbound import OutboundMessage
from contact_center.roles import build_router
from contact_center.router.service import RouterService
from contact_center.services.agents import create_token_for
from tests.agent_ui.conftest import PASSWORD, _free_port, sign_in
from tests.conftest import make_settings, unique
from tests.contact_center.router.conftest import _set_offer_timeout, forget_other_tests_work, polled

#: Screenshots of the desk tests land here (gitignored), one directory per test.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


class ChatOutbox:
    """The chat channel's outbound adapter in these tests: keeps what it was handed to send.
    SMS has none, so an SMS reply is refused with channel_cannot_send."""

    channel = Channel.CHAT

    def __init__(self) -> None:
        self.sent: list[OutboundMessage] = []

    async def deliver(self, message: OutboundMessage) -> DeliveryStatus:
        self.sent.append(message)
        return DeliveryStatus.SENT


@dataclass
class DeskWorld:
    base: str
    container: Container
    queue: str
    skill: str
    admin_headers: dict[str, str]
    router: RouterService
    app: web.Application
    chat_outbox: ChatOutbox

    async def offer_timeout(self, seconds: float) -> None:
        await _set_offer_timeout(self.container, self.queue, seconds)
        await self.router.rebuild()

    async def agent(self, *, role: Role = Role.AGENT) -> tuple[int, str]:
        username = unique("desk")
        agent_id: int = await self.container.bus.handle(
            CreateAgent(username=username, role=role, password=PASSWORD, skills=((self.skill, 5),))
        )
        return agent_id, username

    async def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """The REST API as the world's administrator (what an integration would do)."""
        async with (
            aiohttp.ClientSession() as http,
            http.request(method, self.base + path, json=body, headers=self.admin_headers) as answer,
        ):
            text = await answer.text()
            return answer.status, json.loads(text) if text else None

    async def inbound(
        self, sender: str, body: str, sender_name: str = "", channel: str = "chat"
    ) -> dict[str, Any]:
        contact = {"channel": channel, "sender": sender, "sender_name": sender_name, "body": body}
        status, answer = await self.call("POST", "/api/v1/inbound", {**contact, "queue": self.queue})
        assert status == 201, answer
        return dict(answer)


@pytest.fixture
async def desk_world(page_sqlite_url: str) -> AsyncIterator[DeskWorld]:
    chat_outbox = ChatOutbox()
    container = build_container(make_settings(page_sqlite_url), outbound=[chat_outbox])
    channels = (Channel.CHAT, Channel.SMS)
    async with served_world(container, unique("deskq"), unique("deskskill"), channels, chat_outbox) as world:
        yield world


@asynccontextmanager
async def served_world(
    container: Container,
    queue: str,
    skill: str,
    channels: tuple[Channel, ...],
    chat_outbox: ChatOutbox,
) -> AsyncIterator[DeskWorld]:
    """`container`'s web app on a free port with its router leading, a queue of `channels` that
    needs `skill`, and an administrator's token; everything closed afterwards."""
    await container.bus.handle(CreateQueue(name=queue, channels=channels, required_skills=((skill, 1),)))
    admin = await container.bus.handle(CreateAgent(username=unique("adm"), role=Role.ADMIN))
    token = await create_token_for(container.uow(), admin, "test")
    await forget_other_tests_work(container)
    await _seed_this_tests_sites_afresh(container)
    router = build_router(container)
    app = build_web_app(container, explain=router.explain)
    await container.start()
    task = asyncio.create_task(router.run())
    await polled(lambda: _leading(router))
    runner = ApiRunner(app)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield DeskWorld(
            f"http://127.0.0.1:{port}",
            container,
            queue,
            skill,
            {"Authorization": f"Bearer {token}"},
            router,
            app,
            chat_outbox,
        )
    finally:
        await runner.cleanup()
        with contextlib.suppress(asyncio.CancelledError):
            await router.stop(task)
        await container.close()


async def _seed_this_tests_sites_afresh(container: Container) -> None:
    """The chat sites this test's settings define are stored anew when its app starts. Tests share
    the database: an earlier test that changed a site of the same key (an admin's edit, the API
    fuzzing) made it an admin's version, which a settings file never steers again, and this
    test's topics would be ignored."""
    keys = list(container.settings.webchat.sites)
    async with container.uow() as uow:
        await uow.session.exec(delete(WebchatSiteRecord).where(col(WebchatSiteRecord.key).in_(keys)))  # type: ignore[call-overload]
        await uow.commit()


async def _leading(router: Any) -> bool:
    return router.engine is not None and bool(router._leading)


class Watched:
    """A page's console errors and uncaught exceptions, and its numbered screenshots."""

    def __init__(self, page: Page, name: str) -> None:
        self.page = page
        self.errors: list[str] = []
        self.gone_reads: list[str] = []
        self.directory = ARTIFACTS / name
        self.directory.mkdir(parents=True, exist_ok=True)
        for old in self.directory.glob("*.png"):
            old.unlink()
        self._step = 0
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = str(message.location.get("url", ""))
        if "status of 404" in message.text and any(p in url for p in self.gone_reads):
            return
        self.errors.append(f"console: {message.text} at {message.location}")

    def allow_gone(self, *paths: str) -> None:
        """Reads that may answer 404 because the work left the agent while they were under way
        (the browser logs every 404 it gets as an error, expected or not)."""
        self.gone_reads.extend(paths)

    async def shot(self, what: str) -> None:
        self._step += 1
        await self.page.screenshot(path=str(self.directory / f"{self._step:02d}-{what}.png"), full_page=True)


async def go_available(
    page: Page, world: DeskWorld, username: str, path: str = "/", expect_presence: str = "Available"
) -> None:
    """Sign in, open the desk (`path`: an agent's is `/`, a supervisor's `/desk`), wait for its
    socket, and go available (focus left on nothing)."""
    await sign_in(page, world.base, username)
    if path != "/":
        await page.goto(world.base + path)
    await expect(page.locator("#connection.on")).to_have_count(1)
    await page.select_option("#presence-select", "available")
    await expect(page.locator("#presence-state")).to_have_text(expect_presence)
    await page.evaluate("() => document.activeElement.blur()")


async def take_chat(
    page: Page, world: DeskWorld, body: str = "Hello", key: str = "a"
) -> tuple[int, str, Any]:
    """A new visitor writes; the agent (available on `page`) accepts the offer with `key` (A, or
    Alt+A, which works in the reply box too). Returns the interaction id, the visitor's id and
    the conversation panel's locator."""
    visitor = unique("visitor")
    contact = await world.inbound(visitor, body, sender_name=unique("Customer "))
    interaction_id = int(contact["interaction_id"])
    await expect(page.locator(f".offer-card[data-interaction='{interaction_id}']")).to_be_visible()
    await page.keyboard.press(key)
    panel = page.locator(f".conversation[data-interaction='{interaction_id}']")
    await expect(panel).to_have_attribute("data-state", "active")
    return interaction_id, visitor, panel
