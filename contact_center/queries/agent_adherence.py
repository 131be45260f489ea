"""Adherence today to the published schedules, per agent, as the planner computes it.

The figures are `planning.adherence.schedule_adherence`'s (docs/metrics.md: minutes in the
scheduled activity / scheduled minutes), summed over the schedule intervals of today that have
ended: an interval still running would count its scheduled minutes to come as missed. An agent
in no published schedule today has no adherence (None), not 0 or 1.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlmodel import col, select

from contact_center.domain.planning import Schedule, ScheduleShift
from contact_center.planning.adherence import schedule_adherence
from contact_center.planning.bookings import LONGEST_SCHEDULE, PUBLISHED
from contact_center.planning.schedules import load_schedule
from contact_center.storage.uow import UnitOfWork


async def adherence_today(
    uow: UnitOfWork, agent_ids: list[int], day: tuple[datetime, datetime]
) -> dict[int, float]:
    """Adherence of each agent with scheduled minutes in today's ended intervals."""
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
        schedule = await load_schedule(uow, schedule_id)
        width = timedelta(minutes=schedule.horizon.interval_minutes)
        for agent in await schedule_adherence(uow, schedule, now):
            if agent.agent_id not in wanted:
                continue
            for interval in agent.intervals:
                if interval.start >= start and interval.start + width <= now:
                    minutes[int(agent.agent_id)][0] += interval.adherent_minutes
                    minutes[int(agent.agent_id)][1] += interval.scheduled_minutes
    return {a: adherent / scheduled for a, (adherent, scheduled) in minutes.items() if scheduled > 0}
