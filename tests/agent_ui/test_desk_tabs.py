"""Several conversations at once on the desk, one tab each, in a real browser: a customer writing
in a conversation behind another gets an unread count on its tab and in the title, even with the
page in view, until the agent brings it to the front (Alt+number)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.async_api import Browser, expect

from contact_center.bus import InProcessBroker
from contact_center.domain.events import InteractionFlagged
from tests.agent_ui.desk_world import DeskWorld, Watched, desk_world, go_available, take_chat

__all__ = ["desk_world"]  # the fixture, used here by name
pytestmark = pytest.mark.browser


async def test_a_message_behind_another_tab_counts_until_the_agent_brings_it_forward(
    browser: Browser, desk_world: DeskWorld
) -> None:
    _, username = await desk_world.agent()
    page = await browser.new_page()
    watched = Watched(page, "desk-tabs")
    try:
        await go_available(page, desk_world, username)
        first, first_visitor, first_panel = await take_chat(page, desk_world, body="first chat")
        assert await page.evaluate("() => document.activeElement.matches('textarea.reply')")
        # The first chat's reply box has the focus: A would be typed there, Alt+A answers the offer.
        second, _, second_panel = await take_chat(page, desk_world, body="second chat", key="Alt+a")
        await expect(first_panel.locator("textarea.reply")).to_have_value("")
        await expect(page.locator(".tab")).to_have_count(2)
        await expect(second_panel).to_be_visible()  # the one just accepted is in front
        await expect(first_panel).to_be_hidden()

        await desk_world.inbound(first_visitor, "still waiting on the first")
        first_tab = page.locator(f".tab[data-interaction='{first}']")
        await expect(first_tab.locator(".unread")).to_have_text("1")
        await expect(page).to_have_title(re.compile(r"^\(1\) Desk"))
        await watched.shot("unread-behind")

        await page.keyboard.press("Alt+1")  # works from the reply box
        await expect(first_panel).to_be_visible()
        await expect(first_tab.locator(".unread")).to_be_hidden()
        await expect(page).to_have_title(re.compile(r"^Desk"))
        await expect(first_panel.locator(".msg.inbound .body")).to_have_text(
            ["first chat", "still waiting on the first"]
        )
        await page.keyboard.press("Alt+2")
        await expect(page.locator(f".conversation[data-interaction='{second}']")).to_be_visible()
        await watched.shot("switched")
        assert watched.errors == []
    finally:
        await page.close()


async def test_a_browser_set_to_chinese_gets_the_desk_in_chinese(
    browser: Browser, desk_world: DeskWorld
) -> None:
    _, username = await desk_world.agent()
    context = await browser.new_context(locale="zh-CN")
    page = await context.new_page()
    watched = Watched(page, "desk-chinese")
    try:
        await go_available(page, desk_world, username, expect_presence="空闲")
        await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        await expect(page.locator("label[for=presence-select]")).to_have_text("状态")
        _, _, panel = await take_chat(page, desk_world, body="你好，我的订单还没到")
        await expect(panel.locator(".msg.inbound .body")).to_have_text("你好，我的订单还没到")
        await expect(panel.locator("button.wrap-up")).to_have_text("话后处理")
        await watched.shot("chinese")
        assert watched.errors == []
    finally:
        await context.close()


async def test_a_flagged_conversation_stays_on_the_desk_and_says_why(
    browser: Browser, desk_world: DeskWorld
) -> None:
    """interaction.flagged leaves the state as it was: the tab stays, with the reason shown."""
    agent_id, username = await desk_world.agent()
    page = await browser.new_page()
    watched = Watched(page, "desk-flagged")
    try:
        await go_available(page, desk_world, username)
        interaction_id, _, panel = await take_chat(page, desk_world)
        _, doc = await desk_world.call("GET", f"/api/v1/interactions/{interaction_id}")
        broker = desk_world.container.broker
        assert isinstance(broker, InProcessBroker)
        flagged = InteractionFlagged(
            interaction_id=interaction_id,
            channel="chat",
            queue_id=doc["queue_id"],
            agent_id=agent_id,
            reason="desk disconnected",
            at=datetime.now(UTC),
        )
        await broker.deliver(flagged)
        await expect(panel.locator(".flagged")).to_have_text("Flagged to a supervisor: desk disconnected")
        await expect(panel).to_have_attribute("data-state", "active")
        await watched.shot("flagged")
        assert watched.errors == []
    finally:
        await page.close()
