"""The agent's desk in a real headless Chromium, end to end, against a running router.

An agent signs in, goes available, gets an offer within a second of a contact arriving, accepts
it with the keyboard, reads the customer's message, replies, sees the customer's next message
arrive live, has an unread count in the title while the tab is hidden, and wraps up with a code.
Screenshots of every step go to test-artifacts/desk-conversation/; the page logs no error.

The chat channel's outbound adapter is the test's own (`ChatOutbox`), which keeps what it was
handed; the queue's disposition codes are set by an admin first.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.agent_ui.conftest import sign_in
from tests.agent_ui.desk_world import DeskWorld, Watched, desk_world
from tests.conftest import unique

__all__ = ["desk_world"]  # the fixture, used here by name
pytestmark = pytest.mark.browser

HIDE = """() => {
  Object.defineProperty(document, "hidden", {value: true, configurable: true});
  Object.defineProperty(document, "visibilityState", {value: "hidden", configurable: true});
  document.dispatchEvent(new Event("visibilitychange"));
}"""
SHOW = """() => {
  Object.defineProperty(document, "hidden", {value: false, configurable: true});
  Object.defineProperty(document, "visibilityState", {value: "visible", configurable: true});
  document.dispatchEvent(new Event("visibilitychange"));
}"""


async def features(page: Page) -> dict[str, bool]:
    config: dict[str, Any] = await page.evaluate(
        "() => JSON.parse(document.getElementById('desk-config').textContent)"
    )
    return dict(config["features"])


async def test_an_agent_takes_a_chat_from_offer_to_wrap_up(browser: Browser, desk_world: DeskWorld) -> None:
    world = desk_world
    agent_id, username = await world.agent()
    page = await browser.new_page()
    watched = Watched(page, "desk-conversation")
    try:
        await sign_in(page, world.base, username)
        await expect(page.locator("#desk")).to_have_attribute("data-agent-id", str(agent_id))
        await expect(page.locator("#connection.on")).to_have_count(1)
        await expect(page.locator("#presence-state")).to_have_text("Offline")
        await watched.shot("signed-in")
        on = await features(page)

        await page.select_option("#presence-select", "available")
        await expect(page.locator("#presence-state")).to_have_text("Available")
        status, me = await world.call("GET", f"/api/v1/agents/{agent_id}")
        assert status == 200 and me["presence"] == "available"
        await page.evaluate("() => document.activeElement.blur()")
        await watched.shot("available")

        visitor, name = unique("visitor"), "<img src=x>Ada 王"
        contact = await world.inbound(visitor, "Hello, my order #42 is late", sender_name=name)
        card = page.locator(f".offer-card[data-interaction='{contact['interaction_id']}']")
        await expect(card).to_be_visible()
        await expect(card.locator(".customer-name")).to_have_text(name)  # as text, never markup
        await expect(card.locator(".queue-name")).to_have_text(world.queue)
        await expect(card.locator(".expires")).to_contain_text("Expires in")
        assert await page.locator(".offer-card img").count() == 0
        await expect(page).to_have_title(re.compile(r"^\(1\) "))  # an offer counts until seen
        await watched.shot("offer")

        await page.keyboard.press("a")
        await expect(card).to_have_count(0)
        panel = page.locator(f".conversation[data-interaction='{contact['interaction_id']}']")
        await expect(panel).to_be_visible()
        await expect(panel).to_have_attribute("data-state", "active")
        await expect(panel.locator(".msg.inbound .body").first).to_have_text("Hello, my order #42 is late")
        await expect(panel.locator(".customer-panel .customer-name")).to_have_text(name)
        await expect(page).not_to_have_title(re.compile(r"^\("))
        await watched.shot("accepted")

        reply = panel.locator("textarea.reply")
        await reply.fill("Sorry about that, let me check.")
        await reply.press("Enter")
        await expect(panel.locator(".msg.outbound .body")).to_have_text("Sorry about that, let me check.")
        await expect(reply).to_have_value("")
        status, stored = await world.call("GET", f"/api/v1/interactions/{contact['interaction_id']}/messages")
        outbound = [m["body"] for m in stored["messages"] if m["direction"] == "outbound"]
        assert outbound == ["Sorry about that, let me check."]
        assert [m.body for m in world.chat_outbox.sent] == outbound  # handed to the channel once
        await watched.shot("replied")

        await world.inbound(visitor, "Thanks, <b>I'll wait</b>")
        await expect(panel.locator(".msg.inbound .body").last).to_have_text("Thanks, <b>I'll wait</b>")
        assert await panel.locator(".msg b").count() == 0  # a customer's words are text, never markup
        await watched.shot("customer-wrote-again")

        await page.evaluate(HIDE)
        await world.inbound(visitor, "Are you still there?")
        await expect(panel.locator(".msg.inbound .body").last).to_have_text("Are you still there?")
        await expect(page).to_have_title(re.compile(r"^\(1\) Desk"))
        await watched.shot("unread-in-title")
        await page.evaluate(SHOW)
        await expect(page).to_have_title(re.compile(r"^Desk"))

        assert on["wrap_up_codes"]
        _, queues = await world.call("GET", "/api/v1/queues")
        queue_id = next(q["id"] for q in queues["items"] if q["name"] == world.queue)
        status, _ = await world.call(
            "PUT", f"/api/v1/queues/{queue_id}/wrap-up-codes", {"codes": ["resolved", "follow_up"]}
        )
        assert status == 200
        await panel.locator("button.wrap-up").click()
        await expect(panel).to_have_attribute("data-state", "wrap_up")
        await expect(panel.locator(".wrap-up-left")).to_contain_text("Wrap-up ends in")
        await expect(panel.locator("select.wrap-up-code option")).to_have_count(3)  # a prompt, 2 codes
        await panel.locator("select.wrap-up-code").select_option("resolved")
        await watched.shot("wrap-up")
        await panel.locator("button.close-interaction").click()
        await expect(panel).to_have_count(0)
        await expect(page.locator("#no-work")).to_be_visible()
        status, closed = await world.call("GET", f"/api/v1/interactions/{contact['interaction_id']}")
        assert (closed["state"], closed["wrap_up_code"]) == ("closed", "resolved")
        await watched.shot("closed")
        assert watched.errors == []
    finally:
        await page.close()
