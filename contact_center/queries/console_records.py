"""The records the supervisor's drill-down pages head with: one interaction with the names of its
queue, agent and customer; one customer with their identities and their interactions across
channels (newest first, only those in the reader's view).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.domain.agents import Agent
from contact_center.domain.customers import Customer, CustomerIdentity
from contact_center.domain.interactions import Interaction
from contact_center.domain.queues import Queue
from contact_center.queries.interaction_search import SearchFilters, SearchRow, search
from contact_center.services.policy import Scope

#: A customer page lists this many of their latest interactions (the search pages on from there).
HISTORY_SHOWN = 100


@dataclass(frozen=True, slots=True)
class InteractionHeader:
    id: int
    channel: str
    direction: str
    state: str
    subject: str
    priority: int
    queue_id: int | None
    queue: str | None
    agent_id: int | None
    agent: str | None
    customer_id: int
    customer: str
    wrap_up_code: str | None
    created_at: datetime
    state_changed_at: datetime
    flag_reason: str | None


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    customer: Customer
    #: (kind, address) as stored; the page masks them as the policy says.
    identities: list[CustomerIdentity]
    history: list[SearchRow]


async def interaction_header(session: AsyncSession, interaction_id: int) -> InteractionHeader | None:
    i = Interaction
    stmt: Any = (
        select(
            i,
            col(Queue.name).label("queue"),
            func.coalesce(func.nullif(col(Agent.display_name), ""), col(Agent.username)).label("agent"),
            col(Customer.name).label("customer"),
        )
        .join(Customer, col(Customer.id) == col(i.customer_id))
        .outerjoin(Queue, col(Queue.id) == col(i.queue_id))
        .outerjoin(Agent, col(Agent.id) == col(i.agent_id))
        .where(col(i.id) == interaction_id)
    )
    found = (await session.exec(stmt)).first()
    if found is None:
        return None
    row, queue, agent, customer = found
    return InteractionHeader(
        id=interaction_id,
        channel=str(row.channel),
        direction=str(row.direction),
        state=str(row.state),
        subject=row.subject,
        priority=row.priority,
        queue_id=row.queue_id,
        queue=queue,
        agent_id=row.agent_id,
        agent=agent,
        customer_id=row.customer_id,
        customer=customer or "",
        wrap_up_code=row.wrap_up_code,
        created_at=row.created_at,
        state_changed_at=row.state_changed_at,
        flag_reason=row.flag_reason,
    )


async def customer_record(session: AsyncSession, customer_id: int, scope: Scope) -> CustomerRecord | None:
    customer = await session.get(Customer, customer_id)
    if customer is None:
        return None
    identities = (
        await session.exec(
            select(CustomerIdentity)
            .where(col(CustomerIdentity.customer_id) == customer_id)
            .order_by(col(CustomerIdentity.id))
        )
    ).all()
    history = await search(session, SearchFilters(customer_id=customer_id), scope, limit=HISTORY_SHOWN)
    return CustomerRecord(customer, list(identities), history)
