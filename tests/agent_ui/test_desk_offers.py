"""Offers on the desk in a real browser: rejected with the R key, gone when they expire, and
found again after the desk's socket drops while an offer is made (read back from the API)."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from agent_ui.event_stream import EVENTS_KEY
from tests.agent_ui.desk_world import DeskWorld, Watched, desk_world, go_available
from tests.conftest import unique

__all__ = ["desk_world"]  # the fixture, used here by name
pytestmark = pytest.mark.browser


async def test_the_r_key_rejects_the_offer_and_its_card_leaves(
    browser: Browser, desk_world: DeskWorld
) -> None:
    agent_id, username = await desk_world.agent()
    page = await browser.new_page()
    watched = Watched(page, "desk-reject")
    try:
        await go_available(page, desk_world, username)
        contact = await desk_world.inbound(unique("visitor"), "hi")
        card = page.locator(f".offer-card[data-interaction='{contact['interaction_id']}']")
        await expect(card).to_be_visible()
        # The card reads the interaction and its customer as it appears; rejected at once, those
        # reads may come back 404: the work is no longer the agent's.
        watched.allow_gone(
            f"/api/v1/interactions/{contact['interaction_id']}", f"/api/v1/customers/{contact['customer_id']}"
        )
        await page.keyboard.press("r")
        await expect(card).to_have_count(0)
        await expect(page).not_to_have_title(re.compile(r"^\("))
        _, routing = await desk_world.call("GET", f"/api/v1/interactions/{contact['interaction_id']}/routing")
        assert [o["state"] for o in routing["offers"] if o["agent_id"] == agent_id] == ["rejected"]
        await watched.shot("rejected")
        assert watched.errors == []
    finally:
        await page.close()


async def test_an_offer_left_unanswered_leaves_the_screen_when_it_expires(
    browser: Browser, desk_world: DeskWorld
) -> None:
    await desk_world.offer_timeout(2.0)
    _, username = await desk_world.agent()
    page = await browser.new_page()
    watched = Watched(page, "desk-expiry")
    try:
        await go_available(page, desk_world, username)
        contact = await desk_world.inbound(unique("visitor"), "anyone?")
        card = page.locator(f".offer-card[data-interaction='{contact['interaction_id']}']")
        await expect(card).to_be_visible()
        await expect(card.locator(".expires")).to_contain_text(re.compile(r"Expires in [012] s"))
        await watched.shot("about-to-expire")
        await expect(card).to_have_count(0, timeout=6000)
        await watched.shot("expired")
        assert watched.errors == []
    finally:
        await page.close()


async def test_after_the_socket_drops_the_desk_reloads_the_offer_it_missed(
    browser: Browser, desk_world: DeskWorld
) -> None:
    _, username = await desk_world.agent()
    page = await browser.new_page()
    watched = Watched(page, "desk-reconnect")
    try:
        await go_available(page, desk_world, username)
        # The server drops every desk socket; the desk waits at least half a second before it
        # reconnects, and the offer is made (and pushed to nobody) well within that.
        await desk_world.app[EVENTS_KEY].close_all(desk_world.app)
        contact = await desk_world.inbound(unique("visitor"), "hello after the drop")
        await expect(page.locator("#connection.on")).to_have_count(1, timeout=10_000)
        card = page.locator(f".offer-card[data-interaction='{contact['interaction_id']}']")
        await expect(card).to_be_visible()
        await expect(card.locator(".expires")).to_contain_text("Expires in")
        await watched.shot("offer-after-reconnect")
        await page.keyboard.press("a")
        panel = page.locator(f".conversation[data-interaction='{contact['interaction_id']}']")
        await expect(panel.locator(".msg.inbound .body")).to_have_text("hello after the drop")
        assert watched.errors == []
    finally:
        await page.close()
