"""The desk's alerts come again until seen, in a real browser: with the desk in the background a
customer's new message counts in the title and rings (sound and browser notification), again
every `[desk] alert_repeat_s` (a second here), and stops once the agent looks at the
conversation.

Headless Chromium reports every page visible, whatever is in front or minimised, so the page's
visibility is emulated: an init script makes `document.hidden` and `visibilityState` answer what
the test says and fires `visibilitychange`, as a browser does when its tab goes to the back.
The same script counts what the page rings: each browser notification made, and each tone (two
oscillators started together)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from contact_center.bootstrap import build_container
from contact_center.domain.enums import Channel
from contact_center.settings import DeskSettings
from tests.agent_ui.desk_world import ChatOutbox, DeskWorld, Watched, go_available, served_world, take_chat
from tests.conftest import make_settings, unique
from tests.contact_center.router.conftest import polled

pytestmark = pytest.mark.browser

REPEAT_S = 1.0
#: Runs before the page's own scripts: emulated visibility, and counters of what it rings.
INSTRUMENT = """
(() => {
  let hidden = false;
  Object.defineProperty(Document.prototype, "hidden", { configurable: true, get: () => hidden });
  Object.defineProperty(Document.prototype, "visibilityState", {
    configurable: true,
    get: () => (hidden ? "hidden" : "visible"),
  });
  const rung = { notifications: [], oscillators: 0 };
  window.__rung = rung;
  window.__setHidden = (value) => {
    hidden = value;
    document.dispatchEvent(new Event("visibilitychange"));
  };
  const Real = window.Notification;
  class Counted extends Real {
    constructor(title, options) {
      super(title, options);
      rung.notifications.push((options && options.body) || "");
    }
  }
  window.Notification = Counted;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    rung.oscillators += 1;
    return start.apply(this, args);
  };
})();
"""


@pytest.fixture
async def alert_world(page_sqlite_url: str) -> AsyncIterator[DeskWorld]:
    settings = make_settings(page_sqlite_url)
    settings = settings.model_copy(update={"desk": DeskSettings(alert_repeat_s=REPEAT_S)})
    container = build_container(settings, outbound=[ChatOutbox()])
    async with served_world(
        container, unique("alertq"), unique("alertskill"), (Channel.CHAT,), ChatOutbox()
    ) as world:
        yield world


async def rung(page: Page) -> dict[str, Any]:
    """What the page rang so far: notification bodies, and tones (two oscillators each)."""
    counts: dict[str, Any] = await page.evaluate(
        "() => ({ notes: [...window.__rung.notifications], tones: window.__rung.oscillators / 2 })"
    )
    return counts


async def test_an_unseen_message_rings_again_until_the_agent_looks(
    browser: Browser, alert_world: DeskWorld
) -> None:
    world = alert_world
    _, username = await world.agent()
    context = await browser.new_context(
        permissions=["notifications"], viewport={"width": 1400, "height": 900}, base_url=world.base
    )
    await context.add_init_script(INSTRUMENT)
    page = await context.new_page()
    watched = Watched(page, "desk-alert-repeat")
    try:
        await go_available(page, world, username)
        await page.click("#enable-sound")  # a gesture: the browser lets the page play sound from now
        await expect(page.locator("#enable-notifications")).to_have_text("Notifications allowed")
        interaction_id, visitor, panel = await take_chat(page, world, body="My parcel is lost")
        await expect(page).to_have_title(re.compile(r"^Desk"))  # the offer was seen and answered
        await watched.shot("chat-in-front")
        before = await rung(page)

        await page.evaluate("() => window.__setHidden(true)")  # the agent turns to another window
        await world.inbound(visitor, "Hello? Anyone?")
        await expect(page).to_have_title(re.compile(r"^\(1\) Desk"))
        first = await polled(lambda: _rang_at_least(page, before, 1), within_s=5)
        assert first["notes"][-1].startswith("New message from ")
        again = await polled(lambda: _rang_at_least(page, before, 3), within_s=REPEAT_S * 10)
        assert len(again["notes"]) - len(before["notes"]) >= 3  # and a notification each time
        await world.inbound(visitor, "I am still here")
        await expect(page).to_have_title(re.compile(r"^\(2\) Desk"))
        tab = page.locator(f".tab[data-interaction='{interaction_id}']")
        await expect(tab.locator(".unread")).to_have_text("2")
        await watched.shot("unseen-in-background")

        await page.evaluate("() => window.__setHidden(false)")  # back: the conversation is in front
        await expect(page).to_have_title(re.compile(r"^Desk"))
        await expect(tab.locator(".unread")).to_be_hidden()
        await expect(panel.locator(".msg.inbound .body")).to_have_text(
            ["My parcel is lost", "Hello? Anyone?", "I am still here"]
        )
        seen = await rung(page)
        await page.wait_for_timeout(REPEAT_S * 3 * 1000)  # three repeats' time: nothing rings
        assert await rung(page) == seen
        await page.evaluate("() => window.__setHidden(true)")  # nothing unseen: the back stays quiet
        await page.wait_for_timeout(REPEAT_S * 2 * 1000)
        assert await rung(page) == seen
        await watched.shot("seen")

        # An offer to a desk in the background rings the same way, until the agent looks.
        offered = await world.inbound(unique("visitor"), "A new question", sender_name="Li Lei")
        card = page.locator(f".offer-card[data-interaction='{offered['interaction_id']}']")
        await expect(card).to_be_visible()
        await expect(page).to_have_title(re.compile(r"^\(1\) Desk"))
        repeated = await polled(lambda: _rang_at_least(page, seen, 2), within_s=REPEAT_S * 10)
        assert repeated["notes"][-1] == "New Chat offer: Li Lei"
        await page.evaluate("() => window.__setHidden(false)")
        await expect(page).to_have_title(re.compile(r"^Desk"))
        await expect(card).to_be_visible()  # seen, not answered: the card stays for the agent
        looked = await rung(page)
        await page.evaluate("() => window.__setHidden(true)")
        await page.wait_for_timeout(REPEAT_S * 2 * 1000)
        assert await rung(page) == looked
    finally:
        await context.close()
    assert watched.errors == []


async def _rang_at_least(page: Page, before: dict[str, Any], more: int) -> dict[str, Any] | None:
    now = await rung(page)
    tones, notes = now["tones"] - before["tones"], len(now["notes"]) - len(before["notes"])
    return now if tones >= more and notes >= more else None
