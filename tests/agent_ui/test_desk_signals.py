"""Typing and read marks on the desk in a real browser: the customer's reach the agent's thread
live (signal.* frames), and the agent's own go out with POST .../signals."""

from __future__ import annotations

import json
import re

import pytest
from playwright.async_api import Browser, expect

from contact_center.signals import Signal
from tests.agent_ui.desk_world import DeskWorld, Watched, desk_world, go_available, take_chat

__all__ = ["desk_world"]  # the fixture, used here by name
pytestmark = pytest.mark.browser


async def test_typing_and_read_marks_go_both_ways(browser: Browser, desk_world: DeskWorld) -> None:
    _, username = await desk_world.agent()
    page = await browser.new_page()
    watched = Watched(page, "desk-signals")
    try:
        await go_available(page, desk_world, username)
        async with page.expect_request(lambda r: r.url.endswith("/signals")) as read_mark:
            interaction_id, _, panel = await take_chat(page, desk_world, body="Is anyone there?")
        mark = json.loads((await read_mark.value).post_data or "{}")
        _, listed = await desk_world.call("GET", f"/api/v1/interactions/{interaction_id}/messages")
        assert mark == {"kind": "read", "up_to": listed["messages"][-1]["id"]}

        reply = panel.locator("textarea.reply")
        async with page.expect_request(lambda r: r.url.endswith("/signals")) as typing_mark:
            await reply.press_sequentially("Yes, I am")
        assert json.loads((await typing_mark.value).post_data or "{}") == {"kind": "typing"}
        await reply.press("Enter")
        await expect(panel.locator(".msg.outbound .body")).to_have_text("Yes, I am")

        signals = desk_world.container.signals
        await signals.publish(Signal(interaction_id, "typing", "customer"))
        await expect(panel.locator(".typing")).to_be_visible()
        await expect(panel.locator(".typing")).to_have_text("The customer is typing…")
        _, listed = await desk_world.call("GET", f"/api/v1/interactions/{interaction_id}/messages")
        await signals.publish(Signal(interaction_id, "read", "customer", up_to=listed["messages"][-1]["id"]))
        await expect(panel.locator(".msg.outbound.read .seen")).to_be_visible()
        await watched.shot("typing-and-seen")
        assert watched.errors == []
    finally:
        await page.close()


SPY = """() => {
  window.__alerts = { notes: [], tones: 0 };
  const Real = window.Notification;
  window.Notification = class extends Real {
    constructor(title, options) {
      super(title, options);
      window.__alerts.notes.push(options.body);
    }
  };
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    window.__alerts.tones += 1;
    return start.apply(this, args);
  };
}"""
HIDE = """() => {
  Object.defineProperty(document, "hidden", {value: true, configurable: true});
  document.dispatchEvent(new Event("visibilitychange"));
}"""


async def test_a_hidden_desk_rings_and_notifies_for_a_customer_message(
    browser: Browser, desk_world: DeskWorld
) -> None:
    _, username = await desk_world.agent()
    context = await browser.new_context()
    await context.grant_permissions(["notifications"], origin=desk_world.base)
    await context.add_init_script(f"({SPY})()")
    page = await context.new_page()
    watched = Watched(page, "desk-alerts")
    try:
        await go_available(page, desk_world, username)
        await expect(page.locator("#enable-notifications")).to_have_text("Notifications allowed")
        await page.click("#enable-sound")
        await expect(page.locator("#enable-sound")).to_have_text("Sound enabled")
        _, visitor, panel = await take_chat(page, desk_world)
        tones = await page.evaluate("() => window.__alerts.tones")
        assert tones >= 2  # the test tone on enabling, then the offer's
        await page.evaluate(HIDE)
        await desk_world.inbound(visitor, "hello? <i>anyone</i>")
        await expect(panel.locator(".msg.inbound .body").last).to_have_text("hello? <i>anyone</i>")
        await expect(page).to_have_title(re.compile(r"^\(1\) Desk"))
        alerts = await page.evaluate("() => window.__alerts")
        name = await panel.locator(".conversation-head .customer-name").text_content()
        assert alerts["notes"] == [f"New message from {name}"]
        assert alerts["tones"] > tones
        await watched.shot("alerted")
        assert watched.errors == []
    finally:
        await context.close()
