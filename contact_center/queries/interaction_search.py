"""The supervisor's search over every interaction in view: filters, pages newest first, and every
row of a result in batches (the CSV export streams them, never holding the result in memory).

Each filter is one indexed predicate (migration 0020), so a search with any single filter stays
fast at a million interactions (bench/console_queries.py). The customer filter matches a name by
its beginning, case folded (an index can answer that; "contains" would read every customer), or a
phone number or email address exactly as stored (E.164, lower case), the way customers are found.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, select, tuple_, union
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.domain.agents import Agent
from contact_center.domain.customers import Customer, CustomerIdentity
from contact_center.domain.enums import Channel, InteractionState
from contact_center.domain.errors import InvalidInputError
from contact_center.domain.identity import normalise_email, normalise_phone
from contact_center.domain.interactions import Interaction
from contact_center.domain.queues import Queue
from contact_center.services.policy import Scope
from contact_center.storage.access_facts import interaction_walk_where

#: Rows read per statement while a whole result is streamed.
EXPORT_BATCH = 1000
#: Up to this many customers matching a name, their interactions are found by the customer index
#: and sorted (some 8,000 rows at most); beyond it, walked newest first (`customer_match`).
FEW_CUSTOMERS = 2000


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """What a search narrows by; None (or empty text) leaves a filter out."""

    channel: Channel | None = None
    queue_id: int | None = None
    state: InteractionState | None = None
    #: A customer's name (its beginning), phone number or email address.
    customer: str = ""
    customer_id: int | None = None
    agent_id: int | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    wrap_up_code: str | None = None
    #: The region national phone numbers are read in (settings: `default_region`).
    region: str = "US"


@dataclass(frozen=True, slots=True)
class SearchRow:
    id: int
    created_at: datetime
    channel: str
    state: str
    queue_id: int | None
    queue: str | None
    customer_id: int
    customer: str
    agent_id: int | None
    agent: str | None
    wrap_up_code: str | None
    subject: str


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _addresses(text: str, region: str) -> list[str]:
    """The stored forms the text could be: an email address, a phone number (both tried)."""
    found: list[str] = []
    for normalise in (normalise_email, lambda raw: normalise_phone(raw, region)):
        try:
            found.append(normalise(text))
        except InvalidInputError:
            continue
    return found


def name_begins(text: str, dialect: str) -> ColumnElement[bool]:
    """Customers whose name begins with `text`, case folded by the database's own lower(), read
    from the lower(name) index of migration 0020: PostgreSQL by `LIKE 'x%'` (the index keeps
    `text_pattern_ops`), SQLite by a range (its LIKE uses no expression index; U+10FFFF sorts
    after every character in its byte order)."""
    folded = func.lower(col(Customer.name))
    if dialect == "postgresql":
        # Written into the statement, not bound: a prepared statement's generic plan cannot use
        # the index for a LIKE whose pattern it does not know (it read all 250,000 customers).
        pattern: Any = bindparam("name_prefix", _like_prefix(text), literal_execute=True)
        return folded.like(func.lower(pattern), escape="\\")
    low = func.lower(text)
    return and_(folded >= low, folded < low + "\U0010ffff")


def customer_match(text: str, region: str, dialect: str, found: Sequence[int] | None) -> ColumnElement[bool]:
    """Interactions of the customers `matching_customers` found; None: too many to list, so the
    interactions are walked newest first and each checked against the customers whose name
    begins with `text` or who own it as an address (on SQLite `+ 0` keeps the customer index out;
    PostgreSQL's planner, which has statistics, chooses the walk itself)."""
    if found is not None:
        return col(Interaction.customer_id).in_(found)
    matches: Any = select(col(Customer.id)).where(name_begins(text, dialect))
    addresses = _addresses(text, region)
    if addresses:
        owners = select(col(CustomerIdentity.customer_id)).where(col(CustomerIdentity.address).in_(addresses))
        matches = union(matches, owners)
    customer = col(Interaction.customer_id) + 0 if dialect == "sqlite" else col(Interaction.customer_id)
    return customer.in_(matches)


async def matching_customers(session: AsyncSession, filters: SearchFilters, dialect: str) -> list[int] | None:
    """The customers the customer filter names, when they are few (up to `FEW_CUSTOMERS` by name,
    plus the owners of the text as an address); None when more names match. A short list lets
    both databases find the interactions by the customer index and sort a few thousand rows;
    left as a subquery, PostgreSQL walked 75,000 interactions for "Smith J" (750 ms)."""
    connection = await session.connection()
    names = select(col(Customer.id)).where(name_begins(filters.customer, dialect)).limit(FEW_CUSTOMERS + 1)
    found = [int(f) for f in (await connection.execute(names)).scalars() if f is not None]
    if len(found) > FEW_CUSTOMERS:
        return None
    addresses = _addresses(filters.customer, filters.region)
    if addresses:
        owners = select(col(CustomerIdentity.customer_id)).where(col(CustomerIdentity.address).in_(addresses))
        found += [int(f) for f in (await connection.execute(owners)).scalars()]
    return sorted(set(found))


def _where(
    filters: SearchFilters, scope: Scope, dialect: str, customers: Sequence[int] | None
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [interaction_walk_where(scope, dialect)]
    equal = {
        col(Interaction.channel): filters.channel.value if filters.channel else None,
        col(Interaction.queue_id): filters.queue_id,
        col(Interaction.state): filters.state.value if filters.state else None,
        col(Interaction.agent_id): filters.agent_id,
        col(Interaction.customer_id): filters.customer_id,
        col(Interaction.wrap_up_code): filters.wrap_up_code,
    }
    where += [column == value for column, value in equal.items() if value is not None]
    if filters.customer:
        where.append(customer_match(filters.customer, filters.region, dialect, customers))
    if filters.created_after is not None:
        where.append(col(Interaction.created_at) >= filters.created_after)
    if filters.created_before is not None:
        where.append(col(Interaction.created_at) < filters.created_before)
    return where


def _statement(
    filters: SearchFilters,
    scope: Scope,
    dialect: str,
    before_id: int | None,
    customers: Sequence[int] | None = None,
) -> Any:
    i = Interaction
    stmt: Any = (
        select(
            col(i.id),
            col(i.created_at),
            col(i.channel),
            col(i.state),
            col(i.queue_id),
            col(Queue.name).label("queue"),
            col(i.customer_id),
            col(Customer.name).label("customer"),
            col(i.agent_id),
            func.coalesce(func.nullif(col(Agent.display_name), ""), col(Agent.username)).label("agent"),
            col(i.wrap_up_code),
            col(i.subject),
        )
        .join(Customer, col(Customer.id) == col(i.customer_id))
        .outerjoin(Queue, col(Queue.id) == col(i.queue_id))
        .outerjoin(Agent, col(Agent.id) == col(i.agent_id))
        .where(*_where(filters, scope, dialect, customers))
    )
    if filters.created_after is None and filters.created_before is None:
        if before_id is not None:
            stmt = stmt.where(col(i.id) < before_id)
        return stmt.order_by(col(i.id).desc())
    # A date range walks the created_at index newest first (ids follow creation, so the order is
    # the same): by id, SQLite would sort a whole wide range, or walk every newer id to reach an
    # old one. The cursor stays an id: the page goes on below that interaction's (time, id).
    if before_id is not None:
        cursor_at = select(col(i.created_at)).where(col(i.id) == before_id).scalar_subquery()
        stmt = stmt.where(tuple_(col(i.created_at), col(i.id)) < tuple_(cursor_at, before_id))
    return stmt.order_by(col(i.created_at).desc(), col(i.id).desc())


def _row(found: Any) -> SearchRow:
    return SearchRow(
        id=found.id,
        created_at=found.created_at,
        channel=str(found.channel),
        state=str(found.state),
        queue_id=found.queue_id,
        queue=found.queue,
        customer_id=found.customer_id,
        customer=found.customer or "",
        agent_id=found.agent_id,
        agent=found.agent,
        wrap_up_code=found.wrap_up_code,
        subject=found.subject or "",
    )


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def search(
    session: AsyncSession, filters: SearchFilters, scope: Scope, *, limit: int, before_id: int | None = None
) -> list[SearchRow]:
    """One page, newest first; `before_id` (the last id of the page before) is the cursor."""
    dialect = _dialect(session)
    customers = await matching_customers(session, filters, dialect) if filters.customer else None
    stmt = _statement(filters, scope, dialect, before_id, customers).limit(limit)
    result = await (await session.connection()).execute(stmt)
    return [_row(r) for r in result.all()]


async def every_row(
    session: AsyncSession, filters: SearchFilters, scope: Scope, *, batch: int = EXPORT_BATCH
) -> AsyncIterator[SearchRow]:
    """The whole result, newest first, read a batch at a time (each a fast keyset page)."""
    before: int | None = None
    while True:
        rows = await search(session, filters, scope, limit=batch, before_id=before)
        for found in rows:
            yield found
        if len(rows) < batch:
            return
        before = rows[-1].id
