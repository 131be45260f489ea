"""The supervisor's wallboard in real Chromium: a tile moves while a chat arrives and is answered,
turns red past its limit and says why in words, the alert banner comes and goes, and the page in
Chinese at desktop and phone width (screenshots in test-artifacts/i18n/), with no console error."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from contact_center.domain.enums import Role
from tests.agent_ui.conftest import sign_in
from tests.agent_ui.desk_world import DeskWorld, Watched, desk_world, go_available
from tests.agent_ui.test_i18n_browser import chinese_browser, shots
from tests.conftest import unique

pytestmark = pytest.mark.browser
__all__ = ["desk_world"]  # the fixture, used here by name


async def limits(world: DeskWorld, **values: float) -> None:
    status, queues = await world.call("GET", "/api/v1/queues")
    queue_id = next(q["id"] for q in queues["items"] if q["name"] == world.queue)
    status, answer = await world.call("PATCH", f"/api/v1/queues/{queue_id}", {"alert_thresholds": values})
    assert status == 200, answer


async def test_a_tile_turns_red_with_a_waiting_chat_and_clears_when_an_agent_answers(
    browser: Browser, desk_world: DeskWorld
) -> None:
    world = desk_world
    await limits(world, waiting_red=1, longest_wait_amber_s=600)
    _sup_id, supervisor = await world.agent(role=Role.SUPERVISOR)
    _agent_id, agent = await world.agent()
    page = await browser.new_page()
    watched = Watched(page, "wallboard")
    desk = await browser.new_page()
    try:
        await sign_in(page, world.base, supervisor)
        await expect(page.locator("#live.on")).to_have_count(1)
        tile = page.locator(f"#tiles .tile[data-queue='{world.queue}']")
        await expect(tile.locator(".waiting dd")).to_have_text("0")
        await expect(tile.locator(".status")).to_have_text("Normal")
        await expect(page.locator("#alert-banner")).to_be_hidden()
        await watched.shot("calm")

        await world.inbound(unique("visitor"), "Where is my parcel?", sender_name="Wang")
        await expect(tile.locator(".waiting dd")).to_have_text("1")
        await expect(tile.locator(".offered dd")).to_have_text("1")
        await expect(tile).to_have_class("tile level-red")
        await expect(tile.locator(".status")).to_have_text("Red: Waiting now: 1, red from 1")
        banner = page.locator("#alert-banner")
        await expect(banner).to_be_visible()
        await expect(banner).to_contain_text(f"Queue {world.queue}: Waiting now: 1, red from 1")
        await expect(page.locator("#tiles .tile.overall .status")).to_have_text("Red: queues in red: 1")
        await watched.shot("red")
        # The supervisor drills down from the tile and from the latest contacts.
        await expect(tile.locator("h2 a")).to_have_attribute("href", re.compile(r"^/console/queues/\d+$"))
        newest = page.locator("#recent tbody tr").first.locator("td a")
        await expect(newest).to_have_attribute("href", re.compile(r"^/console/interactions/\d+$"))

        await go_available(desk, world, agent)
        await expect(desk.locator(".offer-card")).to_be_visible()
        await desk.keyboard.press("a")
        await expect(tile.locator(".waiting dd")).to_have_text("0")
        await expect(tile.locator(".answered dd")).to_have_text("1")
        await expect(tile.locator(".service-level dd")).to_have_text("100%")
        await expect(tile).to_have_class("tile level-ok")
        await expect(banner).to_be_hidden()
        await expect(tile.locator(".tile-agents")).to_contain_text("Busy: 1")
        await watched.shot("answered")
        assert watched.errors == []
    finally:
        await desk.close()
        await page.close()


async def test_the_wallboard_in_chinese_at_desktop_and_phone_width(
    browser: Browser, desk_world: DeskWorld
) -> None:
    world = desk_world
    await limits(world, waiting_amber=1, waiting_red=5, longest_wait_red_s=3600)
    _sup_id, supervisor = await world.agent(role=Role.SUPERVISOR)
    await world.inbound(unique("visitor"), "你好", sender_name="王小明")
    context = await chinese_browser(browser)
    page = await context.new_page()
    watched = Watched(page, "wallboard-zh")
    try:
        await sign_in(page, world.base, supervisor)
        tile = page.locator(f"#tiles .tile[data-queue='{world.queue}']")
        await expect(tile.locator(".status")).to_have_text("黄色：当前等待：1，达到 1 为黄色")
        await expect(tile.locator(".waiting dt")).to_have_text("当前等待")
        await expect(page.locator("#wallboard")).to_contain_text("今日进线")
        await expect(page.locator("#tiles .tile.overall h2")).to_have_text("全部队列")
        await tile.locator(".forecast summary").click()
        await expect(tile.locator(".forecast")).to_contain_text("时段")
        await shots(page, "wallboard-zh")
        assert watched.errors == []
    finally:
        await context.close()


async def test_an_admin_sets_a_queues_limits_and_recipients_in_the_queue_form(
    browser: Browser, desk_world: DeskWorld
) -> None:
    world = desk_world
    _admin_id, admin = await world.agent(role=Role.ADMIN)
    page = await browser.new_page()
    watched = Watched(page, "wallboard-admin")
    try:
        await sign_in(page, world.base, admin)
        await page.goto(world.base + "/admin#queues")
        await page.locator(f"#queues tr[data-name='{world.queue}'] button.edit").click()
        form = page.locator("#queue-form")
        await form.locator("input[name=waiting_amber]").fill("5")
        await form.locator("input[name=waiting_red]").fill("3")  # red before amber: refused
        await form.locator("textarea[name=alert_emails]").fill("Lead@Example.com")
        await form.locator("button[type=submit]").click()
        await expect(
            form.locator(".form-error, .field-error[data-error-for=alert_thresholds]").first
        ).not_to_be_empty()
        await form.locator("input[name=waiting_red]").fill("8")
        await form.locator("input[name=service_level_red]").fill("0.6")
        await form.locator("button[type=submit]").click()
        await expect(form).to_be_hidden()
        _status, queues = await world.call("GET", "/api/v1/queues")
        stored = next(q for q in queues["items"] if q["name"] == world.queue)
        assert stored["alert_thresholds"] == {
            "service_level_red": 0.6,
            "waiting_amber": 5.0,
            "waiting_red": 8.0,
        }
        assert stored["alert_emails"] == ["lead@example.com"]
        await page.locator(f"#queues tr[data-name='{world.queue}'] button.edit").click()
        await expect(form.locator("input[name=waiting_red]")).to_have_value("8")
        await watched.shot("limits")
        assert [e for e in watched.errors if "status of 400" not in e] == []  # the refusal, as expected
    finally:
        await page.close()
