"""In real headless Chromium: a visitor opens the demo shop, starts a chat through the widget, and
sees the agent's reply; the widget is reachable by keyboard and labelled for screen readers, in
English or Simplified Chinese, and no page logs a console error."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, ConsoleMessage, Locator, Page, expect
from sqlmodel import select

from channels.webchat import CHAT_KEY
from contact_center.domain.interactions import Message
from contact_center.settings import MailSettings
from tests.agent_ui.conftest import browser
from tests.channels.smtp_server import SmtpServer, mail_settings
from tests.channels.webchat.conftest import Served, agent_reply, chat_settings, serving

__all__ = ["browser"]  # the fixture, used here by name

ARTEFACTS = Path(__file__).resolve().parents[3] / "var" / "test-artefacts" / "webchat"


def watch_console(page: Page) -> list[str]:
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


async def start_chat(page: Page, served: Served, name: str, first_line: str) -> tuple[Locator, Locator, int]:
    """Open the demo shop's chat with the mouse, give a name, write `first_line` and wait for its
    acknowledgement: (the message box, the conversation log, the interaction id)."""
    await page.goto(served.base + "/demo/shop")
    await page.get_by_role("button", name="Chat with us").click()
    await page.get_by_label("Your name").fill(name)
    await page.get_by_role("button", name="Start chat").click()
    box = page.get_by_label("Message", exact=True)
    await box.fill(first_line)
    await box.press("Enter")
    log = page.get_by_role("log")
    await expect(log.locator(".ccw-state")).to_have_text([""])
    async with served.container.uow() as uow:
        written = (await uow.session.exec(select(Message).where(Message.body == first_line))).all()
    return box, log, written[-1].interaction_id


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_visitor_chats_from_the_demo_shop_and_sees_the_agents_reply(
    browser: Browser, served: Served
) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page = await browser.new_page()
    errors = watch_console(page)
    await page.goto(served.base + "/demo/shop")
    launcher = page.get_by_role("button", name="Chat with us")
    await launcher.focus()
    await page.keyboard.press("Enter")  # opened by keyboard
    await expect(page.get_by_role("dialog", name="Chat")).to_be_visible()
    name = page.get_by_label("Your name")
    await expect(name).to_be_focused()
    await name.fill("Ada")
    await page.get_by_role("button", name="Start chat").click()
    box = page.get_by_label("Message", exact=True)
    await expect(box).to_be_focused()
    await box.fill("Is the teapot dishwasher safe?")
    await page.keyboard.press("Enter")
    log = page.get_by_role("log")
    await expect(log).to_have_attribute("aria-live", "polite")
    await expect(log.get_by_text("Is the teapot dishwasher safe?")).to_be_visible()
    await expect(log.locator(".ccw-state")).to_have_text([""])  # acked: no longer "sending"
    await page.screenshot(path=str(ARTEFACTS / "1-visitor-wrote.png"))
    container = served.container
    async with container.uow() as uow:
        stmt = select(Message).where(Message.body == "Is the teapot dishwasher safe?")
        written = (await uow.session.exec(stmt)).one()
        customer = await uow.customers.get((await uow.interactions.get(written.interaction_id)).customer_id)
    assert customer.name == "Ada"  # from the pre-chat form
    reply = "<b>Yes</b>, it is."
    await agent_reply(container, written.interaction_id, reply)
    await expect(log.get_by_text(reply)).to_be_visible()  # as text: never markup
    assert await log.locator("b").count() == 0
    await page.screenshot(path=str(ARTEFACTS / "2-agent-replied.png"))
    await page.keyboard.press("Escape")
    await expect(launcher).to_be_focused()
    assert errors == []
    await page.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_widget_speaks_simplified_chinese_on_a_chinese_page(
    browser: Browser, served: Served
) -> None:
    page = await browser.new_page()
    errors = watch_console(page)
    await page.goto(served.base + "/demo/shop?lang=zh-CN")  # the shop as a page in Chinese
    await page.get_by_role("button", name="在线咨询").click()
    await expect(page.get_by_label("您的姓名")).to_be_visible()
    await expect(page.get_by_role("status")).to_contain_text("留言", timeout=10_000)
    assert errors == []
    await page.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_after_a_dropped_connection_the_widget_loses_and_repeats_nothing(
    browser: Browser, served: Served
) -> None:
    page = await browser.new_page()
    errors = watch_console(page)
    box, log, iid = await start_chat(page, served, "Bo", "first line")
    await agent_reply(served.container, iid, "reply one")
    await expect(log.get_by_text("reply one")).to_be_visible()
    await served.app[CHAT_KEY].hub.close_all(served.app)  # the server drops every visitor
    await agent_reply(served.container, iid, "said while you were away")
    await box.fill("written while away")
    await box.press("Enter")
    await expect(log.get_by_text("said while you were away")).to_be_visible(timeout=15_000)
    # Four lines, none still "sending": the line written while away was resent and acknowledged.
    await expect(log.locator(".ccw-state")).to_have_text(["", "", "", ""], timeout=15_000)
    bodies = await log.locator(".ccw-body").all_text_contents()
    lines = ["first line", "reply one", "said while you were away", "written while away"]
    assert sorted(bodies) == sorted(lines) and bodies[:2] == lines[:2]  # the last two in either order
    async with served.container.uow() as uow:
        stored = (await uow.session.exec(select(Message).where(Message.interaction_id == iid))).all()
    assert sorted(m.body for m in stored) == sorted(bodies)  # each line stored once, shown once
    await page.screenshot(path=str(ARTEFACTS / "3-after-reconnect.png"))
    assert errors == []
    await page.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_after_ending_the_visitor_writes_again_without_reloading(
    browser: Browser, served: Served
) -> None:
    page = await browser.new_page()
    errors = watch_console(page)
    box, log, iid = await start_chat(page, served, "Ada", "One question")
    await agent_reply(served.container, iid, "Answered")
    await expect(log.get_by_text("Answered")).to_be_visible()
    await page.get_by_role("button", name="End chat").click()
    again = page.get_by_role("button", name="Write again")
    await expect(again).to_be_visible()
    await expect(box).to_be_hidden()
    await again.click()
    await expect(box).to_be_focused()
    await box.fill("And another one")
    await box.press("Enter")
    await expect(log.locator(".ccw-state")).to_have_text(["", "", ""])  # acknowledged: stored
    await page.screenshot(path=str(ARTEFACTS / "4-write-again.png"))
    assert errors == []
    await page.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_visitor_rates_the_chat_and_the_transcript_reaches_their_mailbox(
    browser: Browser, database_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    settings = chat_settings(database_url, tmp_path / "uploads").model_copy(
        update={"mail": MailSettings.model_validate(mail_settings(smtp_server))}
    )
    async with serving(settings) as served:
        page = await browser.new_page()
        errors = watch_console(page)
        _box, log, iid = await start_chat(page, served, "Ada", "Where is my parcel?")
        await agent_reply(served.container, iid, "On its way")
        await expect(log.get_by_text("On its way")).to_be_visible()
        await page.get_by_role("button", name="End chat").click()
        await page.get_by_role("radio", name="5").check()
        await page.get_by_label("Email me the transcript (optional)").fill("ada@example.com")
        await page.get_by_role("button", name="Send rating").click()
        await expect(page.get_by_text("The transcript is on its way to your email.")).to_be_visible()
        [got] = await smtp_server.until_received()
        await page.screenshot(path=str(ARTEFACTS / "5-transcript-queued.png"))
        assert errors == []
        await page.close()
    text = got.message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert got.recipients == ("ada@example.com",)
    assert "You: Where is my parcel?" in text and "Agent: On its way" in text
