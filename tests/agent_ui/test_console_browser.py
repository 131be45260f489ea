"""The supervisor's drill-down in a real Chromium, with the router running: a Chinese supervisor
goes from a queue to the interaction an agent took, reads the router's "why this agent" in
Chinese with times in their zone, opens the customer, then searches and downloads the CSV.
Every page is shot at desktop and phone width (test-artifacts/i18n/console-*.png) and must not
scroll sideways at 390 px; no console errors anywhere."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from contact_center.domain.commands import CreateAgent
from contact_center.domain.enums import Role
from tests.agent_ui.conftest import PASSWORD, sign_in
from tests.agent_ui.desk_world import DeskWorld, Watched, desk_world, go_available
from tests.agent_ui.test_i18n_browser import shots
from tests.conftest import unique

pytestmark = pytest.mark.browser
__all__ = ["desk_world"]  # the fixture, used here by name


async def agent_takes_a_chat(browser: Browser, world: DeskWorld, name: str) -> int:
    _, username = await world.agent()
    page = await browser.new_page()
    await go_available(page, world, username)
    contact = await world.inbound(unique("visitor"), "你好，我的订单还没到", sender_name=name)
    interaction_id = int(contact["interaction_id"])
    await expect(page.locator(f".offer-card[data-interaction='{interaction_id}']")).to_be_visible()
    await page.keyboard.press("a")
    panel = page.locator(f".conversation[data-interaction='{interaction_id}']")
    await expect(panel).to_have_attribute("data-state", "active")
    await page.close()
    return interaction_id


async def supervisor_page(browser: Browser, world: DeskWorld) -> tuple[Page, Watched]:
    username = unique("zh_sup")
    await world.container.bus.handle(
        CreateAgent(
            username=username,
            role=Role.SUPERVISOR,
            password=PASSWORD,
            language="zh-CN",
            timezone="Asia/Shanghai",
        )
    )
    context = await browser.new_context(
        locale="en-US", viewport={"width": 1280, "height": 800}, accept_downloads=True
    )
    page = await context.new_page()
    watched = Watched(page, "console")
    await sign_in(page, world.base, username)
    return page, watched


async def test_a_supervisor_goes_from_queue_to_why_this_agent_to_the_customer(
    browser: Browser, desk_world: DeskWorld
) -> None:
    name = "陈静" + unique("")[:4]
    interaction_id = await agent_takes_a_chat(browser, desk_world, name)
    _, queues = await desk_world.call("GET", "/api/v1/queues")
    queue_id = next(q["id"] for q in queues["items"] if q["name"] == desk_world.queue)
    page, watched = await supervisor_page(browser, desk_world)
    try:
        await page.goto(f"{desk_world.base}/console/queues/{queue_id}")
        await expect(page.locator("h1")).to_contain_text(desk_world.queue)
        await expect(page.locator("#served")).to_contain_text(name)
        await expect(page.locator("#served")).to_contain_text("处理中")
        await page.wait_for_timeout(5500)  # one refresh of the live part, in place
        await expect(page.locator("#served")).to_contain_text(name)
        await shots(page, "console-queue-zh")

        await page.click(f"#served a[href='/console/interactions/{interaction_id}']")
        await expect(page.locator("h1")).to_have_text(f"交互 {interaction_id}")
        timeline = page.locator("#timeline")
        why = timeline.locator("li.tl-decision").first
        await expect(why).to_contain_text("为何选择此坐席")
        await expect(why).to_contain_text(re.compile(r"在 \d+ 名候选坐席中按“.+”选出"))
        await expect(why).not_to_contain_text("idle since 1")  # engine clock readings made readable
        await expect(timeline).to_contain_text("接受了会话邀请")
        await expect(timeline).to_contain_text("你好，我的订单还没到")
        await expect(page.locator("#header")).to_contain_text("处理中")
        await shots(page, "console-interaction-zh")

        await page.click("#customer-link")
        await expect(page.locator("#customer-name")).to_have_text(f"客户：{name}")
        await expect(page.locator("#history")).to_contain_text(str(interaction_id))
        await shots(page, "console-customer-zh")
        assert watched.errors == []
    finally:
        await page.context.close()


async def test_a_supervisor_searches_and_downloads_the_csv(browser: Browser, desk_world: DeskWorld) -> None:
    name = "=cmd" + unique("")[:6]
    contact = await desk_world.inbound(unique("visitor"), "hello", sender_name=name)
    page, watched = await supervisor_page(browser, desk_world)
    try:
        await page.goto(desk_world.base + "/console/search")
        await page.fill("input[name=customer]", name)
        await page.select_option("select[name=channel]", "chat")
        await page.click("#search-form button[type=submit]")
        await expect(page.locator("#results tbody tr")).to_have_count(1)
        await expect(page.locator("#results")).to_contain_text(name)  # shown as written, as text
        await expect(page.locator("#results")).to_contain_text(str(contact["interaction_id"]))
        await shots(page, "console-search-zh")
        async with page.expect_download() as download_info:
            await page.click("#csv-link")
        download = await download_info.value
        raw = (await download.path()).read_bytes()
        assert raw.startswith("\ufeff".encode())
        text = raw.decode("utf-8-sig")
        assert text.splitlines()[0].startswith("交互,")
        assert f",'{name}," in text  # the formula guard

        await page.goto(desk_world.base + "/console/search?created_after=yesterday")
        await expect(page.locator("#search-error")).to_be_visible()
        await page.goto(desk_world.base + "/console/search?customer=" + unique("nobody"))
        await expect(page.locator("#no-results")).to_have_text("没有符合条件的交互。")
        assert watched.errors == []
    finally:
        await page.context.close()


async def test_an_agent_gets_the_console_refused_page(browser: Browser, desk_world: DeskWorld) -> None:
    _, username = await desk_world.agent()
    page = await browser.new_page()
    try:
        await sign_in(page, desk_world.base, username)
        answer = await page.goto(desk_world.base + "/console/search")
        assert answer is not None and answer.status == 403
        await expect(page.locator("#refused")).to_have_text("The console is for supervisors and admins.")
    finally:
        await page.close()
