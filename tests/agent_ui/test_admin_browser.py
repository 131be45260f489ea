"""The admin's pages in a real headless Chromium, at a phone's width, with the router running.

An admin creates a queue (after a refused try that changes nothing) and an agent with the queue's
skill in the pages; the agent signs in, goes available, and a chat for that queue is offered to
them: no process restarted. What a user wrote shows as text. Agents and supervisors get a 403
page. Screenshots go to test-artifacts/admin/; the pages log no error.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Dialog, Page, expect

from contact_center.domain.commands import CreateAgent
from contact_center.domain.enums import Role
from tests.agent_ui.conftest import PASSWORD, sign_in
from tests.agent_ui.desk_world import DeskWorld, Watched, desk_world, go_available
from tests.conftest import unique

__all__ = ["desk_world"]  # the fixture, used here by name
pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
HOSTILE = "<script>window.pwned=1</script><img src=x onerror=window.pwned=1>Li Lei"


WIDER = """() => [...document.querySelectorAll("body *")]
  .filter((e) => !e.closest(".table-wrap") && e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .map((e) => e.tagName + "." + e.className + "#" + e.id)"""


async def fits_the_width(page: Page) -> list[str]:
    """Nothing wider than the window but the tables, which scroll inside their frame."""
    wider: list[str] = await page.evaluate(WIDER)
    return wider


def unexpected(errors: list[str], *refused: str) -> list[str]:
    """The page's errors but the refusals the test provoked: the browser logs every 4xx it gets
    as a console error, expected or not."""
    return [
        e
        for e in errors
        if not (any(f"status of {code}" in e for code in (400, 409, 422)) and any(p in e for p in refused))
    ]


async def new_admin(world: DeskWorld) -> str:
    username = unique("admin")
    await world.container.bus.handle(CreateAgent(username=username, role=Role.ADMIN, password=PASSWORD))
    return username


async def test_an_admin_creates_a_queue_and_an_agent_who_is_offered_its_chat_without_a_restart(
    browser: Browser, desk_world: DeskWorld
) -> None:
    world = desk_world
    admin = await browser.new_page(viewport=PHONE)
    watched = Watched(admin, "admin")
    dialogs: list[str] = []

    async def accept(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        await dialog.accept()

    admin.on("dialog", accept)
    agent_page: Page | None = None
    try:
        await sign_in(admin, world.base, await new_admin(world))
        await admin.goto(world.base + "/admin#queues")
        await expect(admin.locator("#tab-queues")).to_be_visible()
        await watched.shot("queues")

        queue, skill = unique("adminq"), unique("adminskill")
        form = admin.locator("#queue-form")
        await admin.click("#queue-add")
        await form.locator("input[name=name]").fill(queue)
        await form.locator("input[name=channel][value=chat]").check()
        await form.locator("[data-pairs=required_skills] .add-row").click()
        await form.locator(".pair .pair-name").fill(skill)
        await form.locator(".pair .pair-level").fill("3")
        await form.locator("input[name=sl_target]").fill("80")
        await form.locator("input[name='hours.mon']").fill("09:00-12:00, 11:00-18:00")
        await form.locator("button[type=submit]").click()
        await expect(form.locator(".field-error[data-error-for=sl_target]")).to_contain_text("fraction")
        await expect(form.locator("input[name=sl_target]")).to_have_attribute("aria-invalid", "true")
        await expect(form.locator(".form-error")).to_contain_text("Nothing was changed")
        _, listed = await world.call("GET", "/api/v1/queues")
        assert queue not in {q["name"] for q in listed["items"]}  # the refusal stored nothing
        assert await fits_the_width(admin) == []
        await watched.shot("queue-refused")

        await form.locator("input[name=sl_target]").fill("0.8")
        await form.locator("button[type=submit]").click()
        await expect(form.locator(".field-error[data-error-for=business_hours]")).to_contain_text("overlap")
        await form.locator("input[name='hours.mon']").fill("")
        await form.locator("textarea[name=holidays]").fill("2026-12-25")
        await form.locator("button[type=submit]").click()
        await expect(form).to_be_hidden()
        row = admin.locator(f"#queues tr[data-name='{queue}']")
        await expect(row).to_contain_text(skill + " ≥ 3")
        await watched.shot("queue-created")

        await admin.click(".admin-tabs a[data-tab=users]")
        await expect(admin.locator("#tab-users")).to_be_visible()
        username = unique("agent")
        form = admin.locator("#user-form")
        await admin.click("#user-add")
        await form.locator("input[name=username]").fill(username)
        await form.locator("input[name=display_name]").fill(HOSTILE)
        await form.locator("select[name=role]").select_option("agent")
        await form.locator("[data-pairs=skills] .add-row").click()
        await form.locator(".pair .pair-name").fill(skill)
        await form.locator(".pair .pair-level").fill("11")
        await form.locator("input[name='capacity.chat']").fill("2")
        await form.locator("input[name=password]").fill(PASSWORD)
        await form.locator("button[type=submit]").click()
        await expect(form.locator(".field-error[data-error-for=skills]")).to_contain_text("1 to 10")
        await form.locator(".pair .pair-level").fill("5")
        await form.locator("button[type=submit]").click()
        await expect(form).to_be_hidden()
        row = admin.locator(f"#users tr[data-username='{username}']")
        await expect(row.locator("td").nth(1)).to_have_text(HOSTILE)  # as text, never markup
        assert await admin.locator("#users script, #users img").count() == 0
        assert await admin.evaluate("() => window.pwned") is None
        assert await fits_the_width(admin) == []
        await watched.shot("agent-created")

        agent_page = await browser.new_page()
        agent_watched = Watched(agent_page, "admin-agent")
        await go_available(agent_page, world, username)
        visitor = unique("visitor")
        status, contact = await world.call(
            "POST", "/api/v1/inbound", {"channel": "chat", "sender": visitor, "body": "Hi", "queue": queue}
        )
        assert status == 201, contact
        card = agent_page.locator(f".offer-card[data-interaction='{contact['interaction_id']}']")
        await expect(card).to_be_visible()
        await expect(card.locator(".queue-name")).to_have_text(queue)
        await agent_watched.shot("offered")
        assert agent_watched.errors == []

        await row.locator("button.edit").click()
        await expect(form.locator(".form-title")).to_contain_text(username)
        await admin.click("#user-reset-password")
        await expect(admin.locator("#user-temp-password")).to_contain_text("shown once")
        assert dialogs and username in dialogs[-1]
        await watched.shot("password-reset")

        await admin.click(".admin-tabs a[data-tab=audit]")
        audit = admin.locator("#audit-form")
        await audit.locator("input[name=entity]").fill("queue")
        await audit.locator("input[name=action]").fill("create")
        await audit.locator("button[type=submit]").click()
        await expect(admin.locator("#audit tbody tr").first).to_contain_text(queue)
        assert await fits_the_width(admin) == []
        await watched.shot("audit")
        assert unexpected(watched.errors, "/api/v1/queues'", "/api/v1/agents'") == []
        assert len(watched.errors) == 3  # the three refused saves, and nothing else
    finally:
        await admin.close()
        if agent_page is not None:
            await agent_page.close()


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR])
async def test_agents_and_supervisors_get_a_403_page_at_admin(
    browser: Browser, desk_world: DeskWorld, role: Role
) -> None:
    _, username = await desk_world.agent(role=role)
    page = await browser.new_page(viewport=PHONE)
    watched = Watched(page, f"admin-forbidden-{role.value}")
    try:
        await sign_in(page, desk_world.base, username)
        response = await page.goto(desk_world.base + "/admin")
        assert response is not None and response.status == 403
        await expect(page.locator("#forbidden")).to_be_visible()
        assert await page.locator("#users, #queues").count() == 0
        assert await page.locator("header a[href='/admin']").count() == 0
        assert await fits_the_width(page) == []
        await watched.shot("forbidden")
    finally:
        await page.close()


async def test_the_admin_page_shows_what_users_wrote_as_text_in_every_list(
    browser: Browser, desk_world: DeskWorld
) -> None:
    world = desk_world
    _, canned = await world.call(
        "POST", "/api/v1/canned-responses", {"title": HOSTILE, "body": HOSTILE, "shared": True}
    )
    page = await browser.new_page(viewport=PHONE)
    watched = Watched(page, "admin-escaping")
    try:
        await sign_in(page, world.base, await new_admin(world))
        await page.goto(world.base + "/admin#canned")
        row = page.locator(f"#canned tr[data-canned-id='{canned['canned_response']['id']}']")
        await expect(row.locator("td").first).to_have_text(HOSTILE)
        await page.goto(world.base + "/admin#audit")
        await expect(page.locator("#audit tbody tr").first).to_be_visible()
        assert await page.locator("main script:not([type]), main img").count() == 0
        assert await page.evaluate("() => window.pwned") is None
        await watched.shot("escaped")
        assert watched.errors == []
    finally:
        await page.close()


async def test_an_admin_keeps_wrap_up_codes_shared_responses_and_chat_sites_in_the_pages(
    browser: Browser, desk_world: DeskWorld
) -> None:
    world = desk_world
    page = await browser.new_page(viewport=PHONE)
    watched = Watched(page, "admin-settings")
    try:
        await sign_in(page, world.base, await new_admin(world))
        await page.goto(world.base + "/admin#codes")
        code = unique("refunded_")
        new_code = page.locator("#code-new-form")
        await new_code.locator("input[name=code]").fill("two words")
        await new_code.locator("button[type=submit]").click()
        await expect(new_code.locator(".field-error[data-error-for=code]")).to_contain_text("letters")
        await new_code.locator("input[name=code]").fill(code)
        await new_code.locator("input[name=label]").fill("Refunded")
        await new_code.locator("button[type=submit]").click()
        await page.select_option("#codes-queue", label=world.queue)
        box = page.locator(f"#codes-choices input[value='{code}']")
        await box.check()
        await page.locator("#codes-form button[type=submit]").click()
        await expect(page.locator("#admin-status")).to_contain_text(world.queue)
        _, queues = await world.call("GET", "/api/v1/queues")
        queue_id = next(q["id"] for q in queues["items"] if q["name"] == world.queue)
        _, chosen = await world.call("GET", f"/api/v1/queues/{queue_id}/wrap-up-codes")
        assert chosen["wrap_up_codes"] == [{"code": code, "label": "Refunded"}]
        await watched.shot("codes")

        await page.click(".admin-tabs a[data-tab=canned]")
        await page.click("#canned-add")
        canned = page.locator("#canned-form")
        title = unique("Greeting ")
        await canned.locator("input[name=title]").fill(title)
        await canned.locator("input[name=shortcut]").fill("hi")
        await canned.locator("textarea[name=body]").fill("Hello {customer_name}, {agent_name} here.")
        await canned.locator("button[type=submit]").click()
        await expect(page.locator("#canned tbody")).to_contain_text(title)
        _, listed = await world.call("GET", "/api/v1/canned-responses")
        assert any(c["title"] == title and c["shared"] for c in listed["canned_responses"])
        await watched.shot("canned")

        await page.click(".admin-tabs a[data-tab=sites]")
        await page.click("#site-add")
        site = page.locator("#site-form")
        key = unique("shop-").lower()
        await site.locator("input[name=key]").fill(key)
        await site.locator("textarea[name=allowed_origins]").fill("shop.example")
        await site.locator("textarea[name=topics]").fill(f"Orders = {world.queue}")
        await site.locator("button[type=submit]").click()
        await expect(site.locator(".field-error[data-error-for=allowed_origins]")).to_contain_text("scheme")
        await site.locator("textarea[name=allowed_origins]").fill("https://shop.example")
        await site.locator("input[name=prechat][value=phone]").check()
        await site.locator("button[type=submit]").click()
        await expect(page.locator(f"#sites tr[data-key='{key}']")).to_contain_text("https://shop.example")
        _, sites = await world.call("GET", "/api/v1/webchat-sites")
        stored = next(s for s in sites["items"] if s["key"] == key)
        assert stored["topics"] == {"Orders": world.queue}
        assert stored["prechat"] == ["name", "email", "phone"]
        assert await fits_the_width(page) == []
        await watched.shot("sites")
        assert unexpected(watched.errors, "/api/v1/wrap-up-codes'", "/api/v1/webchat-sites'") == []
        assert len(watched.errors) == 2  # the two refused saves
    finally:
        await page.close()
