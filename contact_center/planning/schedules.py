"""Build a schedule for a queue's week with CP-SAT, store it, read it back, publish it.

The requirement is the forecast's productive agents per interval (what-if applied), mapped from
the week's wall-clock slots onto the elapsed-time horizon the solver works in (weeks.wall_index).
The solve runs in a worker thread (`asyncio.to_thread`) so a long time limit never blocks the
event loop. Coverage, totals and exports are recomputed from the stored shifts with
workforce.scheduling.build_result, so what the planner sees is what the agents were given.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from contact_center.domain.errors import ConflictError, NotFoundError, UnprocessableError
from contact_center.domain.planning import Schedule, ScheduleShift
from contact_center.planning.bookings import (
    PUBLISHED,
    booked_contract,
    published_bookings,
    refuse_double_booking,
)
from contact_center.planning.forecast import forecast_week
from contact_center.planning.requirements import WhatIf, requirements
from contact_center.planning.staff import (
    contract,
    contract_terms,
    default_templates,
    eligible_agents,
    skill_of,
)
from contact_center.planning.weeks import wall_index, week_horizon, zone
from contact_center.storage.uow import UnitOfWork
from workforce.scheduling import (
    AgentId,
    Horizon,
    PlacedBreak,
    Requirement,
    ScheduledShift,
    ScheduleResult,
    SchedulingProblem,
    SolverSettings,
    build_result,
    solve_schedule,
)
from workforce.scheduling.model import Activity

DRAFT, SUPERSEDED = "draft", "superseded"


@dataclass(frozen=True, slots=True)
class BuildRequest:
    week_start: date
    days: int = 7
    time_limit_s: float = 10.0
    seed: int = 0
    what_if: WhatIf = field(default_factory=WhatIf)


@dataclass(frozen=True, slots=True)
class StoredSchedule:
    row: Schedule
    horizon: Horizon
    result: ScheduleResult


async def build_schedule(uow: UnitOfWork, queue_id: int, request: BuildRequest, actor: str) -> int:
    """Solve and store a draft schedule; returns its id."""
    async with uow:
        queue = await uow.queues.get(queue_id)
        made = await forecast_week(uow, queue, request.week_start)
        need = requirements(made, request.what_if)
        agents = await eligible_agents(uow, queue)
        terms = await contract_terms(uow, [a.id or 0 for a in agents])
        horizon = week_horizon(made.grid, request.days)
        # Shifts published elsewhere, and a day either side for the rest between shifts.
        booked = await published_bookings(
            uow,
            [a.id or 0 for a in agents],
            horizon.start.astimezone(UTC) - timedelta(days=1),
            horizon.start.astimezone(UTC) + timedelta(minutes=horizon.minutes, days=1),
            superseded=(queue_id, horizon.start),
        )
    if not agents:
        raise UnprocessableError("no active agent has the skills this queue requires")
    required = tuple(need.agents[wall_index(made.grid, horizon, i)] for i in range(horizon.num_intervals))
    skill = skill_of(queue)
    problem = SchedulingProblem(
        horizon,
        (Requirement(required, skill),),
        default_templates(),
        tuple(booked_contract(contract(a, terms.get(a.id or 0), skill), horizon, booked) for a in agents),
    )
    settings = SolverSettings(time_limit_s=request.time_limit_s, random_seed=request.seed)
    result = await asyncio.to_thread(solve_schedule, problem, settings)
    async with uow:
        row = Schedule(
            queue_id=queue_id,
            starts_at=horizon.start,
            timezone=queue.timezone,
            interval_minutes=horizon.interval_minutes,
            num_intervals=horizon.num_intervals,
            status=DRAFT,
            solver_status=result.status,
            required=list(required),
            summary=_summary(result, len(agents), len({b.agent_id for b in booked})),
            created_by=actor,
            created_at=uow.now(),
        )
        uow.session.add(row)
        await uow.session.flush()
        for shift in result.shifts:
            uow.session.add(_shift_row(row.id or 0, shift))
        uow.audit(actor, "schedule", row.id or 0, "build", {"queue_id": queue_id, "status": result.status})
        await uow.commit()
        return row.id or 0


def _summary(result: ScheduleResult, eligible: int, booked: int) -> dict[str, Any]:
    return {
        "eligible_agents": eligible,
        "booked_elsewhere_agents": booked,
        "scheduled_agents": len({s.agent_id for s in result.shifts}),
        "shifts": len(result.shifts),
        "required_agent_hours": round(result.required_agent_hours, 2),
        "shortfall_agent_hours": round(result.shortfall_agent_hours, 2),
        "surplus_agent_hours": round(result.surplus_agent_hours, 2),
        "shortfall_pct": round(result.shortfall_pct, 2),
        "paid_hours": round(result.paid_hours, 2),
        "solve_seconds": round(result.solve_seconds, 3),
    }


def _shift_row(schedule_id: int, shift: ScheduledShift) -> ScheduleShift:
    return ScheduleShift(
        schedule_id=schedule_id,
        agent_id=int(shift.agent_id),
        day=shift.day,
        template=shift.template,
        skill=shift.skill,
        start_minute=shift.start,
        end_minute=shift.end,
        paid_minutes=shift.paid_minutes,
        breaks=[
            {"activity": b.activity.value, "start": b.start, "end": b.end, "is_paid": b.is_paid}
            for b in shift.breaks
        ],
    )


def _shift(row: ScheduleShift) -> ScheduledShift:
    breaks = tuple(
        PlacedBreak(Activity(b["activity"]), int(b["start"]), int(b["end"]), bool(b["is_paid"]))
        for b in row.breaks
    )
    return ScheduledShift(
        AgentId(str(row.agent_id)),
        row.day,
        row.template,
        row.skill,
        row.start_minute,
        row.end_minute,
        row.paid_minutes,
        breaks,
    )


def horizon_of(row: Schedule) -> Horizon:
    tz = zone(row.timezone)
    return Horizon(row.starts_at.astimezone(tz), row.interval_minutes, row.num_intervals)


def stored(row: Schedule, shifts: Sequence[ScheduleShift]) -> StoredSchedule:
    horizon = horizon_of(row)
    skill = shifts[0].skill if shifts else "queue"
    problem = SchedulingProblem(horizon, (Requirement(tuple(row.required), skill),), (), ())
    result = build_result(problem, row.solver_status, 0.0, tuple(_shift(s) for s in shifts))
    return StoredSchedule(row, horizon, result)


async def load_schedule(uow: UnitOfWork, schedule_id: int) -> StoredSchedule:
    """A schedule with its shifts and coverage (inside an open unit of work)."""
    row = await uow.session.get(Schedule, schedule_id)
    if row is None:
        raise NotFoundError(f"schedule {schedule_id} not found")
    stmt = select(ScheduleShift).where(ScheduleShift.schedule_id == schedule_id)
    shifts = (await uow.session.exec(stmt.order_by(col(ScheduleShift.id)))).all()
    return stored(row, shifts)


async def list_schedules(uow: UnitOfWork, queue_id: int, limit: int = 20) -> Sequence[Schedule]:
    stmt = select(Schedule).where(Schedule.queue_id == queue_id).order_by(col(Schedule.id).desc())
    return (await uow.session.exec(stmt.limit(limit))).all()


async def publish_schedule(uow: UnitOfWork, schedule_id: int, actor: str) -> Schedule:
    """Publish a draft; a schedule published earlier for the same queue and start is superseded.

    Refused (409, nothing changes) if it would give an agent a shift overlapping one they already
    have in another published schedule; the check and the publication are one transaction."""
    async with uow:
        stmt = select(Schedule).where(Schedule.id == schedule_id).with_for_update()
        row = (await uow.session.exec(stmt)).first()
        if row is None:
            raise NotFoundError(f"schedule {schedule_id} not found")
        if row.status != DRAFT:
            raise ConflictError(f"schedule {schedule_id} is {row.status}, only a draft can be published")
        shifts = (
            await uow.session.exec(select(ScheduleShift).where(ScheduleShift.schedule_id == schedule_id))
        ).all()
        await refuse_double_booking(uow, row, shifts)
        await uow.session.exec(
            update(Schedule)
            .where(col(Schedule.queue_id) == row.queue_id, col(Schedule.starts_at) == row.starts_at)
            .where(col(Schedule.status) == PUBLISHED)
            .values(status=SUPERSEDED)
        )
        row.status, row.published_at = PUBLISHED, uow.now()
        uow.session.add(row)
        uow.audit(actor, "schedule", schedule_id, "publish", {"queue_id": row.queue_id})
        await uow.commit()
        return row


def week_of(row: Schedule) -> date:
    return row.starts_at.astimezone(zone(row.timezone)).date()
