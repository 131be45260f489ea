"""Queues sharing agents: a published schedule books its agents, so another queue's schedule works
around them, and publishing a schedule that would double-book an agent is refused."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from contact_center.domain.enums import Role
from contact_center.domain.errors import ConflictError
from contact_center.domain.planning import Schedule, ScheduleShift
from contact_center.domain.planning_commands import PublishSchedule
from contact_center.planning.bookings import Booking, booked_contract
from contact_center.planning.published import my_schedule
from contact_center.planning.schedules import BuildRequest, build_schedule, load_schedule
from contact_center.planning.seed import HistoryProfile, seed_history
from tests.contact_center.api.conftest import error_of, make_client, new_agent, ok
from tests.contact_center.planning.conftest import NEXT_MONDAY, NOW, Planning, schedule_built_by_job
from workforce.scheduling import AgentContract, AgentId, Horizon, ScheduledShift, TimeWindow

Span = tuple[int, datetime, datetime]
_SHARED: dict[str, tuple[int, int, tuple[int, ...]]] = {}


async def shared_queues(planning: Planning, database_url: str) -> tuple[int, int, tuple[int, ...]]:
    """Two queues requiring one skill, so the same four agents serve both; three weeks of history
    each. Made once per database; each test plans its own week, so tests don't see each other."""
    if database_url not in _SHARED:
        skill = f"shared_{database_url[:6]}_{len(_SHARED)}"
        first, first_name = await planning.queue(skills=((skill, 2),))
        second, second_name = await planning.queue(skills=((skill, 2),))
        agents = tuple([await planning.agent(skills=((skill, 4),)) for _ in range(4)])
        await planning.customer()
        profile = HistoryProfile(3.0, {"voice": 0.7, "chat": 0.3})
        profiles = {first_name: profile, second_name: profile}
        await seed_history(planning.container.uow, weeks=3, now=NOW, profiles=profiles)
        _SHARED[database_url] = (first, second, agents)
    planning.clock.at = NOW
    return _SHARED[database_url]


def spans(shifts: tuple[ScheduledShift, ...], start: datetime) -> list[Span]:
    return [
        (int(s.agent_id), start + timedelta(minutes=s.start), start + timedelta(minutes=s.end))
        for s in shifts
    ]


def overlaps(one: list[Span], other: list[Span], gap: timedelta = timedelta(0)) -> list[tuple[Span, Span]]:
    return [(a, b) for a in one for b in other if a[0] == b[0] and a[1] < b[2] + gap and b[1] < a[2] + gap]


async def draft_with(
    planning: Planning, queue_id: int, starts_at: datetime, agent_id: int, start: int, end: int
) -> int:
    """A one-day draft holding one part shift [start, end) (minutes from `starts_at`), as a build
    made before another schedule was published would have it."""
    async with planning.container.uow() as uow:
        draft = Schedule(
            queue_id=queue_id,
            starts_at=starts_at,
            timezone="UTC",
            interval_minutes=30,
            num_intervals=48,
            status="draft",
            solver_status="FEASIBLE",
            required=[0] * 48,
            created_at=NOW,
        )
        uow.session.add(draft)
        await uow.session.flush()
        shift = ScheduleShift(
            schedule_id=draft.id or 0,
            agent_id=agent_id,
            day=0,
            template="part_day",
            skill=f"queue:{queue_id}",
            start_minute=start,
            end_minute=end,
            paid_minutes=end - start,
        )
        uow.session.add(shift)
        await uow.commit()
        return draft.id or 0


async def build(planning: Planning, queue_id: int, week: date, days: int) -> int:
    request = BuildRequest(week, days=days, time_limit_s=1.0)
    return await build_schedule(planning.container.bus, planning.container.uow, queue_id, request, "test")


async def test_a_queue_sharing_agents_schedules_them_around_a_published_schedule(
    planning: Planning, database_url: str
) -> None:
    first, second, agents = await shared_queues(planning, database_url)
    published_id = await build(planning, first, NEXT_MONDAY, days=1)
    await planning.container.bus.handle(PublishSchedule(published_id))
    draft_id = await build(planning, second, NEXT_MONDAY, days=2)
    async with planning.container.uow() as uow:
        published = await load_schedule(uow, published_id)
        draft = await load_schedule(uow, draft_id)
    booked = spans(published.result.shifts, published.row.starts_at)
    planned = spans(draft.result.shifts, draft.row.starts_at)
    assert booked and {a for a, _, _ in booked} <= set(agents)
    # No overlap, and the default 11 hours' rest holds across the two schedules.
    assert overlaps(booked, planned, timedelta(hours=11)) == []
    # The booked agents are not lost to the second queue: they work its second day.
    assert {a for a, _, _ in planned} & {a for a, _, _ in booked}
    assert draft.row.summary["booked_elsewhere_agents"] == len({a for a, _, _ in booked})


