"""The product in Simplified Chinese in a real Chromium: a user whose language is zh-CN gets their
desk, or the admin pages, in Chinese whatever their browser says; signed-out pages and users
without a language of their own follow the browser's Accept-Language. Each page is also shot at a
phone's width (390 px) and must not scroll sideways there. Screenshots: test-artifacts/i18n/ (the
CJK font is installed by `.ci/services`, so the glyphs show)."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from contact_center.bootstrap import Container
from contact_center.domain.commands import CreateAgent
from contact_center.domain.enums import Role
from tests.agent_ui.conftest import PASSWORD, sign_in
from tests.agent_ui.desk_world import ARTIFACTS, DeskWorld, Watched, desk_world, go_available, take_chat
from tests.agent_ui.test_planner import planned_queue
from tests.conftest import unique

pytestmark = pytest.mark.browser
__all__ = ["desk_world"]  # the fixture, used here by name

PHONE = {"width": 390, "height": 844}
SHOTS = ARTIFACTS / "i18n"


async def shots(page: Page, name: str) -> None:
    """A desktop and a phone screenshot of the page; at the phone's width the page itself must
    not be wider than the screen (a table may scroll inside its own box)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    desktop = page.viewport_size
    await page.set_viewport_size(PHONE)
    try:
        await page.wait_for_timeout(100)  # a layout pass at the new width
        width = await page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name}: {width} px wide at a phone's {PHONE['width']} px"
        await page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
    finally:
        if desktop is not None:
            await page.set_viewport_size(desktop)


async def chinese_browser(browser: Browser) -> BrowserContext:
    return await browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})


async def test_a_chinese_agent_gets_the_desk_in_chinese_in_an_english_browser(
    browser: Browser, desk_world: DeskWorld
) -> None:
    username = unique("zh_agent")
    await desk_world.container.bus.handle(
        CreateAgent(
            username=username,
            role=Role.AGENT,
            password=PASSWORD,
            skills=((desk_world.skill, 5),),
            language="zh-CN",
            timezone="Asia/Shanghai",
        )
    )
    context = await browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    watched = Watched(page, "i18n-desk")
    try:
        await page.goto(desk_world.base + "/login")
        await expect(page.locator("h1")).to_have_text("Sign in")  # signed out: the browser's English
        await go_available(page, desk_world, username, expect_presence="空闲")
        await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        await expect(page.locator("label[for=presence-select]")).to_have_text("状态")
        await expect(page.locator("header.top .links a").first).to_have_text("我的工作")
        await expect(page.locator("header.top button")).to_have_text("退出登录")
        _, _, panel = await take_chat(page, desk_world, body="你好，我想查询订单")
        await expect(panel.locator(".msg.inbound .body")).to_have_text("你好，我想查询订单")
        await expect(panel.locator("button.wrap-up")).to_have_text("话后处理")
        await expect(page.locator("#no-work")).to_be_hidden()
        await shots(page, "desk-zh")
        assert watched.errors == []
    finally:
        await context.close()


async def test_a_chinese_admin_gets_the_admin_pages_in_chinese_in_an_english_browser(
    browser: Browser, desk_world: DeskWorld
) -> None:
    """The template's words, the scripts' (through the page's i18n block, not the browser's
    language), the API's refusals and the audit log's times are all in the admin's language."""
    username = unique("zh_admin")
    await desk_world.container.bus.handle(
        CreateAgent(
            username=username, role=Role.ADMIN, password=PASSWORD, language="zh-CN", timezone="Asia/Shanghai"
        )
    )
    context = await browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    watched = Watched(page, "i18n-admin")
    try:
        await sign_in(page, desk_world.base, username)
        await page.goto(desk_world.base + "/admin#users")
        await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        await expect(page.locator("h1")).to_have_text("系统管理")
        await expect(page.locator(".admin-tabs a[data-tab=codes]")).to_have_text("结果代码")
        mine = page.locator(f"#users tr[data-username='{username}']")
        await expect(mine.locator("td").nth(2)).to_have_text("管理员")  # the role, not "admin"
        await expect(mine.locator("td").nth(5)).to_have_text("已启用")  # written by the script
        await mine.locator("button.edit").click()
        form = page.locator("#user-form")
        await expect(form.locator(".form-title")).to_have_text(f"编辑 {username}")
        await expect(form.locator("select[name=role] option:checked")).to_have_text("管理员")
        await expect(page.locator("#user-toggle-active")).to_have_text("停用此账号")
        await page.click("#user-toggle-active")  # refused: an admin cannot lock themselves out
        await expect(form.locator(".form-error")).to_have_text("未做任何更改：您不能停用自己的账号")
        assert [e for e in watched.errors if "status of 409" not in e] == []  # the refusal, as expected
        watched.errors.clear()
        await shots(page, "admin-zh")

        await form.locator("input[name=team]").fill("一组")
        await form.locator("button[type=submit]").click()
        await expect(page.locator("#admin-status")).to_have_text("已保存。")

        await page.click(".admin-tabs a[data-tab=queues]")
        await expect(page.locator("#queues thead")).to_contain_text("服务水平")
        listed = page.locator(f"#queues tr[data-name='{desk_world.queue}']")
        await expect(listed.locator("td").nth(4)).to_contain_text("秒内")
        await page.click("#queue-add")
        await expect(page.locator("#queue-form .form-title")).to_have_text("新建队列")
        await expect(page.locator("#queue-form select[name=interval_minutes] option").first).to_have_text(
            "15 分钟"
        )

        await page.click(".admin-tabs a[data-tab=audit]")
        audit = page.locator("#audit-form")
        await audit.locator("input[name=actor]").fill(username)
        await audit.locator("button[type=submit]").click()
        entry = page.locator("#audit tbody tr").first
        await expect(entry.locator("td").nth(1)).to_have_text(f"agent:{username}")
        await expect(entry.locator("td").first).to_contain_text(
            "年"
        )  # the time as a Chinese reader writes it
        await shots(page, "admin-audit-zh")
        assert watched.errors == []
    finally:
        await context.close()


