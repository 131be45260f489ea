"""Each user's language and time zone in a real headless Chromium, at a phone's width (390 px).

An admin sets a user's language and zone in the users form (after a refused zone that changes
nothing); that user signs in in an English browser and reads Chinese. A user of each role reaches
"My settings" from the header; one changes their own language there and the page reloads in it,
then goes back to the browser's. Screenshots go to test-artifacts/my-settings*/; the pages log
no error but the refusals the tests provoke.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from contact_center.bootstrap import Container
from contact_center.domain.agents import Agent
from contact_center.domain.commands import CreateAgent
from contact_center.domain.enums import Role
from tests.agent_ui.conftest import PASSWORD, sign_in
from tests.agent_ui.desk_world import Watched
from tests.conftest import unique

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
BROWSER_ZONE = "Europe/Berlin"
#: The browser logs each 4xx a save got as a console error; these are the ones provoked here.
REFUSED_ZONE = "status of 400"
REFUSED_OWN_ZONE = "status of 422"


async def account(container: Container, role: Role, prefix: str) -> tuple[int, str]:
    username = unique(prefix)
    agent_id: int = await container.bus.handle(CreateAgent(username=username, role=role, password=PASSWORD))
    return agent_id, username


async def stored(container: Container, agent_id: int) -> Agent:
    async with container.uow() as uow:
        return await uow.agents.get(agent_id)


async def fits_the_width(page: Page) -> None:
    width = await page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: {width} px wide at a phone's {PHONE['width']} px"


async def english_phone(browser: Browser) -> Page:
    """A phone whose browser speaks English and keeps Berlin's clock."""
    context = await browser.new_context(locale="en-US", timezone_id=BROWSER_ZONE, viewport=PHONE)
    return await context.new_page()


async def test_an_admin_sets_a_users_language_and_zone_and_the_user_reads_chinese(
    browser: Browser, served: tuple[str, Container]
) -> None:
    base, container = served
    _, admin_name = await account(container, Role.ADMIN, "set_admin")
    user_id, username = await account(container, Role.AGENT, "set_agent")
    admin = await english_phone(browser)
    watched = Watched(admin, "my-settings-admin")
    user: Page | None = None
    try:
        await sign_in(admin, base, admin_name)
        await admin.goto(base + "/admin#users")
        row = admin.locator(f"#users tr[data-username='{username}']")
        await expect(row.locator("td.language")).to_have_text("Browser's language")
        await row.locator("button.edit").click()
        form = admin.locator("#user-form")
        await expect(form.locator("select[name=language]")).to_have_value("")
        await expect(form.locator("input[name=timezone]")).to_have_value("")
        await form.locator("select[name=language]").select_option("zh-CN")
        await form.locator("input[name=timezone]").fill("Mars/Olympus")
        await form.locator("button[type=submit]").click()
        await expect(form.locator(".field-error[data-error-for=timezone]")).to_contain_text("IANA")
        await expect(form.locator("input[name=timezone]")).to_have_attribute("aria-invalid", "true")
        await expect(form.locator(".form-error")).to_contain_text("Nothing was changed")
        refused = await stored(container, user_id)
        assert (refused.language, refused.timezone) == (None, None)  # the refusal stored nothing
        await fits_the_width(admin)
        await watched.shot("zone-refused")

        await form.locator("input[name=timezone]").fill("Asia/Shanghai")
        await form.locator("button[type=submit]").click()
        await expect(form).to_be_hidden()
        await expect(row.locator("td.language")).to_have_text("简体中文")
        saved = await stored(container, user_id)
        assert (saved.language, saved.timezone) == ("zh-CN", "Asia/Shanghai")
        await row.locator("button.edit").click()  # an edit shows what is stored
        await expect(form.locator("select[name=language]")).to_have_value("zh-CN")
        await expect(form.locator("input[name=timezone]")).to_have_value("Asia/Shanghai")
        await fits_the_width(admin)
        await watched.shot("language-set")
        assert [e for e in watched.errors if REFUSED_ZONE not in e or "/api/v1/agents/" not in e] == []
        assert len(watched.errors) == 1  # the refused zone, and nothing else

        user = await english_phone(browser)
        user_watched = Watched(user, "my-settings-chinese-user")
        await sign_in(user, base, username)
        await expect(user.locator("html")).to_have_attribute("lang", "zh-CN")
        await expect(user.locator("header.top .links a").first).to_have_text("我的工作")
        await expect(user.locator("header.top a[href='/my-settings']")).to_have_text("我的设置")
        await expect(user.locator("header.top button")).to_have_text("退出登录")
        await fits_the_width(user)
        await user_watched.shot("desk-zh")
        await user.click("header.top a[href='/my-settings']")
        await expect(user.locator("h1")).to_have_text("我的设置")
        await expect(user.locator("select[name=language] option:checked")).to_have_text("简体中文")
        await expect(user.locator("input[name=timezone]")).to_have_value("Asia/Shanghai")
        await fits_the_width(user)
        await user_watched.shot("my-settings-zh")
        assert user_watched.errors == []
    finally:
        await admin.context.close()
        if user is not None:
            await user.context.close()


