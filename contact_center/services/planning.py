"""Planning handlers: forecast overrides, agents' contract terms, and schedules (save, publish).

Each change is one transaction with its audit entry. Solving a schedule is not a write: a job
(planning/jobs.py) reads, solves off the event loop and sends `SaveSchedule` with the result.
Design: docs/planning.md.
"""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import update
from sqlmodel import col, select

from contact_center.domain.errors import ConflictError, NotFoundError, UnprocessableError
from contact_center.domain.planning import AgentContractTerms, ForecastOverride, Schedule, ScheduleShift
from contact_center.domain.planning_commands import (
    AddOverride,
    DeleteOverride,
    PublishSchedule,
    SaveSchedule,
    SetContract,
)
from contact_center.planning.bookings import PUBLISHED, refuse_double_booking
from contact_center.planning.schedules import DRAFT, SUPERSEDED, shift_row
from contact_center.planning.staff import contract_terms
from contact_center.storage.uow import UnitOfWork

WEEK_MINUTES = 7 * 24 * 60


async def add_override(cmd: AddOverride, uow: UnitOfWork) -> ForecastOverride:
    if cmd.ends_at <= cmd.starts_at:
        raise UnprocessableError("an override must end after it starts")
    if (cmd.multiplier is None) == (cmd.value is None):
        raise UnprocessableError("give exactly one of multiplier and value")
    amount = cmd.multiplier if cmd.multiplier is not None else cmd.value
    if amount is None or amount < 0:
        raise UnprocessableError("multiplier or value must be >= 0")
    async with uow:
        await uow.queues.get(cmd.queue_id)
        row = ForecastOverride(
            queue_id=cmd.queue_id,
            channel=cmd.channel.value if cmd.channel else None,
            starts_at=cmd.starts_at,
            ends_at=cmd.ends_at,
            multiplier=cmd.multiplier,
            value=cmd.value,
            reason=cmd.reason,
            created_by=cmd.actor,
            created_at=uow.now(),
        )
        uow.session.add(row)
        await uow.session.flush()
        uow.audit(cmd.actor, "forecast_override", row.id or 0, "create", {"queue_id": cmd.queue_id})
        await uow.commit()
        return row


async def delete_override(cmd: DeleteOverride, uow: UnitOfWork) -> None:
    async with uow:
        row = await uow.session.get(ForecastOverride, cmd.override_id)
        if row is None:
            raise NotFoundError(f"override {cmd.override_id} not found")
        await uow.session.delete(row)
        uow.audit(cmd.actor, "forecast_override", cmd.override_id, "delete", {"queue_id": row.queue_id})
        await uow.commit()


async def set_contract(cmd: SetContract, uow: UnitOfWork) -> AgentContractTerms:
    terms = cmd.terms
    if not 0 <= terms.min_weekly_minutes <= terms.max_weekly_minutes <= WEEK_MINUTES:
        raise UnprocessableError("weekly minutes: 0 <= min <= max <= a week")
    if not 0 <= terms.max_weekly_shifts <= 7 or not 0 <= terms.min_days_off <= 7:
        raise UnprocessableError("max_weekly_shifts and min_days_off are 0 to 7")
    if not 0 <= terms.min_rest_minutes <= 24 * 60:
        raise UnprocessableError("min_rest_minutes is 0 to 1440")
    async with uow:
        await uow.agents.get(cmd.agent_id)
        row = (await contract_terms(uow, [cmd.agent_id])).get(cmd.agent_id)
        row = row or AgentContractTerms(agent_id=cmd.agent_id, updated_at=uow.now())
        for name, value in asdict(terms).items():
            setattr(row, name, value)
        row.updated_at = uow.now()
        uow.session.add(row)
        uow.audit(cmd.actor, "agent", cmd.agent_id, "contract", asdict(terms))
        await uow.commit()
        return row


async def save_schedule(cmd: SaveSchedule, uow: UnitOfWork) -> int:
    """Store a solved schedule as a draft; returns its id."""
    async with uow:
        await uow.queues.get(cmd.queue_id)
        row = Schedule(
            queue_id=cmd.queue_id,
            starts_at=cmd.starts_at,
            timezone=cmd.timezone,
            interval_minutes=cmd.interval_minutes,
            num_intervals=cmd.num_intervals,
            status=DRAFT,
            solver_status=cmd.solver_status,
            required=list(cmd.required),
            summary=dict(cmd.summary),
            created_by=cmd.actor,
            created_at=uow.now(),
        )
        uow.session.add(row)
        await uow.session.flush()
        for shift in cmd.shifts:
            uow.session.add(shift_row(row.id or 0, shift))
        changes = {"queue_id": cmd.queue_id, "status": cmd.solver_status}
        uow.audit(cmd.actor, "schedule", row.id or 0, "build", changes)
        await uow.commit()
        return row.id or 0


async def publish_schedule(cmd: PublishSchedule, uow: UnitOfWork) -> Schedule:
    """Publish a draft; a schedule published earlier for the same queue and start is superseded.

    Refused (409, nothing changes) if it would give an agent a shift overlapping one they already
    have in another published schedule; the check and the publication are one transaction."""
    schedule_id = cmd.schedule_id
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
        uow.audit(cmd.actor, "schedule", schedule_id, "publish", {"queue_id": row.queue_id})
        await uow.commit()
        return row
