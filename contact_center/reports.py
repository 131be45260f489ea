"""Live queue figures for supervisors, per METRICS.md: waiting now, longest wait now, agents by state.

Also registered as the `reports.queue_summary` job, so a worker can compute it in the background.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from contact_center.domain.customers import Customer
from contact_center.domain.enums import InteractionState
from contact_center.domain.interactions import Interaction
from contact_center.domain.queues import Queue
from contact_center.jobs import JobContext, job
from contact_center.storage.uow import UnitOfWork

WAITING_STATES = [InteractionState.QUEUED.value, InteractionState.OFFERED.value]
HANDLING_STATES = [InteractionState.ACTIVE.value, InteractionState.WRAP_UP.value]


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


async def queue_figures(uow: UnitOfWork, now: datetime) -> list[QueueFigures]:
    """Waiting now and longest wait now (max of now − entered) for every queue."""
    stmt = (
        select(Interaction.queue_id, func.count(), func.min(Interaction.queued_at))
        .where(col(Interaction.state).in_(WAITING_STATES))
        .group_by(col(Interaction.queue_id))
    )
    waiting = {row[0]: (row[1], row[2]) for row in (await uow.session.exec(stmt)).all()}
    out = []
    for queue in await uow.queues.list():
        count, oldest = waiting.get(queue.id, (0, None))
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=now.tzinfo)
        longest = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
        out.append(
            QueueFigures(queue.id or 0, queue.name, list(queue.channels), int(count), round(longest, 1))
        )
    return out


async def agents_by_state(uow: UnitOfWork) -> dict[str, int]:
    """Per METRICS.md: an available agent handling at least one interaction counts as busy."""
    handling = set(
        (
            await uow.session.exec(
                select(Interaction.agent_id).where(col(Interaction.state).in_(HANDLING_STATES))
            )
        ).all()
    )
    counts: Counter[str] = Counter()
    for agent in await uow.agents.list():
        if not agent.is_active:
            continue
        state = str(agent.presence)
        counts["busy" if state == "available" and agent.id in handling else state] += 1
    return {state: counts.get(state, 0) for state in ("available", "busy", "wrap_up", "away", "offline")}


async def recent_interactions(uow: UnitOfWork, limit: int = 15) -> list[RecentInteraction]:
    stmt = (
        select(Interaction, Customer.name, Queue.name)
        .join(Customer, col(Customer.id) == col(Interaction.customer_id))
        .outerjoin(Queue, col(Queue.id) == col(Interaction.queue_id))
        .order_by(col(Interaction.id).desc())
        .limit(limit)
    )
    rows = (await uow.session.exec(stmt)).all()
    return [
        RecentInteraction(
            i.id or 0, str(i.channel), str(i.state), qname, cname, i.subject, i.created_at.isoformat()
        )
        for i, cname, qname in rows
    ]


async def dashboard(uow: UnitOfWork) -> dict[str, Any]:
    async with uow:
        now = uow.now()
        return {
            "at": now.isoformat(),
            "queues": [asdict(q) for q in await queue_figures(uow, now)],
            "agents": await agents_by_state(uow),
            "recent": [asdict(r) for r in await recent_interactions(uow)],
        }


@job("reports.queue_summary")
async def queue_summary_job(ctx: JobContext) -> dict[str, Any]:
    return await dashboard(ctx.uow())
