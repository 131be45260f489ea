"""Live queue figures for supervisors, per docs/metrics.md: waiting now, longest wait now, agents by state.

Read by the supervisor page (first render and websocket pushes), `/api/v1/dashboard`,
`/api/v1/queues`, `contact-center queues list` and the `reports.queue_summary` job, so they all
show the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from contact_center.domain.agents import Agent
from contact_center.domain.customers import Customer
from contact_center.domain.interactions import Interaction
from contact_center.domain.queues import Queue
from contact_center.domain.states import WAITING
from contact_center.queries.floor import Floor, floor
from contact_center.services.policy import DashboardView, Scope
from contact_center.storage.access_facts import interaction_walk_where
from contact_center.storage.uow import UnitOfWork

EVERYONE = DashboardView()
#: The most flagged interactions listed; more than a floor should ever have at once.
FLAGGED_LISTED = 50


@dataclass(frozen=True, slots=True)
class QueueFigures:
    queue_id: int
    name: str
    channels: list[str]
    waiting: int
    longest_wait_s: float


@dataclass(frozen=True, slots=True)
class RecentInteraction:
    id: int
    channel: str
    state: str
    queue: str | None
    customer: str
    subject: str
    created_at: str
    flag_reason: str | None = None


@dataclass(frozen=True, slots=True)
class FlaggedInteraction:
    """An interaction flagged to a supervisor and not taken on since (docs/agent-desk.md)."""

    id: int
    channel: str
    state: str
    queue: str | None
    agent: str | None
    customer: str
    reason: str
    flagged_at: str


async def queue_figures(
    uow: UnitOfWork, now: datetime, *, team: str | None = None, queues: Sequence[Queue] | None = None
) -> list[QueueFigures]:
    """Waiting now and longest wait now (max of now − entered) for every queue (of `team`);
    `queues`: the queues, when the caller has read them already."""
    stmt = (
        select(Interaction.queue_id, func.count(), func.min(Interaction.queued_at))
        .where(col(Interaction.state).in_([s.value for s in WAITING]))
        .group_by(col(Interaction.queue_id))
    )
    waiting = {row[0]: (row[1], row[2]) for row in (await uow.session.exec(stmt)).all()}
    out = []
    for queue in queues if queues is not None else await uow.queues.list():
        if team is not None and queue.team != team:
            continue
        count, oldest = waiting.get(queue.id, (0, None))
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=now.tzinfo)
        longest = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
        out.append(
            QueueFigures(queue.id or 0, queue.name, list(queue.channels), int(count), round(longest, 1))
        )
    return out


async def agents_by_state(uow: UnitOfWork, *, team: str | None = None) -> dict[str, int]:
    """Per docs/metrics.md: an available agent handling at least one interaction counts as busy."""
    return (await floor(uow)).by_state(team)


def _dialect(uow: UnitOfWork) -> str:
    return uow.session.get_bind().dialect.name


async def recent_interactions(
    uow: UnitOfWork, limit: int = 15, *, team: str | None = None
) -> list[RecentInteraction]:
    scope = Scope(everything=team is None, team=team)
    stmt = (
        select(Interaction, Customer.name, Queue.name)
        .join(Customer, col(Customer.id) == col(Interaction.customer_id))
        .outerjoin(Queue, col(Queue.id) == col(Interaction.queue_id))
        .where(interaction_walk_where(scope, _dialect(uow)))
        .order_by(col(Interaction.id).desc())
        .limit(limit)
    )
    rows = (await uow.session.exec(stmt)).all()
    return [
        RecentInteraction(
            i.id or 0,
            str(i.channel),
            str(i.state),
            qname,
            cname,
            i.subject,
            i.created_at.isoformat(),
            i.flag_reason if i.flagged_at is not None else None,
        )
        for i, cname, qname in rows
    ]


async def flagged_interactions(uow: UnitOfWork, *, team: str | None = None) -> list[FlaggedInteraction]:
    """The interactions flagged now (of `team`'s queues and agents), the longest flagged first."""
    scope = Scope(everything=team is None, team=team)
    agent_name = func.coalesce(func.nullif(col(Agent.display_name), ""), col(Agent.username))
    stmt = (
        select(Interaction, Customer.name, Queue.name, agent_name)
        .join(Customer, col(Customer.id) == col(Interaction.customer_id))
        .outerjoin(Queue, col(Queue.id) == col(Interaction.queue_id))
        .outerjoin(Agent, col(Agent.id) == col(Interaction.agent_id))
        .where(col(Interaction.flagged_at).is_not(None), interaction_walk_where(scope, _dialect(uow)))
        .order_by(col(Interaction.flagged_at), col(Interaction.id))
        .limit(FLAGGED_LISTED)
    )
    return [
        FlaggedInteraction(
            i.id or 0,
            str(i.channel),
            str(i.state),
            qname,
            agent,
            cname,
            i.flag_reason or "",
            i.flagged_at.isoformat() if i.flagged_at is not None else "",
        )
        for i, cname, qname, agent in (await uow.session.exec(stmt)).all()
    ]


async def dashboard(uow: UnitOfWork, view: DashboardView = EVERYONE) -> dict[str, Any]:
    """Everything the supervisor page's lists show, as JSON-ready values, read in one unit of
    work, for one view (`policy.dashboard_view`): a team's figures, with or without the latest
    contacts."""
    async with uow:
        now = uow.now()
        live = await queue_figures(uow, now, team=view.team)
        return await dashboard_from(uow, view, now, live, await floor(uow))


async def dashboard_from(
    uow: UnitOfWork, view: DashboardView, now: datetime, live: Sequence[QueueFigures], agents: Floor
) -> dict[str, Any]:
    """`dashboard` from live figures and agents already read (the console reads them once for
    this and its tiles); reads the latest and flagged contacts (inside an open unit of work)."""
    recent = await recent_interactions(uow, team=view.team) if view.with_contacts else []
    flagged = await flagged_interactions(uow, team=view.team) if view.with_contacts else []
    return dashboard_payload(view, now, live, agents, recent, flagged)


def dashboard_payload(
    view: DashboardView,
    now: datetime,
    live: Sequence[QueueFigures],
    agents: Floor,
    recent: Sequence[RecentInteraction],
    flagged: Sequence[FlaggedInteraction],
) -> dict[str, Any]:
    """The dashboard's JSON from figures and lists in hand (the console's hub keeps the lists
    between its reads)."""
    return {
        "at": now.isoformat(),
        "queues": [asdict(q) for q in live],
        "agents": agents.by_state(view.team),
        "recent": [asdict(r) for r in recent],
        "flagged": [asdict(f) for f in flagged],
    }
