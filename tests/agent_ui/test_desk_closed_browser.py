"""A desk tab closed in a real browser, in headless Chromium: an agent signs in on /desk, goes
available and accepts a chat a visitor started from the demo shop's widget; then the tab is
closed. After the grace period (a fraction of a second here) the agent is away (or offline, as
configured) and a new chat is not offered to them; after the threshold their open chat is
requeued to a colleague who sees the whole conversation, or (action flag) stays with them,
flagged on the supervisor's dashboard and on their desk when they come back, until they take it
on again. Screenshots in test-artifacts/desk-closed-*/, and no page logs a console error."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, expect
from sqlmodel import col, select

from contact_center.bootstrap import build_container
from contact_center.domain.commands import CreateAgent
from contact_center.domain.enums import Channel, Role
from contact_center.domain.interactions import InteractionTransition
from contact_center.settings import DeskSettings, Settings
from tests.agent_ui.conftest import PASSWORD, browser
from tests.agent_ui.desk_world import ChatOutbox, DeskWorld, Watched, go_available, served_world
from tests.agent_ui.test_desk_presence import offered_to, presence_of
from tests.conftest import unique
from tests.contact_center.router.conftest import polled

__all__ = ["browser"]  # the fixture, used here by name
pytestmark = pytest.mark.browser

GRACE_S = 0.5
ORPHANED_S = 2.0


async def closed_desk_world(
    page_sqlite_url: str, upload_dir: Path, *, action: str, presence: str
) -> AsyncIterator[DeskWorld]:
    queue, skill = unique("closedq"), unique("closedskill")
    settings = Settings.model_validate(
        {
            "environment": "test",
            "database": {"url": page_sqlite_url},
            "webchat": {"upload_dir": str(upload_dir), "sites": {"demo": {"topics": {"Orders": queue}}}},
        }
    )
    desk = DeskSettings(
        disconnect_grace_s=GRACE_S,
        disconnect_presence=presence,
        orphaned_chat_after_s=ORPHANED_S,
        orphaned_chat_action=action,
    )
    container = build_container(settings.model_copy(update={"desk": desk}))  # the web chat can send
    async with served_world(container, queue, skill, (Channel.CHAT,), ChatOutbox()) as world:
        yield world


@pytest.fixture
async def requeue_world(page_sqlite_url: str, tmp_path: Path) -> AsyncIterator[DeskWorld]:
    async for world in closed_desk_world(page_sqlite_url, tmp_path, action="requeue", presence="away"):
        yield world


@pytest.fixture
async def flag_world(page_sqlite_url: str, tmp_path: Path) -> AsyncIterator[DeskWorld]:
    async for world in closed_desk_world(page_sqlite_url, tmp_path, action="flag", presence="offline"):
        yield world


async def visitor_writes(page: Page, world: DeskWorld, line: str) -> Locator:
    """The demo shop's widget, by the mouse: a name, a first line, its acknowledgement (stored)."""
    await page.goto(world.base + "/demo/shop")
    await page.get_by_role("button", name="Chat with us").click()
    await page.get_by_label("Your name").fill("Mei Lin")
    await page.get_by_role("button", name="Start chat").click()
    box = page.get_by_label("Message", exact=True)
    await box.fill(line)
    await box.press("Enter")
    log = page.get_by_role("log")
    await expect(log.locator(".ccw-state")).to_have_text([""])
    return log


async def accept_first_offer(page: Page) -> int:
    card = page.locator(".offer-card").first
    await expect(card).to_be_visible(timeout=5_000)
    interaction_id = int(await card.get_attribute("data-interaction") or 0)
    await page.keyboard.press("a")
    panel = page.locator(f".conversation[data-interaction='{interaction_id}']")
    await expect(panel).to_have_attribute("data-state", "active")
    return interaction_id


async def moves_of(world: DeskWorld, interaction_id: int) -> list[tuple[str, str, str]]:
    async with world.container.uow() as uow:
        found = await uow.session.exec(
            select(InteractionTransition)
            .where(InteractionTransition.interaction_id == interaction_id)
            .order_by(col(InteractionTransition.id))
        )
        return [(str(t.from_state), str(t.to_state), t.actor) for t in found.all()]


async def _presence_is(world: DeskWorld, agent_id: int, presence: str) -> tuple[str, str] | None:
    now = await presence_of(world.container, agent_id)
    return now if now[0] == presence else None


