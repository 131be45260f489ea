"""The supervisor's first page in a real browser: sign in, see the queues, watch them move live."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from contact_center.bootstrap import Container
from contact_center.domain.commands import CreateAgent, CreateQueue, ReceiveInbound
from contact_center.domain.enums import Channel, Role
from tests.agent_ui.conftest import PASSWORD, sign_in
from tests.conftest import unique

pytestmark = pytest.mark.browser


async def _user_and_queue(container: Container, role: Role, password: str = PASSWORD) -> tuple[str, str]:
    """A fresh user of `role` and a fresh chat queue for one test: (username, queue name)."""
    username, queue = unique(role.value), unique("queue")
    await container.bus.handle(CreateAgent(username=username, role=role, password=password))
    await container.bus.handle(CreateQueue(name=queue, channels=(Channel.CHAT,)))
    return username, queue


async def test_supervisor_sees_a_new_contact_appear_without_reloading(
    browser: Browser, served: tuple[str, Container]
) -> None:
    base, container = served
    username, queue = await _user_and_queue(container, Role.SUPERVISOR, "pw-123456")
    page = await browser.new_page()
    try:
        await page.goto(base + "/")
        await expect(page).to_have_url(base + "/login")
        await page.fill("input[name=username]", username)
        await page.fill("input[name=password]", "pw-123456")
        await page.click("button[type=submit]")
        await expect(page).to_have_url(base + "/")
        row = page.locator(f"#tiles .tile[data-queue='{queue}']")
        await expect(row.locator(".waiting dd")).to_have_text("0")
        await expect(page.locator("#live.on")).to_have_count(1)

        subject = "<b>not bold</b> 王小明的问题"
        received = await container.bus.handle(
            ReceiveInbound(
                channel=Channel.CHAT, sender=unique("visitor"), body="hi", subject=subject, queue=queue
            )
        )
        await expect(row.locator(".waiting dd")).to_have_text("1")
        recent = page.locator(f"#recent tr[data-interaction='{received.interaction_id}']")
        await expect(recent).to_contain_text(subject)  # shown as text, never as markup
        await expect(page.locator("#recent b")).to_have_count(0)
    finally:
        await page.close()


async def test_wrong_password_shows_an_error_and_no_session(
    browser: Browser, served: tuple[str, Container]
) -> None:
    base, container = served
    username = unique("sup")
    await container.bus.handle(CreateAgent(username=username, role=Role.SUPERVISOR, password="right-pass"))
    page = await browser.new_page()
    try:
        await page.goto(base + "/login")
        await page.fill("input[name=username]", username)
        await page.fill("input[name=password]", "wrong-pass")
        await page.click("button[type=submit]")
        await expect(page.locator("p.error")).to_have_text("wrong username or password")
        await page.goto(base + "/")
        await expect(page).to_have_url(base + "/login")
    finally:
        await page.close()


async def test_markup_in_the_first_page_data_is_shown_as_text_and_never_runs(
    browser: Browser, served: tuple[str, Container]
) -> None:
    base, container = served
    username, queue = await _user_and_queue(container, Role.SUPERVISOR)
    subject = "</script><script>window.pwned = 1</script>"
    name = '<img src=x onerror="window.pwned = 2">'
    await container.bus.handle(
        ReceiveInbound(
            channel=Channel.CHAT,
            sender=unique("visitor"),
            sender_name=name,
            body="hi",
            subject=subject,
            queue=queue,
        )
    )
    await container.dispatcher.drain()
    page = await browser.new_page()
    try:
        await sign_in(page, base, username)  # the data is embedded in the very first page, before any push
        await expect(page.get_by_text(subject, exact=True)).to_have_count(1)
        await expect(page.get_by_text(name, exact=True)).to_have_count(1)
        assert await page.evaluate("window.pwned") is None
    finally:
        await page.close()


async def test_a_planner_sees_the_figures_live_and_no_contacts(
    browser: Browser, served: tuple[str, Container]
) -> None:
    base, container = served
    username, queue = await _user_and_queue(container, Role.PLANNER)
    page = await browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        await sign_in(page, base, username)
        row = page.locator(f"#tiles .tile[data-queue='{queue}']")
        await expect(row.locator(".waiting dd")).to_have_text("0")
        await expect(page.locator("#live.on")).to_have_count(1)
        await container.bus.handle(
            ReceiveInbound(channel=Channel.CHAT, sender=unique("v"), body="hi", queue=queue)
        )
        await expect(row.locator(".waiting dd")).to_have_text("1")  # pushes keep coming
        await expect(page.locator("#recent-section")).to_have_count(0)  # customers' names are not theirs
        assert errors == []
    finally:
        await page.close()
