"""The planner pages in a real browser: charts drawn from the API, the Gantt, what-if without a
reload, and the pages closed to agents."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from contact_center.bootstrap import Container
from contact_center.domain.commands import CreateAgent, CreateCustomer, CreateQueue
from contact_center.domain.enums import Channel, Role
from contact_center.domain.planning_commands import PublishSchedule
from contact_center.planning.published import my_schedule
from contact_center.planning.schedules import BuildRequest, build_schedule
from contact_center.planning.seed import HistoryProfile, seed_history
from contact_center.planning.weeks import current_monday, zone
from tests.agent_ui.conftest import PASSWORD, sign_in
from tests.conftest import unique

pytestmark = pytest.mark.browser


async def planned_queue(container: Container) -> tuple[int, list[str]]:
    """A queue with 3 weeks of history, 3 agents with its skill and a published 1-day schedule."""
    skill, name = unique("skill"), unique("ui_q")
    queue_id = await container.bus.handle(
        CreateQueue(name=name, channels=(Channel.VOICE, Channel.CHAT), required_skills=((skill, 2),))
    )
    agents = []
    for _ in range(3):
        username = unique("ag_")
        await container.bus.handle(
            CreateAgent(username=username, role=Role.AGENT, skills=((skill, 5),), password=PASSWORD)
        )
        agents.append(username)
    await container.bus.handle(CreateCustomer(name=unique("Ui ")))
    profile = HistoryProfile(4.0, {"voice": 0.7, "chat": 0.3})
    await seed_history(container.uow, weeks=3, profiles={name: profile})
    async with container.uow() as uow:
        week = current_monday(uow.now(), zone("UTC"))
    schedule_id = await build_schedule(
        container.bus, container.uow, queue_id, BuildRequest(week, days=1, time_limit_s=1.0), "test"
    )
    await container.bus.handle(PublishSchedule(schedule_id))
    return int(queue_id), agents


async def signed_in_planner(browser: Browser, base: str, container: Container) -> Page:
    """A page of its own, signed in as a new planner."""
    planner = unique("pla")
    await container.bus.handle(CreateAgent(username=planner, role=Role.PLANNER, password=PASSWORD))
    page = await browser.new_page()
    await sign_in(page, base, planner)
    return page


async def drawn(page: Page, chart: str) -> list[float]:
    return list(
        await page.eval_on_selector_all(f"{chart} rect.bar", "rs => rs.map(r => Number(r.dataset.value))")
    )


async def test_planner_sees_forecast_requirements_gantt_and_coverage_and_what_if_redraws(
    browser: Browser, served: tuple[str, Container]
) -> None:
    base, container = served
    queue_id, _agents = await planned_queue(container)
    page = await signed_in_planner(browser, base, container)
    try:
        await page.goto(f"{base}/planner?queue={queue_id}")
        week = 7 * 48
        await expect(page.locator("#forecast-chart rect.bar")).to_have_count(week)
        await expect(page.locator("#forecast-chart polyline.actual")).to_have_count(1)
        await expect(page.locator("#accuracy")).to_contain_text("WAPE")
        await expect(page.locator("#requirements-chart rect.bar")).to_have_count(week)
        schedule = await page.evaluate(
            f"fetch('/api/v1/planning/queues/{queue_id}/schedules').then(r => r.json())"
            ".then(l => fetch('/api/v1/planning/schedules/' + l.items[0].id)).then(r => r.json())"
        )
        rows = page.locator("#gantt g.gantt-row")
        await expect(rows).to_have_count(len(schedule["agents"]))
        assert schedule["agents"]
        for agent in schedule["agents"]:
            row = page.locator(f"#gantt g.gantt-row[data-agent='{agent['username']}']")
            await expect(row.locator("rect.segment")).to_have_count(len(agent["segments"]))
        await expect(page.locator("#coverage-chart rect.bar")).to_have_count(48)
        await expect(page.locator("#coverage-chart polyline.required")).to_have_count(1)

        before = await drawn(page, "#requirements-chart")
        await page.evaluate("window.__marker = 'same page'")
        await page.fill("#whatif-sl", "99")
        await expect(page.locator("#requirements-summary")).to_contain_text("SL 99 %")
        after = await drawn(page, "#requirements-chart")
        assert len(after) == len(before) and after != before
        assert all(a >= b for a, b in zip(after, before, strict=True)) and sum(after) > sum(before)
        assert await page.evaluate("window.__marker") == "same page"  # no reload happened
    finally:
        await page.close()


async def test_an_agent_cannot_open_the_planner_but_sees_their_own_schedule(
    browser: Browser, served: tuple[str, Container]
) -> None:
    base, container = served
    _queue_id, agents = await planned_queue(container)
    async with container.uow() as uow:
        people = {a.username: a.id or 0 for a in await uow.agents.list()}
        own = {u: await my_schedule(uow, people[u], uow.now()) for u in agents}
    scheduled = [u for u in agents if own[u]]
    assert scheduled, "the published day gives at least one of the queue's agents a shift"
    agent = scheduled[0]
    page = await browser.new_page()
    try:
        await sign_in(page, base, agent)
        response = await page.goto(base + "/planner")
        assert response is not None and response.status == 403
        await expect(page.locator("#forbidden")).to_be_visible()
        await expect(page.locator("header a[href='/planner']")).to_have_count(0)
        await page.goto(base + "/my-schedule")
        await expect(page.locator("#my-schedule tbody tr")).to_have_count(len(own[agent]))
        await expect(page.locator("#my-schedule tbody tr.segment-shift").first).to_be_visible()
        await expect(page.locator("#my-empty")).to_be_hidden()
    finally:
        await page.close()


RECORD_PROGRESS = """() => {
  window.__progress = [];
  const bar = document.getElementById("build-bar"), stage = document.getElementById("build-stage");
  const note = () => window.__progress.push([bar.value, stage.textContent]);
  new MutationObserver(note).observe(document.getElementById("build-progress"),
    { subtree: true, childList: true, characterData: true, attributes: true });
}"""


async def test_a_build_started_from_the_page_shows_its_progress_then_the_schedule(
    browser: Browser, served: tuple[str, Container]
) -> None:
    base, container = served
    queue_id, _agents = await planned_queue(container)
    page = await signed_in_planner(browser, base, container)
    try:
        await page.goto(f"{base}/planner?queue={queue_id}")
        await expect(page.locator("#schedule-info")).to_contain_text("published")
        await expect(page.locator("#build-progress")).to_be_hidden()
        await page.evaluate(RECORD_PROGRESS)
        await page.fill("#build-days", "7")
        await page.fill("#build-limit", "4")
        await page.click("#build")
        await expect(page.locator("#build-progress")).to_be_visible()
        await expect(page.locator("#schedule-info")).to_contain_text("draft", timeout=90_000)
        await expect(page.locator("#build-stage")).to_have_text("finished")
        seen = await page.evaluate("window.__progress")
        values = [float(v) for v, _ in seen]
        assert seen[0] == [0, "queued"] and seen[-1] == [1, "finished"], seen
        assert values == sorted(values)
        rows = page.locator("#gantt g.gantt-row")
        await expect(rows.first).to_be_visible()
        await expect(page.locator("#coverage-chart rect.bar")).to_have_count(7 * 48)
    finally:
        await page.close()


async def test_the_planner_opens_on_the_queue_last_planned_and_the_address_names_it(
    browser: Browser, served: tuple[str, Container]
) -> None:
    base, container = served
    first, second = [
        int(await container.bus.handle(CreateQueue(name=unique("plan_q"), channels=(Channel.CHAT,))))
        for _ in range(2)
    ]
    page = await signed_in_planner(browser, base, container)
    try:
        await page.goto(f"{base}/planner?queue={second}")
        await expect(page.locator("#queue")).to_have_value(str(second))
        await page.select_option("#queue", str(first))
        await expect(page).to_have_url(f"{base}/planner?queue={first}")
        await page.goto(f"{base}/planner")  # no queue named: the one last planned
        await expect(page.locator("#queue")).to_have_value(str(first))
        await expect(page).to_have_url(f"{base}/planner?queue={first}")
    finally:
        await page.close()
