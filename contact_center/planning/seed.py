"""Demo planning history: weeks of offered contacts per queue, written as rows in bulk.

This is the one place rows bypass the service layer. The demo's seed through the services makes a
few hundred interactions, far too few for half-hourly forecasts, and tens of thousands of commands
would take minutes; so this writes `interaction` and `interaction_transition` rows directly, one
transaction per queue and week, with no messages, audit entries or outbox events (nothing live
should react to the past). The rows keep the counting rules (docs/metrics.md): each contact enters its
queue once (`new → queued`) in the interval it is counted in, on the queue's clock; answered ones
go `queued → offered → active → wrap_up → closed`, the handle time being active + wrap-up; a few
abandon. Counts are Poisson around a daily × weekly shape (workforce.forecasting.synthetic), with
a fixed seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import insert
from sqlmodel import col, select

from contact_center.domain.customers import Customer
from contact_center.domain.interactions import Interaction, InteractionTransition
from contact_center.domain.queues import Queue
from contact_center.planning.staff import is_eligible
from contact_center.planning.weeks import WeekGrid, current_monday, local_midnight, zone
from contact_center.storage.uow import UnitOfWork
from workforce.forecasting.synthetic import weekly_mean

# Mean handle time by channel: (talk or active seconds, wrap-up seconds).
HANDLING_S = {"voice": (210.0, 30.0), "chat": (380.0, 40.0), "email": (300.0, 60.0), "sms": (150.0, 20.0)}
ABANDON_SHARE = {"voice": 0.05, "chat": 0.04, "email": 0.0, "sms": 0.0}


@dataclass(frozen=True, slots=True)
class HistoryProfile:
    """Expected offers in the busiest interval of a Monday, split between channels by share."""

    peak: float
    channels: dict[str, float]


DEMO_PROFILES = {
    "support": HistoryProfile(16.0, {"voice": 0.5, "chat": 0.25, "email": 0.15, "sms": 0.1}),
    "sales": HistoryProfile(8.0, {"voice": 0.6, "chat": 0.4}),
    "billing": HistoryProfile(6.0, {"email": 0.7, "sms": 0.3}),
    "vip": HistoryProfile(3.0, {"voice": 0.6, "chat": 0.2, "email": 0.2}),
}


async def seed_history(
    uow_factory: Any,
    *,
    weeks: int = 8,
    seed: int = 2026,
    now: datetime | None = None,
    profiles: dict[str, HistoryProfile] | None = None,
) -> int:
    """Seed `weeks` whole weeks before the current one for each profiled queue that exists;
    returns the number of interactions written. `uow_factory` makes a UnitOfWork."""
    profiles = DEMO_PROFILES if profiles is None else profiles
    rng = np.random.default_rng(seed)
    written = 0
    uow: UnitOfWork = uow_factory()
    async with uow:
        queues = [q for q in await uow.queues.list() if q.name in profiles]
        agents = list(await uow.agents.list())
        stmt = select(Customer.id).where(col(Customer.merged_into_id).is_(None)).limit(500)
        customers = [int(c or 0) for c in (await uow.session.exec(stmt)).all()]
        moment = now or uow.now()
    if not customers:
        return 0
    for queue in queues:
        staff = [a.id or 0 for a in agents if is_eligible(a, queue)] or [a.id or 0 for a in agents]
        tz = zone(queue.timezone)
        first = current_monday(moment, tz) - timedelta(weeks=weeks)
        for week in range(weeks):
            grid = WeekGrid(tz, queue.interval_minutes, first + timedelta(weeks=week), 1)
            rows = _week(grid, queue, profiles[queue.name], rng, customers, staff)
            written += await _write(uow_factory(), rows)
    return written


def _week(
    grid: WeekGrid,
    queue: Queue,
    profile: HistoryProfile,
    rng: np.random.Generator,
    customers: list[int],
    staff: list[int],
) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    mean = weekly_mean(grid.layout, profile.peak)
    out = []
    for channel, share in profile.channels.items():
        counts = rng.poisson(mean * share)
        for index in np.flatnonzero(counts):
            day, slot = divmod(int(index), grid.intervals_per_day)
            wall = local_midnight(grid.first_day + timedelta(days=day), grid.tz)
            for _ in range(int(counts[index])):
                offset = timedelta(
                    minutes=slot * grid.interval_minutes + rng.uniform(0, grid.interval_minutes)
                )
                queued = (wall + offset).astimezone(UTC)
                out.append(_contact(queue, channel, queued, rng, customers, staff))
    return out


def _contact(
    queue: Queue,
    channel: str,
    queued: datetime,
    rng: np.random.Generator,
    customers: list[int],
    staff: list[int],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    row: dict[str, Any] = {
        "channel": channel,
        "direction": "inbound",
        "queue_id": queue.id,
        "priority": queue.priority,
        "required_skills": dict(queue.required_skills),
        "subject": f"{channel} contact",
        "customer_id": customers[int(rng.integers(len(customers)))],
        "created_at": queued,
        "queued_at": queued,
    }
    steps: list[tuple[str, str, datetime, int | None]] = [("new", "queued", queued, None)]
    wait = timedelta(seconds=float(rng.exponential(40.0 if channel in ("voice", "chat") else 900.0)))
    if rng.random() < ABANDON_SHARE[channel]:
        gone = queued + wait
        steps.append(("queued", "abandoned", gone, None))
        row.update(state="abandoned", state_changed_at=gone, closed_at=gone, agent_id=None, answered_at=None)
        return row, _transitions(steps, queue.id or 0)
    agent = staff[int(rng.integers(len(staff)))]
    talk_s, wrap_s = HANDLING_S[channel]
    offered = queued + wait
    active = offered + timedelta(seconds=float(rng.uniform(2, 8)))
    wrap = active + timedelta(seconds=float(rng.gamma(4.0, talk_s / 4.0)))
    closed = wrap + timedelta(seconds=float(rng.gamma(4.0, wrap_s / 4.0)))
    steps += [
        ("queued", "offered", offered, agent),
        ("offered", "active", active, agent),
        ("active", "wrap_up", wrap, agent),
        ("wrap_up", "closed", closed, agent),
    ]
    row.update(state="closed", state_changed_at=closed, closed_at=closed, agent_id=agent, answered_at=active)
    return row, _transitions(steps, queue.id or 0)


def _transitions(steps: list[tuple[str, str, datetime, int | None]], queue_id: int) -> list[dict[str, Any]]:
    return [
        {"from_state": a, "to_state": b, "at": at, "actor": "seed", "agent_id": agent, "queue_id": queue_id}
        for a, b, at, agent in steps
    ]


async def _write(uow: UnitOfWork, contacts: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> int:
    """One transaction: the interactions (ids back in order), then their transitions."""
    if not contacts:
        return 0
    table = Interaction.__table__  # type: ignore[attr-defined]
    async with uow:
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        result = await uow.session.exec(stmt, params=[c for c, _ in contacts])
        ids = [int(r[0]) for r in result.all()]
        transitions = [
            {**t, "interaction_id": iid} for iid, (_, steps) in zip(ids, contacts, strict=True) for t in steps
        ]
        transition_table = InteractionTransition.__table__  # type: ignore[attr-defined]
        await uow.session.exec(insert(transition_table), params=transitions)
        await uow.commit()
    return len(ids)