async def test_signed_out_pages_and_users_without_a_language_follow_the_browser(
    browser: Browser, served: tuple[str, Container]
) -> None:
    base, container = served
    queue_id, agents = await planned_queue(container)
    supervisor, planner = unique("zh_sup"), unique("zh_pla")
    await container.bus.handle(CreateAgent(username=supervisor, role=Role.SUPERVISOR, password=PASSWORD))
    await container.bus.handle(CreateAgent(username=planner, role=Role.PLANNER, password=PASSWORD))
    context = await chinese_browser(browser)
    page = await context.new_page()
    watched = Watched(page, "i18n-pages")
    try:
        await page.goto(base + "/login")
        await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        await expect(page.locator("h1")).to_have_text("登录")
        await expect(page.locator("label").first).to_contain_text("用户名")
        await shots(page, "sign-in-zh")
        await page.fill("input[name=username]", supervisor)
        await page.fill("input[name=password]", "not-the-password")
        await page.click("button[type=submit]")
        await expect(page.locator("p.error")).to_have_text("用户名或密码错误")  # the API's error, translated
        assert [e for e in watched.errors if "status of 401" not in e] == []  # the refusal, as expected
        watched.errors.clear()

        await sign_in(page, base, supervisor)
        await expect(page.locator("h1")).to_contain_text("队列")
        await expect(page.locator("#tiles")).to_contain_text("当前最长等待")
        await expect(page.locator("#tiles")).to_contain_text("电话、在线聊天")  # listed in Chinese
        await shots(page, "dashboard-zh")

        await page.context.clear_cookies()
        await sign_in(page, base, planner)
        await page.goto(f"{base}/planner?queue={queue_id}")
        await expect(page.locator("h1")).to_have_text("人力排班")
        await expect(page.locator("#requirements-summary")).to_contain_text("高峰")
        await expect(page.locator("#schedule-info")).to_contain_text("已发布")
        await expect(page.locator("#gantt .gantt-row")).to_have_count(3)
        await shots(page, "planner-zh")

        await page.context.clear_cookies()
        await sign_in(page, base, agents[0])
        await page.goto(base + "/my-schedule")
        await expect(page.locator("h1")).to_have_text("我的排班")
        await expect(page.locator("#my-schedule tbody tr").first).to_contain_text("班次")
        await shots(page, "my-schedule-zh")
        assert watched.errors == []
    finally:
        await context.close()


async def test_the_demo_shop_and_its_widget_speak_the_browsers_language(
    browser: Browser, served: tuple[str, Container]
) -> None:
    base, _container = served
    context = await chinese_browser(browser)
    page = await context.new_page()
    watched = Watched(page, "i18n-shop")
    try:
        await page.goto(base + "/demo/shop")
        await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        await expect(page.locator("h1")).to_have_text("演示商店")
        await expect(page.locator("article").first).to_contain_text("¥39.00")
        launcher = page.locator(".ccw-launch")
        await expect(launcher).to_have_text("在线咨询")
        await launcher.click()
        await expect(page.locator("#ccw-title")).to_have_text("在线聊天")
        await shots(page, "shop-zh")
        await page.goto(base + "/demo/shop?lang=en")  # the page's own choice wins over the browser's
        await expect(page.locator(".ccw-launch")).to_have_text("Chat with us")
        assert watched.errors == []
    finally:
        await context.close()
