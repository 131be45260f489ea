"""Agents' shifts in published schedules, as bookings that every other schedule must respect.

Schedules are solved per queue, and queues share agents. So when a schedule is built, each agent's
published shifts elsewhere (any queue, or the same queue from another start; not the schedule the
new one would supersede) are mapped onto the pure model's contract: the booked times, widened by
the agent's minimum rest, leave the contract's availability windows (a day fully covered becomes an
unavailable day), and the booked hours and shifts of the week come off its weekly limits. When a
schedule is published, a shift that overlaps one already published for the same agent is refused
(409), with the agent rows locked so two drafts published at once cannot both pass. Design:
docs/planning.md, Schedules.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo

from sqlmodel import and_, col, not_, select

from contact_center.domain.agents import Agent
from contact_center.domain.errors import ConflictError
from contact_center.domain.planning import Schedule, ScheduleShift
from contact_center.planning.weeks import zone
from contact_center.storage.uow import UnitOfWork
from workforce.scheduling import AgentContract, Horizon, TimeWindow

PUBLISHED = "published"
MINUTES_PER_DAY = 24 * 60
WEEK = 7 * MINUTES_PER_DAY
# A stored schedule covers at most 7 days, and its last shift may run a day past its end.
LONGEST_SCHEDULE = timedelta(days=8)


@dataclass(frozen=True, slots=True)
class Booking:
    """One published shift of one agent, in absolute time."""

    agent_id: int
    schedule_id: int
    queue_id: int
    start: datetime
    end: datetime
    paid_minutes: int


async def published_bookings(
    uow: UnitOfWork,
    agent_ids: Iterable[int],
    start: datetime,
    end: datetime,
    *,
    superseded: tuple[int, datetime] | None = None,
) -> list[Booking]:
    """Published shifts of these agents that overlap [start, end), in start order, leaving out the
    published schedule of `superseded` (queue id, start), which publishing would replace."""
    ids = sorted(set(agent_ids))
    if not ids:
        return []
    stmt = (
        select(Schedule, ScheduleShift)
        .join(ScheduleShift, col(ScheduleShift.schedule_id) == col(Schedule.id))
        .where(col(ScheduleShift.agent_id).in_(ids), col(Schedule.status) == PUBLISHED)
        .where(col(Schedule.starts_at) >= start - LONGEST_SCHEDULE, col(Schedule.starts_at) < end)
    )
    if superseded is not None:
        queue_id, starts_at = superseded
        stmt = stmt.where(
            not_(and_(col(Schedule.queue_id) == queue_id, col(Schedule.starts_at) == starts_at))
        )
    out = []
    for schedule, shift in (await uow.session.exec(stmt)).all():
        booking = Booking(
            shift.agent_id,
            schedule.id or 0,
            schedule.queue_id,
            schedule.starts_at + timedelta(minutes=shift.start_minute),
            schedule.starts_at + timedelta(minutes=shift.end_minute),
            shift.paid_minutes,
        )
        if booking.start < end and start < booking.end:
            out.append(booking)
    return sorted(out, key=lambda b: (b.start, b.agent_id))


async def lock_agents(uow: UnitOfWork, agent_ids: Iterable[int]) -> None:
    """Lock the agents' rows until the transaction ends, in id order so lockers cannot deadlock
    (PostgreSQL; SQLite's BEGIN IMMEDIATE already runs writers one at a time)."""
    ids = sorted(set(agent_ids))
    if ids:
        stmt = select(Agent.id).where(col(Agent.id).in_(ids)).order_by(col(Agent.id)).with_for_update()
        await uow.session.exec(stmt)


async def refuse_double_booking(uow: UnitOfWork, row: Schedule, shifts: Sequence[ScheduleShift]) -> None:
    """Raise ConflictError (code `double_booked`) naming each agent and times where a shift of this
    schedule overlaps a published shift of the same agent, except in the schedule it supersedes.
    Locks the agents' rows first, so the check holds until the caller's transaction ends."""
    agent_ids = {s.agent_id for s in shifts}
    await lock_agents(uow, agent_ids)
    if not shifts:
        return
    spans = [
        (
            s.agent_id,
            row.starts_at + timedelta(minutes=s.start_minute),
            row.starts_at + timedelta(minutes=s.end_minute),
        )
        for s in shifts
    ]
    start, end = min(s for _, s, _ in spans), max(e for _, _, e in spans)
    booked = await published_bookings(uow, agent_ids, start, end, superseded=(row.queue_id, row.starts_at))
    clashes = [
        (agent, s, e, b)
        for agent, s, e in spans
        for b in booked
        if b.agent_id == agent and b.start < e and s < b.end
    ]
    if not clashes:
        return
    stmt = select(Agent.id, Agent.username).where(col(Agent.id).in_(sorted({c[0] for c in clashes})))
    names = {int(i or 0): name for i, name in (await uow.session.exec(stmt)).all()}
    tz = zone(row.timezone)
    lines = [
        f"{names.get(agent, agent)} {_span(s, e, tz)} overlaps {_span(b.start, b.end, tz)}"
        f" in published schedule {b.schedule_id} (queue {b.queue_id})"
        for agent, s, e, b in clashes
    ]
    more = f"; and {len(lines) - 5} more" if len(lines) > 5 else ""
    raise ConflictError(
        f"schedule {row.id} would double-book agents: " + "; ".join(lines[:5]) + more, code="double_booked"
    )


def _span(start: datetime, end: datetime, tz: tzinfo) -> str:
    return f"{start.astimezone(tz).isoformat()}/{end.astimezone(tz).isoformat()}"


def _floor(horizon: Horizon, at: datetime) -> int:
    return math.floor((at - horizon.start).total_seconds() / 60)


def _ceil(horizon: Horizon, at: datetime) -> int:
    return math.ceil((at - horizon.start).total_seconds() / 60)


def _subtract(windows: Sequence[tuple[int, int]], cut: tuple[int, int]) -> list[tuple[int, int]]:
    out = []
    for start, end in windows:
        if cut[1] <= start or end <= cut[0]:
            out.append((start, end))
            continue
        if start < cut[0]:
            out.append((start, cut[0]))
        if cut[1] < end:
            out.append((cut[1], end))
    return out


def booked_contract(contract: AgentContract, horizon: Horizon, bookings: Sequence[Booking]) -> AgentContract:
    """The contract left for this horizon once the agent's published shifts elsewhere are taken:
    no shift within the minimum rest of a booked one, and the booked hours and shifts counted
    against each week's limits (the most booked week decides, as the contract has one set)."""
    mine = [b for b in bookings if str(b.agent_id) == contract.agent_id]
    if not mine:
        return contract
    rest = contract.min_rest_minutes
    busy = [(_floor(horizon, b.start) - rest, _ceil(horizon, b.end) + rest) for b in mine]
    base = contract.availability or (TimeWindow(0, horizon.minutes),)
    windows = [(w.start, w.end) for w in base]
    for cut in busy:
        windows = _subtract(windows, cut)
    days_off = frozenset(
        d
        for d in range(horizon.num_days)
        if any(s <= d * MINUTES_PER_DAY and (d + 1) * MINUTES_PER_DAY <= e for s, e in busy)
    )
    weeks: dict[int, tuple[int, int]] = {}
    for b in mine:
        week = _floor(horizon, b.start) // WEEK
        if 0 <= week * WEEK < horizon.minutes:
            minutes, shifts = weeks.get(week, (0, 0))
            weeks[week] = (minutes + b.paid_minutes, shifts + 1)
    minutes, shifts = max(weeks.values(), default=(0, 0))
    # The model caps shifts at 7 - days off within its own horizon; booked shifts count too.
    max_shifts = max(0, min(contract.max_weekly_shifts, 7 - contract.min_days_off) - shifts)
    return replace(
        contract,
        min_weekly_minutes=max(0, contract.min_weekly_minutes - minutes),
        max_weekly_minutes=max(0, contract.max_weekly_minutes - minutes),
        min_weekly_shifts=min(max(0, contract.min_weekly_shifts - shifts), max_shifts),
        max_weekly_shifts=max_shifts,
        unavailable_days=contract.unavailable_days | days_off,
        availability=tuple(TimeWindow(s, e) for s, e in windows if s < e),
    )