async def test_a_user_changes_their_own_language_and_the_page_reloads_in_it(
    browser: Browser, served: tuple[str, Container]
) -> None:
    base, container = served
    user_id, username = await account(container, Role.AGENT, "own_agent")
    page = await english_phone(browser)
    watched = Watched(page, "my-settings-own")
    try:
        await sign_in(page, base, username)
        await page.click("header.top a[href='/my-settings']")
        await expect(page).to_have_url(base + "/my-settings")
        await expect(page.locator("html")).to_have_attribute("lang", "en")
        await expect(page.locator("h1")).to_have_text("My settings")
        language = page.locator("#settings-form select[name=language]")
        zone = page.locator("#settings-form input[name=timezone]")
        await expect(language).to_have_value("")
        await expect(zone).to_have_attribute("placeholder", BROWSER_ZONE)  # what empty means here

        await language.select_option("zh-CN")
        await zone.fill("Nowhere/Special")
        await page.click("#settings-form button[type=submit]")
        await expect(page.locator(".field-error[data-error-for=timezone]")).to_contain_text("IANA")
        await expect(page.locator("#settings-form .form-error")).to_contain_text("Nothing was changed")
        await expect(page.locator("h1")).to_have_text("My settings")  # no reload: nothing was saved
        refused = await stored(container, user_id)
        assert (refused.language, refused.timezone) == (None, None)
        await fits_the_width(page)
        await watched.shot("refused")

        await zone.fill("Asia/Shanghai")
        await page.click("#settings-form button[type=submit]")
        await expect(page.locator("h1")).to_have_text("我的设置")  # reloaded, in Chinese
        await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        await expect(page.locator("#settings-status")).to_have_text("已保存：所有页面现在都按这些设置显示。")
        await expect(language).to_have_value("zh-CN")
        await expect(zone).to_have_value("Asia/Shanghai")
        await expect(page.locator("header.top .links a").first).to_have_text("我的工作")
        saved = await stored(container, user_id)
        assert (saved.language, saved.timezone) == ("zh-CN", "Asia/Shanghai")
        await fits_the_width(page)
        await watched.shot("saved-zh")

        await language.select_option("")  # the browser's language again
        await zone.fill("")
        await page.click("#settings-form button[type=submit]")
        await expect(page.locator("h1")).to_have_text("My settings")
        await expect(page.locator("#settings-status")).to_have_text(
            "Saved: every page now follows these settings."
        )
        cleared = await stored(container, user_id)
        assert (cleared.language, cleared.timezone) == (None, None)
        await page.reload()
        await expect(page.locator("#settings-status")).to_have_text("")  # said once, after the save
        await fits_the_width(page)
        await watched.shot("browser-again")
        assert [e for e in watched.errors if REFUSED_OWN_ZONE not in e or "/api/v1/me" not in e] == []
        assert len(watched.errors) == 1  # the refused zone, and nothing else
    finally:
        await page.context.close()


async def test_every_role_reaches_my_settings_from_the_header(
    browser: Browser, served: tuple[str, Container]
) -> None:
    base, container = served
    page = await english_phone(browser)
    watched = Watched(page, "my-settings-roles")
    try:
        for role in (Role.AGENT, Role.SUPERVISOR, Role.PLANNER, Role.ADMIN):
            _, username = await account(container, role, "hdr_" + role.value[:3])
            await page.context.clear_cookies()
            await sign_in(page, base, username)
            await page.click("header.top a[href='/my-settings']")
            await expect(page.locator("h1")).to_have_text("My settings")
            await expect(page.locator("header.top .who")).to_contain_text(username)
            await fits_the_width(page)
            await watched.shot(role.value)
        assert watched.errors == []
    finally:
        await page.context.close()
