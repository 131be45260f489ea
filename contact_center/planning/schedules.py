"""Build a schedule for a queue's week with CP-SAT, and read stored schedules back.

The requirement is the forecast's productive agents per interval (what-if applied), mapped from
the week's wall-clock slots onto the elapsed-time horizon the solver works in (weeks.wall_index).
Building is a background job (planning/jobs.py): the forecast and the solve run in worker threads
(`asyncio.to_thread`), so a long time limit never blocks the event loop, and the result is saved
by the `SaveSchedule` command (services/planning.py), as publishing is by `PublishSchedule`.
Coverage, totals and exports are recomputed from the stored shifts with
workforce.scheduling.build_result, so what the planner sees is what the agents were given.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta

from sqlmodel import col, select

from contact_center.bus import MessageBus
from contact_center.domain.errors import NotFoundError, UnprocessableError
from contact_center.domain.planning import Schedule, ScheduleShift
from contact_center.domain.planning_commands import SaveSchedule
from contact_center.jobs import Progress, ignore_progress
from contact_center.planning.bookings import booked_contract, published_bookings
from contact_center.planning.forecast import compute_forecast, forecast_inputs
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
# Progress of a build: the forecast and reads end at PLANNED, the solve at SOLVED.
PLANNED, SOLVED = 0.1, 0.95


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


@dataclass(frozen=True, slots=True)
class SchedulePlan:
    """Everything the solver needs for one build, read from the store in one unit of work."""

    queue_id: int
    timezone: str
    horizon: Horizon
    required: tuple[int, ...]
    problem: SchedulingProblem
    eligible: int
    booked: int


async def plan_schedule(uow: UnitOfWork, queue_id: int, request: BuildRequest) -> SchedulePlan:
    """Forecast the week and read the eligible agents, their terms and bookings elsewhere."""
    async with uow:
        queue = await uow.queues.get(queue_id)
        inputs = await forecast_inputs(uow, queue, request.week_start)
        agents = await eligible_agents(uow, queue)
        terms = await contract_terms(uow, [a.id or 0 for a in agents])
        horizon = week_horizon(inputs.target, request.days)
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
    made = await asyncio.to_thread(compute_forecast, inputs)
    need = await asyncio.to_thread(requirements, made, request.what_if)
    required = tuple(need.agents[wall_index(made.grid, horizon, i)] for i in range(horizon.num_intervals))
    skill = skill_of(queue)
    problem = SchedulingProblem(
        horizon,
        (Requirement(required, skill),),
        default_templates(),
        tuple(booked_contract(contract(a, terms.get(a.id or 0), skill), horizon, booked) for a in agents),
    )
    booked_agents = len({b.agent_id for b in booked})
    return SchedulePlan(queue_id, queue.timezone, horizon, required, problem, len(agents), booked_agents)


async def build_schedule(
    bus: MessageBus,
    uow: Callable[[], UnitOfWork],
    queue_id: int,
    request: BuildRequest,
    actor: str,
    progress: Progress = ignore_progress,
) -> int:
    """Plan, solve in a worker thread (never on the event loop) and save a draft; returns its id.

    Progress: the forecast up to PLANNED, the solver's own reports up to SOLVED, then the save."""
    progress(0.0, "forecasting the week")
    plan = await plan_schedule(uow(), queue_id, request)
    settings = SolverSettings(time_limit_s=request.time_limit_s, random_seed=request.seed)

    def solver_progress(fraction: float, stage: str) -> None:
        progress(PLANNED + (SOLVED - PLANNED) * fraction, stage)

    result = await asyncio.to_thread(solve_schedule, plan.problem, settings, solver_progress)
    progress(SOLVED, "saving the schedule")
    saved: int = await bus.handle(
        SaveSchedule(
            queue_id=queue_id,
            starts_at=plan.horizon.start,
            timezone=plan.timezone,
            interval_minutes=plan.horizon.interval_minutes,
            num_intervals=plan.horizon.num_intervals,
            solver_status=result.status,
            required=plan.required,
            summary=tuple(_summary(result, plan.eligible, plan.booked).items()),
            shifts=result.shifts,
            actor=actor,
        )
    )
    return saved


def _summary(result: ScheduleResult, eligible: int, booked: int) -> dict[str, float]:
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


def shift_row(schedule_id: int, shift: ScheduledShift) -> ScheduleShift:
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


def week_of(row: Schedule) -> date:
    return row.starts_at.astimezone(zone(row.timezone)).date()
