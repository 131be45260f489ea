"""The desk's customer panel and alert switches in a real browser.

Canned responses, notes, follow-ups and transfers use the desk endpoints of
docs/agent-desk.md, "Server side".
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from contact_center.domain.enums import Role
from tests.agent_ui.desk_world import DeskWorld, Watched, desk_world, go_available, take_chat
from tests.conftest import unique
from tests.contact_center.conftest import random_phone

__all__ = ["desk_world"]  # the fixture, used here by name
pytestmark = pytest.mark.browser

HIDE = """() => {
  Object.defineProperty(document, "hidden", {value: true, configurable: true});
  document.dispatchEvent(new Event("visibilitychange"));
}"""


async def test_the_agent_edits_the_customers_profile_from_the_panel(
    browser: Browser, desk_world: DeskWorld
) -> None:
    _, username = await desk_world.agent()
    page = await browser.new_page()
    watched = Watched(page, "desk-profile")
    try:
        await go_available(page, desk_world, username)
        interaction_id, _, panel = await take_chat(page, desk_world)
        side = panel.locator(".customer-panel")
        _, doc = await desk_world.call("GET", f"/api/v1/interactions/{interaction_id}")
        status, _ = await desk_world.call(
            "PATCH", f"/api/v1/customers/{doc['customer_id']}", {"region": "EU"}
        )
        assert status == 200  # changed elsewhere after the panel read it: the edit must not undo it
        await side.locator(".edit-profile summary").click()
        await side.locator(".edit-profile input[name=name]").fill("Grace <i>Hopper</i> 王")
        await side.locator(".edit-profile input[name=company]").fill("Navy")
        await side.locator(".edit-profile button[type=submit]").click()
        await expect(side.locator(".profile .customer-name")).to_have_text("Grace <i>Hopper</i> 王")
        await expect(page.locator(f".tab[data-interaction='{interaction_id}'] .tab-label")).to_have_text(
            "Grace <i>Hopper</i> 王"
        )
        await expect(side.locator(".history li.current")).to_contain_text(f"#{interaction_id}")
        _, customer = await desk_world.call("GET", f"/api/v1/customers/{doc['customer_id']}")
        assert (customer["name"], customer["company"], customer["region"]) == (
            "Grace <i>Hopper</i> 王",
            "Navy",
            "EU",
        )
        await watched.shot("profile-edited")
        assert watched.errors == []
    finally:
        await page.close()


async def test_an_agent_who_turns_the_title_count_off_gets_none_and_the_choice_stays(
    browser: Browser, desk_world: DeskWorld
) -> None:
    _, username = await desk_world.agent()
    page = await browser.new_page()
    watched = Watched(page, "desk-alert-switches")
    try:
        await go_available(page, desk_world, username)
        _, visitor, panel = await take_chat(page, desk_world)
        await page.uncheck("#alert-title")
        await page.evaluate(HIDE)
        await desk_world.inbound(visitor, "one more thing")
        await expect(panel.locator(".msg.inbound .body").last).to_have_text("one more thing")
        await expect(page).to_have_title(re.compile(r"^Desk"))
        await page.check("#alert-title")  # the unseen message is still there: counted once shown
        await expect(page).to_have_title(re.compile(r"^\(1\) Desk"))
        await page.uncheck("#alert-title")
        await page.reload()
        await expect(page.locator("#alert-title")).not_to_be_checked()
        await expect(page.locator("#alert-sound")).to_be_checked()
        assert watched.errors == []
    finally:
        await page.close()


async def test_a_canned_response_is_found_with_slash_and_inserted_rendered(
    browser: Browser, desk_world: DeskWorld
) -> None:
    title = unique("Delay apology ")
    status, _ = await desk_world.call(
        "POST",
        "/api/v1/canned-responses",
        {
            "title": title,
            "body": "Hi {customer_name}, this is {agent_name} about {reference}.",
            "shared": True,
        },
    )
    assert status == 201
    _, username = await desk_world.agent()
    page = await browser.new_page()
    watched = Watched(page, "desk-canned")
    try:
        await go_available(page, desk_world, username)
        interaction_id, _, panel = await take_chat(page, desk_world)
        reply = panel.locator("textarea.reply")
        await reply.focus()
        await page.keyboard.press("/")
        search = panel.locator(".canned-search")
        await expect(search).to_be_focused()
        await search.fill(title[-8:])
        await expect(panel.locator(".canned-choice")).to_have_count(1)
        await watched.shot("canned-search")
        await search.press("Enter")
        await expect(reply).to_have_value(re.compile(rf"^Hi .+, this is .+ about #{interaction_id}\.$"))
        await watched.shot("canned-inserted")
        assert watched.errors == []
    finally:
        await page.close()


async def test_a_channel_that_cannot_send_says_so_and_stores_nothing(
    browser: Browser, desk_world: DeskWorld
) -> None:
    """SMS has no outbound adapter plugged in here: the composer says so before the agent types,
    and again when the server refuses the reply (409 channel_cannot_send); it never pretends."""
    _, username = await desk_world.agent()
    page = await browser.new_page()
    watched = Watched(page, "desk-cannot-send")
    try:
        await go_available(page, desk_world, username)
        contact = await desk_world.inbound(random_phone(), "text me back", channel="sms")
        await expect(
            page.locator(f".offer-card[data-interaction='{contact['interaction_id']}']")
        ).to_be_visible()
        await page.keyboard.press("a")
        panel = page.locator(f".conversation[data-interaction='{contact['interaction_id']}']")
        notice = panel.locator(".notice.cannot-send")
        await expect(notice).to_contain_text("This channel cannot send yet")  # before typing
        await panel.locator("textarea.reply").fill("On it")
        async with page.expect_response(
            lambda r: r.url.endswith("/messages") and r.request.method == "POST"
        ) as refused:
            await panel.locator("textarea.reply").press("Enter")
        answer = await refused.value
        assert answer.status == 409 and (await answer.json())["error"]["code"] == "channel_cannot_send"
        await expect(notice).to_contain_text("This channel cannot send yet")
        await expect(panel.locator(".msg.outbound")).to_have_count(0)
        await expect(panel.locator("textarea.reply")).to_have_value("On it")
        _, doc = await desk_world.call("GET", f"/api/v1/interactions/{contact['interaction_id']}")
        assert [m for m in doc["messages"] if m["direction"] == "outbound"] == []
        await watched.shot("cannot-send")
        assert [e for e in watched.errors if "409" not in e] == []  # the refusal itself is logged
    finally:
        await page.close()


async def test_notes_and_follow_ups_are_added_from_the_panel(browser: Browser, desk_world: DeskWorld) -> None:
    _, username = await desk_world.agent()
    page = await browser.new_page()
    watched = Watched(page, "desk-notes")
    try:
        await go_available(page, desk_world, username)
        interaction_id, _, panel = await take_chat(page, desk_world)
        side = panel.locator(".customer-panel")
        await side.locator(".add-note textarea").fill("Asked twice about order 42 <b>")
        await side.locator(".add-note button").click()
        await expect(side.locator(".notes .note-body")).to_have_text(["Asked twice about order 42 <b>"])
        await side.locator(".add-follow-up input[name=title]").fill("Call back about the refund")
        await side.locator(".add-follow-up input[name=due]").fill("2030-01-02T10:00")
        await side.locator(".add-follow-up button").click()
        await expect(side.locator(".follow-ups li")).to_contain_text(["Call back about the refund"])
        _, doc = await desk_world.call("GET", f"/api/v1/interactions/{interaction_id}")
        customer = doc["customer_id"]
        _, notes = await desk_world.call("GET", f"/api/v1/customers/{customer}/notes")
        assert [n["body"] for n in notes["notes"]] == ["Asked twice about order 42 <b>"]
        _, follow = await desk_world.call("GET", f"/api/v1/customers/{customer}/follow-ups?open=true")
        assert [f["title"] for f in follow["follow_ups"]] == ["Call back about the refund"]
        await watched.shot("note-and-follow-up")
        assert watched.errors == []
    finally:
        await page.close()


async def test_a_transfer_to_the_queue_reaches_the_next_agent_with_the_history(
    browser: Browser, desk_world: DeskWorld
) -> None:
    first_id, first = await desk_world.agent()
    _, second = await desk_world.agent()
    one, two = await browser.new_page(), await browser.new_page()
    watched = Watched(one, "desk-transfer")
    try:
        await go_available(one, desk_world, first)
        interaction_id, _, panel = await take_chat(one, desk_world, body="Please pass me on")
        await desk_world.call(
            "PUT", f"/api/v1/agents/{first_id}/presence", {"presence": "away", "reason": "x"}
        )
        await go_available(two, desk_world, second)
        await panel.locator("button.transfer").click()
        await one.select_option("#transfer-queue", desk_world.queue)
        await one.fill("#transfer-note", "Wants a refund; verified identity")
        await watched.shot("transfer-dialog")
        await one.click("#transfer-submit")
        await expect(panel).to_have_count(0)
        await expect(two.locator(f".offer-card[data-interaction='{interaction_id}']")).to_be_visible()
        await two.keyboard.press("a")
        theirs = two.locator(f".conversation[data-interaction='{interaction_id}']")
        await expect(theirs.locator(".msg.inbound .body")).to_have_text(["Please pass me on"])
        await expect(theirs.locator(".notes .note-body")).to_contain_text(
            ["Wants a refund; verified identity"]
        )
        await two.screenshot(path=str(watched.directory / "second-agent.png"), full_page=True)
        assert watched.errors == []
    finally:
        await one.close()
        await two.close()


async def test_a_supervisor_takes_a_chat_on_their_desk_and_merges_a_duplicate_customer(
    browser: Browser, desk_world: DeskWorld
) -> None:
    _, username = await desk_world.agent(role=Role.SUPERVISOR)
    status, duplicate = await desk_world.call("POST", "/api/v1/customers", {"name": unique("Duplicate ")})
    assert status == 201
    page = await browser.new_page()
    watched = Watched(page, "desk-supervisor-merge")
    try:
        await go_available(page, desk_world, username, path="/desk")
        interaction_id, _, panel = await take_chat(page, desk_world)
        merge = panel.locator(".customer-panel form.merge")
        await merge.locator("input").fill(str(duplicate["id"]))
        await merge.locator("button").click()
        await expect(panel.locator(".customer-panel p[role=status]")).to_have_text("Merged.")
        _, doc = await desk_world.call("GET", f"/api/v1/interactions/{interaction_id}")
        _, merged = await desk_world.call("GET", f"/api/v1/customers/{duplicate['id']}")
        assert merged["merged_into_id"] == doc["customer_id"]
        await watched.shot("merged")
        assert watched.errors == []
    finally:
        await page.close()


async def test_an_agent_sees_no_merge_on_their_panel(browser: Browser, desk_world: DeskWorld) -> None:
    _, username = await desk_world.agent()
    page = await browser.new_page()
    try:
        await go_available(page, desk_world, username)
        _, _, panel = await take_chat(page, desk_world)
        await expect(panel.locator(".customer-panel .profile .customer-name")).to_be_visible()
        assert await panel.locator(".customer-panel form.merge").count() == 0
    finally:
        await page.close()
