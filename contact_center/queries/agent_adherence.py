"""Adherence today to the published schedules, per agent, as the planner computes it.

The figures are `workforce.scheduling.adherence_report`'s, as `planning.adherence` computes them
for the planner (docs/metrics.md: minutes in the scheduled activity / scheduled minutes), on the
same presence records (read once for the whole view), summed over the schedule intervals of today
that have ended: an interval still running would count its scheduled minutes to come as missed.
Only the listed agents' shifts are read. An agent in no published schedule today has no adherence
(None), not 0 or 1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import col, select

from contact_center.domain.errors import NotFoundError
from contact_center.domain.planning import Schedule, ScheduleShift
from contact_center.planning.bookings import LONGEST_SCHEDULE, PUBLISHED
from contact_center.planning.schedules import StoredSchedule, stored
from contact_center.storage.uow import UnitOfWork
from workforce.scheduling import PresenceRecord, adherence_report


async def adherence_today(
    uow: UnitOfWork, agent_ids: list[int], day: tuple[datetime, datetime], presence: Sequence[PresenceRecord]
) -> dict[int, float]:
    """Adherence of each agent with scheduled minutes in today's ended intervals; `presence`: the
    agents' records from midnight to now (earlier intervals are not summed)."""
    start, now = day
    if not agent_ids:
        return {}
    stmt = (
        select(Schedule.id)
        .join(ScheduleShift, col(ScheduleShift.schedule_id) == col(Schedule.id))
        .where(col(Schedule.status) == PUBLISHED, col(ScheduleShift.agent_id).in_(agent_ids))
        .where(col(Schedule.starts_at) > start - LONGEST_SCHEDULE, col(Schedule.starts_at) <= now)
        .distinct()
    )
    wanted = {str(a) for a in agent_ids}
    minutes: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for schedule_id in sorted({int(i or 0) for i in (await uow.session.exec(stmt)).all()}):
        schedule = await _of_agents(uow, schedule_id, agent_ids)
        width = timedelta(minutes=schedule.horizon.interval_minutes)
        for agent in adherence_report(schedule.result, schedule.horizon, presence):
            if agent.agent_id not in wanted:
                continue
            for interval in agent.intervals:
                if interval.start >= start and interval.start + width <= now:
                    minutes[int(agent.agent_id)][0] += interval.adherent_minutes
                    minutes[int(agent.agent_id)][1] += interval.scheduled_minutes
    return {a: adherent / scheduled for a, (adherent, scheduled) in minutes.items() if scheduled > 0}


async def _of_agents(uow: UnitOfWork, schedule_id: int, agent_ids: list[int]) -> StoredSchedule:
    """The schedule with only these agents' shifts: the planner's figures for them, without reading
    everyone else's presence."""
    row = await uow.session.get(Schedule, schedule_id)
    if row is None:
        raise NotFoundError(f"schedule {schedule_id} not found")
    stmt = (
        select(ScheduleShift)
        .where(col(ScheduleShift.schedule_id) == schedule_id, col(ScheduleShift.agent_id).in_(agent_ids))
        .order_by(col(ScheduleShift.id))
    )
    return stored(row, (await uow.session.exec(stmt)).all())
