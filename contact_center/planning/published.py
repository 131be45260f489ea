"""What leaves the planner: CSV and iCalendar exports, and each agent's own published schedule.

Exports name agents by username, not by id, so a spreadsheet or a calendar reads on its own. The
iCalendar DTSTAMP is the publication time (the build time of a draft).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlmodel import col, select

from contact_center.domain.agents import Agent
from contact_center.domain.planning import Schedule, ScheduleShift
from contact_center.planning.bookings import PUBLISHED
from contact_center.planning.schedules import StoredSchedule, _shift, horizon_of
from contact_center.storage.uow import UnitOfWork
from workforce.scheduling import AgentId, schedule_csv, schedule_icalendar, shift_segments

CALENDAR_DOMAIN = "contact-center.invalid"
MY_SCHEDULE_PAST = timedelta(days=14)


async def usernames(uow: UnitOfWork, agent_ids: set[int]) -> dict[int, str]:
    if not agent_ids:
        return {}
    stmt = select(Agent.id, Agent.username).where(col(Agent.id).in_(sorted(agent_ids)))
    return {int(i or 0): name for i, name in (await uow.session.exec(stmt)).all()}


def _named(schedule: StoredSchedule, names: dict[int, str]) -> StoredSchedule:
    shifts = tuple(
        replace(s, agent_id=AgentId(names.get(int(s.agent_id), s.agent_id))) for s in schedule.result.shifts
    )
    return replace(schedule, result=replace(schedule.result, shifts=shifts))


async def export_csv(uow: UnitOfWork, schedule: StoredSchedule) -> str:
    names = await usernames(uow, {int(s.agent_id) for s in schedule.result.shifts})
    named = _named(schedule, names)
    return schedule_csv(named.result, named.horizon)


async def export_icalendar(uow: UnitOfWork, schedule: StoredSchedule, *, agent_id: int | None = None) -> str:
    names = await usernames(uow, {int(s.agent_id) for s in schedule.result.shifts})
    named = _named(schedule, names)
    stamp = schedule.row.published_at or schedule.row.created_at
    only = AgentId(names.get(agent_id, str(agent_id))) if agent_id is not None else None
    return schedule_icalendar(named.result, named.horizon, stamp, agent_id=only, domain=CALENDAR_DOMAIN)


@dataclass(frozen=True, slots=True)
class MySegment:
    schedule_id: int
    queue_id: int
    start: datetime
    end: datetime
    activity: str


async def my_schedule(uow: UnitOfWork, agent_id: int, now: datetime) -> list[MySegment]:
    """The agent's segments in published schedules starting from two weeks ago, in time order."""
    stmt = (
        select(Schedule, ScheduleShift)
        .join(ScheduleShift, col(ScheduleShift.schedule_id) == col(Schedule.id))
        .where(ScheduleShift.agent_id == agent_id, Schedule.status == PUBLISHED)
        .where(col(Schedule.starts_at) >= now - MY_SCHEDULE_PAST)
    )
    out = []
    for schedule, row in (await uow.session.exec(stmt)).all():
        horizon = horizon_of(schedule)
        for seg in shift_segments(_shift(row), horizon):
            out.append(MySegment(schedule.id or 0, schedule.queue_id, seg.start, seg.end, seg.activity.value))
    return sorted(out, key=lambda s: (s.start, s.schedule_id))