async def test_publishing_a_draft_that_double_books_an_agent_is_refused_and_changes_nothing(
    planning: Planning, database_url: str
) -> None:
    first, second, _ = await shared_queues(planning, database_url)
    week = NEXT_MONDAY + timedelta(weeks=1)
    published_id = await build(planning, first, week, days=1)
    await planning.container.bus.handle(PublishSchedule(published_id))
    # A draft of the other queue made before the publication: it has the same agent at the same time.
    async with planning.container.uow() as uow:
        published = await load_schedule(uow, published_id)
        shift, row = published.result.shifts[0], published.row
        username = (await uow.agents.get(int(shift.agent_id))).username
    agent = int(shift.agent_id)
    draft_id = await draft_with(planning, second, row.starts_at, agent, shift.start + 60, shift.start + 300)

    with pytest.raises(ConflictError) as refused:
        await planning.container.bus.handle(PublishSchedule(draft_id))
    assert refused.value.code == "double_booked" and refused.value.http_status == 409
    assert username in refused.value.message and f"published schedule {published_id}" in refused.value.message
    assert (row.starts_at + timedelta(minutes=shift.start + 60)).isoformat() in refused.value.message
    async with planning.container.uow() as uow:
        still = await load_schedule(uow, draft_id)
        kept = await load_schedule(uow, published_id)
        mine = await my_schedule(uow, agent, NOW)
    assert still.row.status == "draft" and still.row.published_at is None
    assert kept.row.status == "published"
    assert {s.schedule_id for s in mine if s.start >= row.starts_at} == {published_id}


async def test_of_two_overlapping_drafts_published_at_once_one_is_refused(
    planning: Planning, database_url: str
) -> None:
    first, second, agents = await shared_queues(planning, database_url)
    monday = datetime.combine(NEXT_MONDAY + timedelta(weeks=3), time(0), tzinfo=UTC)
    drafts = [
        await draft_with(planning, first, monday, agents[0], 9 * 60, 13 * 60),
        await draft_with(planning, second, monday, agents[0], 12 * 60, 16 * 60),
    ]
    outcomes = await asyncio.gather(
        *(planning.container.bus.handle(PublishSchedule(d)) for d in drafts), return_exceptions=True
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["ConflictError", "Schedule"]
    async with planning.container.uow() as uow:
        statuses = sorted([(await load_schedule(uow, d)).row.status for d in drafts])
    assert statuses == ["draft", "published"]


async def test_the_api_answers_a_double_booking_publication_with_a_json_409(
    planning: Planning, database_url: str
) -> None:
    first, second, _ = await shared_queues(planning, database_url)
    week = (NEXT_MONDAY + timedelta(weeks=2)).isoformat()
    planner = await new_agent(planning.container, Role.PLANNER)
    client: TestClient[Any, Any] = await make_client(planning.container)
    await planning.container.jobs.start()
    try:
        body = {"week_start": week, "days": 1, "time_limit_s": 1.0}
        # Both drafts are built before either is published, so neither saw the other.
        drafts = [
            {"id": await schedule_built_by_job(client, planner.headers, q, body)} for q in (first, second)
        ]
        async with planning.container.uow() as uow:
            built = [await load_schedule(uow, d["id"]) for d in drafts]
        one, other = (spans(b.result.shifts, b.row.starts_at) for b in built)
        clash = overlaps(one, other)
        assert clash, "two drafts of one busy day should give some agent overlapping shifts"
        publish = "/api/v1/planning/schedules/{}/publish"
        done = await ok(await client.post(publish.format(drafts[0]["id"]), headers=planner.headers))
        assert done["status"] == "published"
        error = await error_of(
            await client.post(publish.format(drafts[1]["id"]), headers=planner.headers), 409, "double_booked"
        )
        assert "double-book" in error["message"]
        again = await ok(
            await client.get(f"/api/v1/planning/schedules/{drafts[1]['id']}", headers=planner.headers)
        )
        assert again["status"] == "draft"
    finally:
        await client.close()


def test_a_booking_leaves_the_contract_with_windows_around_it_and_less_of_the_week() -> None:
    horizon = Horizon(datetime(2026, 3, 23, tzinfo=UTC), 30, 3 * 48)
    monday_9 = horizon.start + timedelta(hours=9)
    booked = [
        Booking(7, 1, 2, monday_9, monday_9 + timedelta(hours=8, minutes=30), 480),
        Booking(8, 1, 2, monday_9, monday_9 + timedelta(hours=4), 240),  # someone else's
    ]
    terms = AgentContract(AgentId("7"), max_weekly_minutes=2400, max_weekly_shifts=5, min_days_off=2)
    terms = replace(terms, min_rest_minutes=11 * 60, min_weekly_minutes=600)
    left = booked_contract(terms, horizon, booked)
    # 09:00-17:30 with 11 h of rest either side: nothing from Sunday 22:00 to Tuesday 04:30.
    assert left.availability == (TimeWindow(28 * 60 + 30, 3 * 24 * 60),)
    assert left.unavailable_days == frozenset({0})
    assert (left.min_weekly_minutes, left.max_weekly_minutes) == (120, 1920)
    assert left.max_weekly_shifts == 4
    assert booked_contract(replace(terms, agent_id=AgentId("9")), horizon, booked).availability is None
