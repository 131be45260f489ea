"""The supervisor console in real headless Chromium: a supervisor silently reads a live chat and
whispers to its agent (the agent's desk shows the whisper, the visitor's widget never does),
reassigns a chat to another agent (it leaves the first desk and is offered to the second), and
the agents page and the monitor in Chinese at desktop and phone widths. No console errors.
Screenshots: test-artifacts/console/ and test-artifacts/i18n/.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from contact_center.domain.commands import CreateAgent
from contact_center.domain.enums import Role
from tests.agent_ui.conftest import PASSWORD, browser, sign_in
from tests.agent_ui.desk_world import DeskWorld, Watched, go_available
from tests.agent_ui.test_chat_end_to_end import shop_world
from tests.agent_ui.test_desk_closed_browser import accept_first_offer, visitor_writes
from tests.agent_ui.test_i18n_browser import chinese_browser, shots
from tests.conftest import unique

pytestmark = pytest.mark.browser
__all__ = ["browser", "shop_world"]  # the fixtures, used here by name

WHISPER = "Offer free shipping, she is a regular"


async def accept(desk: Page) -> tuple[int, Locator]:
    """The first offer accepted on `desk`: its interaction and conversation panel."""
    interaction_id = await accept_first_offer(desk)
    return interaction_id, desk.locator(f".conversation[data-interaction='{interaction_id}']")


async def supervisor(world: DeskWorld, language: str | None = None) -> str:
    username = unique("sup")
    await world.container.bus.handle(
        CreateAgent(username=username, role=Role.SUPERVISOR, password=PASSWORD, language=language)
    )
    return username


async def test_a_supervisor_monitors_a_chat_and_whispers_to_its_agent(
    browser: Browser, shop_world: DeskWorld
) -> None:
    world = shop_world
    _, agent = await world.agent()
    boss = await supervisor(world)
    visitor = await browser.new_page()
    desk = await browser.new_page(viewport={"width": 1400, "height": 900})
    console = await browser.new_page(viewport={"width": 1280, "height": 900})
    seen = {
        "visitor": Watched(visitor, "console/visitor"),
        "desk": Watched(desk, "console/agent-desk"),
        "console": Watched(console, "console/supervisor"),
    }
    try:
        await go_available(desk, world, agent)
        await visitor_writes(visitor, world, "Where is my parcel?")
        interaction_id, panel = await accept(desk)
        reply = panel.locator("textarea.reply")
        await reply.fill("Checking now")
        await reply.press("Enter")
        log = visitor.get_by_role("log")
        await expect(log.get_by_text("Checking now")).to_be_visible(timeout=5_000)

        await sign_in(console, world.base, boss)
        await console.goto(world.base + "/console/agents")
        await expect(console.locator("#live.on")).to_have_count(1)
        work = console.locator(f".work[data-interaction='{interaction_id}']")
        await expect(work).to_be_visible()
        await expect(work.locator(".channel")).to_have_text("Chat")
        await seen["console"].shot("agents")
        await work.locator("a.monitor").click()
        await expect(console).to_have_url(f"{world.base}/console/interactions/{interaction_id}/monitor")
        await expect(console.locator("#live.on")).to_have_count(1)
        thread = console.locator("#thread")
        await expect(thread.locator(".msg .body")).to_have_text(["Where is my parcel?", "Checking now"])

        # The customer writes again: the monitor shows it live, and the agent is told of nobody.
        box = visitor.get_by_label("Message", exact=True)
        await box.fill("It was due yesterday")
        await box.press("Enter")
        await expect(thread.locator(".msg.inbound .body").last).to_have_text(
            "It was due yesterday", timeout=5_000
        )
        await seen["console"].shot("monitoring")

        await console.locator("#whisper-body").fill(WHISPER)
        await console.locator("#whisper-send").click()
        await expect(thread.locator(".msg.whisper .body")).to_have_text([WHISPER])
        whisper = panel.locator(".msg.whisper")
        await expect(whisper.locator(".body")).to_have_text(WHISPER, timeout=5_000)
        await expect(whisper.locator(".author")).to_contain_text("only you see this")
        await seen["desk"].shot("whisper-on-desk")

        # The agent answers; the visitor sees the answer, never the whisper.
        await reply.fill("Free shipping on your next order!")
        await reply.press("Enter")
        await expect(log.get_by_text("Free shipping on your next order!")).to_be_visible(timeout=5_000)
        await expect(thread.locator(".msg.outbound .body").last).to_have_text(
            "Free shipping on your next order!", timeout=5_000
        )
        await visitor.wait_for_timeout(500)
        assert WHISPER not in await visitor.content()
        await expect(log.get_by_text(WHISPER)).to_have_count(0)
        await seen["visitor"].shot("no-whisper")
        await visitor.reload()  # a returning visitor's history has no whisper either
        await visitor.wait_for_timeout(1_000)
        assert WHISPER not in await visitor.content()
        await seen["visitor"].shot("reloaded")

        # The supervisor takes the chat over: it leaves the agent's desk and opens on theirs.
        console.once("dialog", lambda dialog: dialog.accept())
        await console.locator("#take-over").click()
        await expect(console).to_have_url(world.base + "/desk", timeout=5_000)
        mine = console.locator(f".conversation[data-interaction='{interaction_id}']")
        await expect(mine.locator(".msg.whisper .body")).to_have_text(WHISPER, timeout=5_000)
        await expect(mine.locator(".msg .body")).to_have_text(  # the whisper in its place in time
            [
                "Where is my parcel?",
                "Checking now",
                "It was due yesterday",
                WHISPER,
                "Free shipping on your next order!",
            ]
        )
        await expect(panel).to_have_count(0, timeout=5_000)
        await seen["console"].shot("taken-over")
    finally:
        for page in (visitor, desk, console):
            await page.close()
    for watched in seen.values():
        assert watched.errors == [], watched.errors


async def test_a_supervisor_reassigns_a_chat_to_another_agent(
    browser: Browser, shop_world: DeskWorld
) -> None:
    world = shop_world
    _, first = await world.agent()
    second_id, second = await world.agent()
    boss = await supervisor(world)
    visitor = await browser.new_page()
    desk = await browser.new_page(viewport={"width": 1400, "height": 900})
    colleague = await browser.new_page(viewport={"width": 1400, "height": 900})
    console = await browser.new_page(viewport={"width": 1280, "height": 900})
    seen = [Watched(p, f"console/reassign-{n}") for n, p in enumerate((visitor, desk, colleague, console))]
    try:
        await go_available(desk, world, first)
        await visitor_writes(visitor, world, "Can I change my address?")
        interaction_id, panel = await accept(desk)
        await go_available(colleague, world, second)

        await sign_in(console, world.base, boss)
        await console.goto(world.base + "/console/agents")
        work = console.locator(f".work[data-interaction='{interaction_id}']")
        await expect(work).to_be_visible()
        await work.locator("button.reassign").click()
        dialog = console.locator("#reassign")
        await expect(dialog).to_be_visible()
        await dialog.locator("#reassign-agent").select_option(str(second_id))
        await dialog.locator("#reassign-note").fill("Address change: needs the order number")
        await seen[3].shot("reassign-dialog")
        await dialog.locator("#reassign-send").click()
        await expect(dialog).to_be_hidden()
        await expect(console.locator("#notice")).to_contain_text(f"#{interaction_id}")

        await expect(panel).to_have_count(0, timeout=5_000)
        offered = colleague.locator(f".offer-card[data-interaction='{interaction_id}']")
        await expect(offered).to_be_visible(timeout=5_000)
        await colleague.keyboard.press("a")
        theirs = colleague.locator(f".conversation[data-interaction='{interaction_id}']")
        await expect(theirs.locator(".msg .body")).to_have_text(["Can I change my address?"], timeout=5_000)
        # The console follows: the chat is now on the second agent's card.
        card = console.locator(f".agent-card[data-agent='{second_id}']")
        await expect(card.locator(f".work[data-interaction='{interaction_id}']")).to_be_visible(timeout=5_000)
        await seen[3].shot("reassigned")

        # The supervisor sends the first agent away, with a reason: their desk says so at once.
        first_card = console.locator(".agent-card").filter(has=console.get_by_text(first, exact=True))
        await first_card.locator(".presence-choice").select_option("away")
        await first_card.locator(".reason").fill("Coaching at 3")
        await first_card.get_by_role("button", name="Change state").click()
        await expect(desk.locator("#presence-state")).to_have_text("Away", timeout=5_000)
        await expect(desk.locator("#away-reason")).to_have_value("Coaching at 3")
        await expect(console.locator("#notice")).to_contain_text("Away")
        await expect(first_card.locator(".presence")).to_have_text("Away", timeout=5_000)
        await expect(first_card.locator(".why")).to_contain_text("Coaching at 3")
        await seen[1].shot("sent-away")
        await seen[3].shot("sent-away")
    finally:
        for page in (visitor, desk, colleague, console):
            await page.close()
    for watched in seen:
        assert watched.errors == [], watched.errors


async def test_the_agents_page_and_the_monitor_in_chinese_at_phone_width(
    browser: Browser, shop_world: DeskWorld
) -> None:
    world = shop_world
    _, agent = await world.agent()
    boss = await supervisor(world, language="zh-CN")
    visitor = await browser.new_page()
    desk = await browser.new_page(viewport={"width": 1400, "height": 900})
    context = await chinese_browser(browser)
    console = await context.new_page()
    seen = [
        Watched(visitor, "console/zh-visitor"),
        Watched(desk, "console/zh-desk"),
        Watched(console, "console/zh"),
    ]
    try:
        await go_available(desk, world, agent)
        await visitor_writes(visitor, world, "你好，我的包裹在哪里？")
        interaction_id, _panel = await accept(desk)
        await sign_in(console, world.base, boss)
        await console.goto(world.base + "/console/agents")
        await expect(console.locator("h1")).to_contain_text("坐席")
        work = console.locator(f".work[data-interaction='{interaction_id}']")
        await expect(work.locator("a.monitor")).to_have_text("监听")
        await expect(console.locator(".figures dt").first).to_have_text("今日已处理")
        await shots(console, "console-agents")
        await console.goto(f"{world.base}/console/interactions/{interaction_id}/monitor")
        await expect(console.locator("#thread .msg .body")).to_have_text(["你好，我的包裹在哪里？"])
        await expect(console.locator("#whisper-send")).to_have_text("发送悄悄话")
        await shots(console, "console-monitor")
    finally:
        await visitor.close()
        await desk.close()
        await context.close()
    for watched in seen:
        assert watched.errors == [], watched.errors
