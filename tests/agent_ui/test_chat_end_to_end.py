"""The first complete conversation, in real headless Chromium: a visitor writes from the demo shop's
chat widget, the router offers it, an agent accepts on the desk and replies, the visitor sees the
reply; the visitor's connection is cut and restored with nothing lost or repeated on either side;
the agent transfers to a colleague who sees the whole conversation and wraps up; the customer's
record shows the chat. Screenshots of every step land in test-artifacts/chat-end-to-end/, and no
page logs a console error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect
from sqlmodel import select

from channels.webchat import CHAT_KEY
from contact_center.bootstrap import build_container
from contact_center.domain.enums import Channel
from contact_center.domain.interactions import Message
from contact_center.settings import Settings
from tests.agent_ui.conftest import browser
from tests.agent_ui.desk_world import ChatOutbox, DeskWorld, Watched, go_available, served_world
from tests.conftest import unique

__all__ = ["browser"]  # the fixture, used here by name


@pytest.fixture
async def shop_world(page_sqlite_url: str, tmp_path: Path) -> AsyncIterator[DeskWorld]:
    """A served app whose demo site sends its chats to a queue of this test's own, with the
    router running and the real web chat adapter sending the agents' replies."""
    queue, skill = unique("shopq"), unique("shopskill")
    settings = Settings.model_validate(
        {
            "environment": "test",
            "database": {"url": page_sqlite_url},
            "webchat": {"upload_dir": str(tmp_path), "sites": {"demo": {"topics": {"Orders": queue}}}},
        }
    )
    container = build_container(settings)  # the deployment's own adapters: web chat can send
    async with served_world(container, queue, skill, (Channel.CHAT,), ChatOutbox()) as world:
        yield world


async def stored_bodies(world: DeskWorld, interaction_id: int) -> list[str]:
    async with world.container.uow() as uow:
        found = await uow.session.exec(select(Message).where(Message.interaction_id == interaction_id))
        return sorted(m.body for m in found.all())


async def test_a_visitor_and_two_agents_hold_one_conversation_end_to_end(
    browser: Browser, shop_world: DeskWorld
) -> None:
    world = shop_world
    first_id, first = await world.agent()
    second_id, second = await world.agent()
    visitor = await browser.new_page()
    desk = await browser.new_page(viewport={"width": 1400, "height": 900})
    colleague = await browser.new_page(viewport={"width": 1400, "height": 900})
    seen_visitor = Watched(visitor, "chat-end-to-end/visitor")
    seen_desk = Watched(desk, "chat-end-to-end/first-agent")
    seen_colleague = Watched(colleague, "chat-end-to-end/second-agent")
    try:
        await go_available(desk, world, first)
        await seen_desk.shot("available")

        await visitor.goto(world.base + "/demo/shop")
        await visitor.get_by_role("button", name="Chat with us").click()
        await visitor.get_by_label("Your name").fill("Mei Lin")
        await visitor.get_by_role("button", name="Start chat").click()
        box = visitor.get_by_label("Message", exact=True)
        await box.fill("Does the blue teapot ship to Shanghai?")
        await box.press("Enter")
        log = visitor.get_by_role("log")
        await expect(log.locator(".ccw-state")).to_have_text([""])  # acknowledged: stored
        await seen_visitor.shot("wrote")

        card = desk.locator(".offer-card").first
        await expect(card).to_be_visible(timeout=5_000)  # how fast: bench/chat.py
        interaction_id = int(await card.get_attribute("data-interaction") or 0)
        await seen_desk.shot("offer")
        await desk.keyboard.press("a")
        panel = desk.locator(f".conversation[data-interaction='{interaction_id}']")
        await expect(panel.locator(".msg.inbound .body").first).to_have_text(
            "Does the blue teapot ship to Shanghai?"
        )
        reply = panel.locator("textarea.reply")
        await reply.fill("Hello Mei! Yes, in five days.")
        await reply.press("Enter")
        await expect(log.get_by_text("Hello Mei! Yes, in five days.")).to_be_visible(timeout=5_000)
        await seen_visitor.shot("reply-seen")
        await seen_desk.shot("replied")

        # The visitor's connection is cut; both sides write meanwhile; nothing lost or repeated.
        await world.app[CHAT_KEY].hub.close_all(world.app)
        await reply.fill("Anything else I can do?")
        await reply.press("Enter")
        await box.fill("Can it be gift-wrapped?")
        await box.press("Enter")
        await expect(log.get_by_text("Anything else I can do?")).to_be_visible(timeout=15_000)
        await expect(log.locator(".ccw-state")).to_have_text(["", "", "", ""], timeout=15_000)
        await expect(panel.locator(".msg.inbound .body").last).to_have_text(
            "Can it be gift-wrapped?", timeout=5_000
        )
        lines = [
            "Anything else I can do?",
            "Can it be gift-wrapped?",
            "Does the blue teapot ship to Shanghai?",
            "Hello Mei! Yes, in five days.",
        ]
        assert sorted(await log.locator(".ccw-body").all_text_contents()) == lines
        assert sorted(await panel.locator(".msg .body").all_text_contents()) == lines
        assert await stored_bodies(world, interaction_id) == lines  # each stored once
        await seen_visitor.shot("after-reconnect")

        # Transferred to a colleague, who sees the whole conversation and the note.
        await go_available(colleague, world, second)
        await panel.locator("button.transfer").click()
        dialog = desk.locator("#transfer-dialog")
        await dialog.locator("input[name=target][value=agent]").check()
        await dialog.locator("#transfer-agent").select_option(str(second_id))
        await dialog.locator("#transfer-note").fill("Wants gift wrapping: check with the warehouse")
        await seen_desk.shot("transfer-dialog")
        await dialog.locator("button[value=transfer]").click()
        offered = colleague.locator(f".offer-card[data-interaction='{interaction_id}']")
        await expect(offered).to_be_visible(timeout=5_000)
        await colleague.keyboard.press("a")
        theirs = colleague.locator(f".conversation[data-interaction='{interaction_id}']")
        await expect(theirs.locator(".msg .body")).to_have_count(4, timeout=5_000)
        await expect(theirs.get_by_text("Wants gift wrapping: check with the warehouse")).to_be_visible()
        await seen_colleague.shot("transferred-with-history")
        await theirs.locator("textarea.reply").fill("Gift wrapping is free. Anything else?")
        await theirs.locator("textarea.reply").press("Enter")
        await expect(log.get_by_text("Gift wrapping is free. Anything else?")).to_be_visible(timeout=5_000)

        await theirs.locator("button.wrap-up").click()
        await expect(theirs.locator(".wrap-up-left")).to_contain_text("Wrap-up ends in")
        await expect(theirs.locator("select.wrap-up-code")).to_be_hidden()  # this queue has no codes
        await theirs.locator("button.close-interaction").click()
        await expect(theirs).to_have_count(0, timeout=5_000)  # the tab goes once it is closed
        status, doc = await world.call("GET", f"/api/v1/interactions/{interaction_id}")
        assert status == 200 and doc["state"] == "closed" and doc["agent_id"] == second_id
        status, history = await world.call("GET", f"/api/v1/customers/{doc['customer_id']}/interactions")
        assert status == 200 and [i["id"] for i in history["items"]] == [interaction_id]
        assert history["items"][0]["channel"] == "chat"
        await seen_colleague.shot("wrapped-up")
        assert first_id != second_id
    finally:
        for page in (visitor, desk, colleague):
            await page.close()
    assert seen_visitor.errors == [] and seen_desk.errors == [] and seen_colleague.errors == []
