"""One queue as a supervisor watches it: who waits (how long, on which channel, offered to whom)
and who is being served (by whom, since when).

Two statements, each answered from the (queue_id, state) index of migration 0020 however many
closed interactions the queue holds (bench/console_queries.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.domain.agents import Agent
from contact_center.domain.customers import Customer
from contact_center.domain.enums import InteractionState
from contact_center.domain.interactions import Interaction
from contact_center.domain.routing import Offer, OfferState
from contact_center.domain.states import WAITING

#: Served now: taken by an agent and not yet done.
SERVED = (InteractionState.ACTIVE, InteractionState.WRAP_UP, InteractionState.PENDING)
#: More than a floor should ever show on one page; the rest are counted, not listed.
LISTED = 200


@dataclass(frozen=True, slots=True)
class WaitingRow:
    id: int
    channel: str
    state: str
    customer_id: int
    customer: str
    priority: int
    #: When it (last) entered the queue; the wait so far is now minus this.
    queued_at: datetime | None
    offered_to: str | None


@dataclass(frozen=True, slots=True)
class ServedRow:
    id: int
    channel: str
    state: str
    customer_id: int
    customer: str
    agent_id: int | None
    agent: str | None
    since: datetime


@dataclass(frozen=True, slots=True)
class QueueLive:
    waiting: list[WaitingRow]
    served: list[ServedRow]


def _agent_name(agent: Any) -> Any:
    return func.coalesce(func.nullif(agent.display_name, ""), agent.username)


def _open_in(queue_id: int, states: Iterable[InteractionState], *columns: Any) -> Any:
    """The queue's interactions in `states`, with what both lists show and `columns` besides."""
    i = Interaction
    return (
        select(
            col(i.id),
            col(i.channel),
            col(i.state),
            col(i.customer_id),
            col(Customer.name).label("customer"),
            *columns,
        )
        .join(Customer, col(Customer.id) == col(i.customer_id))
        .where(col(i.queue_id) == queue_id, col(i.state).in_([s.value for s in states]))
        .limit(LISTED)
    )


async def waiting_in(session: AsyncSession, queue_id: int) -> list[WaitingRow]:
    """Longest waiting first, as the router takes them (priority aside)."""
    offered = aliased(Agent)
    i = Interaction
    open_offer = and_(col(Offer.interaction_id) == col(i.id), col(Offer.state) == OfferState.OPEN.value)
    stmt = (
        _open_in(
            queue_id, WAITING, col(i.priority), col(i.queued_at), _agent_name(offered).label("offered_to")
        )
        .outerjoin(Offer, open_offer)
        .outerjoin(offered, col(offered.id) == col(Offer.agent_id))
        .order_by(col(i.queued_at), col(i.id))
    )
    result = await (await session.connection()).execute(stmt)
    return [
        WaitingRow(
            id=r.id,
            channel=str(r.channel),
            state=str(r.state),
            customer_id=r.customer_id,
            customer=r.customer or "",
            priority=r.priority,
            queued_at=r.queued_at,
            offered_to=r.offered_to,
        )
        for r in result.all()
    ]


async def served_in(session: AsyncSession, queue_id: int) -> list[ServedRow]:
    i = Interaction
    stmt = (
        _open_in(
            queue_id, SERVED, col(i.agent_id), _agent_name(Agent).label("agent"), col(i.state_changed_at)
        )
        .outerjoin(Agent, col(Agent.id) == col(i.agent_id))
        .order_by(col(i.state_changed_at), col(i.id))
    )
    result = await (await session.connection()).execute(stmt)
    return [
        ServedRow(
            id=r.id,
            channel=str(r.channel),
            state=str(r.state),
            customer_id=r.customer_id,
            customer=r.customer or "",
            agent_id=r.agent_id,
            agent=r.agent,
            since=r.state_changed_at,
        )
        for r in result.all()
    ]


async def queue_live(session: AsyncSession, queue_id: int) -> QueueLive:
    return QueueLive(await waiting_in(session, queue_id), await served_in(session, queue_id))