async def test_a_closed_desk_tab_leaves_routing_and_its_chat_goes_to_a_colleague(
    browser: Browser, requeue_world: DeskWorld
) -> None:
    world = requeue_world
    gone_id, gone = await world.agent()
    colleague_id, colleague = await world.agent()
    visitor = await browser.new_page()
    desk = await browser.new_page(viewport={"width": 1400, "height": 900})
    other = await browser.new_page(viewport={"width": 1400, "height": 900})
    seen_visitor = Watched(visitor, "desk-closed-requeue/visitor")
    seen_desk = Watched(desk, "desk-closed-requeue/closing-agent")
    seen_other = Watched(other, "desk-closed-requeue/colleague")
    try:
        await go_available(desk, world, gone, path="/desk")
        log = await visitor_writes(visitor, world, "Where is my order 1042?")
        chat = await accept_first_offer(desk)
        await seen_desk.shot("chat-accepted")
        await go_available(other, world, colleague, path="/desk")  # there for what comes next

        await desk.close()  # the agent closes the desk's tab
        assert await presence_of(world.container, gone_id) == ("available", "")
        away = await polled(lambda: _presence_is(world, gone_id, "away"), within_s=GRACE_S + 10)
        assert away == ("away", "desk disconnected")
        assert (await moves_of(world, chat))[-1][1] == "active"  # before the threshold: still theirs

        later = await world.inbound(unique("visitor"), "Do you ship to Hangzhou?")
        later_id = int(later["interaction_id"])
        await expect(other.locator(f".offer-card[data-interaction='{later_id}']")).to_be_visible(
            timeout=5_000
        )
        assert await offered_to(world.container, later_id) == [colleague_id]  # never to the closed desk
        await seen_other.shot("new-chat-offered-to-colleague")
        await other.locator(f".offer-card[data-interaction='{later_id}'] button.accept").click()

        requeued = other.locator(f".offer-card[data-interaction='{chat}']")
        await expect(requeued).to_be_visible(timeout=(ORPHANED_S + 10) * 1000)
        assert ("active", "transferred", "desk") in await moves_of(world, chat)
        assert await offered_to(world.container, chat) == [gone_id, colleague_id]
        await requeued.locator("button.accept").click()
        panel = other.locator(f".conversation[data-interaction='{chat}']")
        await expect(panel.locator(".msg.inbound .body")).to_have_text(["Where is my order 1042?"])
        await panel.locator("textarea.reply").fill("Sorry for the wait: it left the warehouse today.")
        await panel.locator("textarea.reply").press("Enter")
        await expect(log.get_by_text("Sorry for the wait: it left the warehouse today.")).to_be_visible(
            timeout=5_000
        )
        await seen_other.shot("requeued-chat-answered")
        await seen_visitor.shot("answer-from-colleague")
    finally:
        for page in (visitor, desk, other):
            if not page.is_closed():
                await page.close()
    assert seen_visitor.errors == [] and seen_desk.errors == [] and seen_other.errors == []


async def test_a_closed_desk_tab_with_action_flag_flags_its_chat_to_the_supervisor(
    browser: Browser, flag_world: DeskWorld
) -> None:
    world = flag_world
    gone_id, gone = await world.agent()
    boss = unique("boss")
    await world.container.bus.handle(CreateAgent(username=boss, role=Role.SUPERVISOR, password=PASSWORD))
    visitor = await browser.new_page()
    desk = await browser.new_page(viewport={"width": 1400, "height": 900})
    floor = await browser.new_page(viewport={"width": 1400, "height": 900})
    seen_visitor = Watched(visitor, "desk-closed-flag/visitor")
    seen_desk = Watched(desk, "desk-closed-flag/closing-agent")
    seen_floor = Watched(floor, "desk-closed-flag/supervisor")
    back: Page | None = None
    try:
        await go_available(desk, world, gone, path="/desk")
        await visitor_writes(visitor, world, "My refund has not arrived")
        chat = await accept_first_offer(desk)
        await seen_desk.shot("chat-accepted")
        await _sign_in_to_dashboard(floor, world, boss)
        flagged_row = floor.locator(f"#flagged tr[data-interaction='{chat}']")
        await expect(floor.locator("#flagged-section")).to_be_hidden()

        await desk.close()
        offline = await polled(lambda: _presence_is(world, gone_id, "offline"), within_s=GRACE_S + 10)
        assert offline == ("offline", "desk disconnected")
        later = await world.inbound(unique("visitor"), "Is anyone there tonight?")
        await expect(flagged_row).to_be_visible(timeout=(ORPHANED_S + 10) * 1000)
        await expect(flagged_row.locator(".reason")).to_have_text("desk disconnected")
        await expect(flagged_row).to_contain_text(gone)
        await seen_floor.shot("flagged-on-the-dashboard")
        status, doc = await world.call("GET", f"/api/v1/interactions/{chat}")
        assert status == 200 and (doc["state"], doc["agent_id"], doc["flag_reason"]) == (
            "active",
            gone_id,
            "desk disconnected",
        )
        status, waiting = await world.call("GET", f"/api/v1/interactions/{later['interaction_id']}")
        assert status == 200 and waiting["state"] == "queued"  # nobody here to take it: it waits
        assert await offered_to(world.container, int(later["interaction_id"])) == []

        back = await browser.new_page(viewport={"width": 1400, "height": 900})  # the agent returns
        seen_back = Watched(back, "desk-closed-flag/returning-agent")
        await go_available(back, world, gone, path="/desk", expect_presence="Available")
        panel = back.locator(f".conversation[data-interaction='{chat}']")
        await expect(panel.locator(".flagged")).to_have_text("Flagged to a supervisor: desk disconnected")
        await seen_back.shot("flag-shown-on-return")
        await panel.locator("button.wrap-up").click()  # taken on again: the flag is over
        await expect(panel.locator(".flagged")).to_be_hidden()
        await expect(flagged_row).to_have_count(0, timeout=5_000)
        await expect(floor.locator("#flagged-section")).to_be_hidden()
        await seen_floor.shot("flag-cleared")
        assert seen_back.errors == []
    finally:
        for page in (visitor, desk, floor, back):
            if page is not None and not page.is_closed():
                await page.close()
    assert seen_visitor.errors == [] and seen_desk.errors == [] and seen_floor.errors == []


async def _sign_in_to_dashboard(page: Page, world: DeskWorld, username: str) -> None:
    await page.goto(world.base + "/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await expect(page.locator("#live.on")).to_have_count(1)
