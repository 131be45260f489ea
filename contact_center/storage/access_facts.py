"""The facts authorisation decides on, read from the database, and the policy's scopes as SQL.

`services/policy/` decides over plain facts; this module reads them (one query per resource)
and turns a `Scope` into a WHERE clause, so a list is scoped before it is paged: a page of
results is a page of what the caller may see, never a page filtered afterwards.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Executable, Result, and_, false, or_, select, true
from sqlalchemy.orm import aliased
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.domain.agents import Agent
from contact_center.domain.customers import Customer
from contact_center.domain.enums import InteractionState
from contact_center.domain.errors import NotFoundError
from contact_center.domain.interactions import Interaction
from contact_center.domain.planning import Schedule
from contact_center.domain.queues import Queue
from contact_center.domain.routing import Offer, OfferState
from contact_center.services.policy import CustomerFacts, InteractionFacts, Scope

OPEN_OFFER = OfferState.OPEN.value


def _open_offers_of(agent_id: int) -> Any:
    return select(col(Offer.interaction_id)).where(
        col(Offer.state) == OPEN_OFFER, col(Offer.agent_id) == agent_id
    )


def _team_queues(team: str) -> Any:
    return select(col(Queue.id)).where(col(Queue.team) == team)


def _team_agents(team: str) -> Any:
    return select(col(Agent.id)).where(col(Agent.team) == team)


async def _execute(session: AsyncSession, stmt: Executable) -> Result[Any]:
    """Core statements (columns, unions) run on the session's connection, in its transaction."""
    return await (await session.connection()).execute(stmt)


def interaction_where(scope: Scope) -> ColumnElement[bool]:
    if scope.everything:
        return true()
    if scope.agent_id is not None:
        return or_(
            col(Interaction.agent_id) == scope.agent_id,
            col(Interaction.id).in_(_open_offers_of(scope.agent_id)),
        )
    if scope.team is not None:
        return or_(
            col(Interaction.queue_id).in_(_team_queues(scope.team)),
            col(Interaction.agent_id).in_(_team_agents(scope.team)),
        )
    return false()


def interaction_walk_where(scope: Scope, dialect: str) -> ColumnElement[bool]:
    """`interaction_where` for a read that walks another index (ids or times, newest first) and
    stops at its first rows. On SQLite a team's queues and agents are plain filters then (`+ 0`
    keeps their indexes out): without statistics SQLite would otherwise gather every row of the
    team's queues and agents by index and sort them all for the first few (a team's share of a
    million interactions: half a second). PostgreSQL's planner chooses for itself."""
    if dialect != "sqlite" or scope.team is None or scope.everything:
        return interaction_where(scope)
    return or_(
        (col(Interaction.queue_id) + 0).in_(_team_queues(scope.team)),
        (col(Interaction.agent_id) + 0).in_(_team_agents(scope.team)),
    )


def customer_where(scope: Scope) -> ColumnElement[bool]:
    """An agent's customers: those they own, and those of interactions assigned or offered to them."""
    if scope.everything:
        return true()
    if scope.agent_id is not None:
        worked = select(col(Interaction.customer_id)).where(interaction_where(scope))
        return or_(col(Customer.owner_agent_id) == scope.agent_id, col(Customer.id).in_(worked))
    return false()


def agent_where(scope: Scope) -> ColumnElement[bool]:
    if scope.everything:
        return true()
    if scope.agent_id is not None:
        return col(Agent.id) == scope.agent_id
    if scope.team is not None:
        return col(Agent.team) == scope.team
    return false()


def queue_where(scope: Scope) -> ColumnElement[bool]:
    if scope.everything:
        return true()
    if scope.team is not None:
        return col(Queue.team) == scope.team
    return false()


async def interaction_facts(session: AsyncSession, interaction_id: int) -> InteractionFacts:
    """One query: the interaction, its queue's team and picking, its agent's team, its open offer."""
    assigned = aliased(Agent)
    stmt = (
        select(
            col(Interaction.state),
            col(Interaction.agent_id),
            col(Offer.agent_id),
            col(Queue.team),
            col(Queue.allow_picking),
            col(assigned.team),
        )
        .select_from(Interaction)
        .outerjoin(Queue, col(Queue.id) == col(Interaction.queue_id))
        .outerjoin(assigned, col(assigned.id) == col(Interaction.agent_id))
        .outerjoin(
            Offer, and_(col(Offer.interaction_id) == col(Interaction.id), col(Offer.state) == OPEN_OFFER)
        )
        .where(col(Interaction.id) == interaction_id)
    )
    row = (await _execute(session, stmt)).first()
    if row is None:
        raise NotFoundError(f"interaction {interaction_id} not found")
    state, agent_id, offered_to, queue_team, picking, agent_team = tuple(row)
    return InteractionFacts(
        state=InteractionState(state),
        agent_id=agent_id,
        offered_to=offered_to,
        queue_team=queue_team,
        agent_team=agent_team,
        queue_allows_picking=bool(picking),
    )


async def customer_facts(session: AsyncSession, customer_id: int) -> CustomerFacts:
    owner = (
        await _execute(session, select(col(Customer.owner_agent_id)).where(col(Customer.id) == customer_id))
    ).first()
    if owner is None:
        raise NotFoundError(f"customer {customer_id} not found")
    of_customer = select(col(Interaction.id)).where(col(Interaction.customer_id) == customer_id)
    assigned = select(col(Interaction.agent_id)).where(
        col(Interaction.customer_id) == customer_id, col(Interaction.agent_id).is_not(None)
    )
    offered = select(col(Offer.agent_id)).where(
        col(Offer.state) == OPEN_OFFER, col(Offer.interaction_id).in_(of_customer)
    )
    handled = (await _execute(session, assigned.union(offered))).scalars().all()
    return CustomerFacts(
        owner_agent_id=owner[0], handled_by=frozenset(int(a) for a in handled if a is not None)
    )


async def agent_team(session: AsyncSession, agent_id: int) -> str | None:
    row = (await _execute(session, select(col(Agent.team)).where(col(Agent.id) == agent_id))).first()
    if row is None:
        raise NotFoundError(f"agent {agent_id} not found")
    team: str | None = row[0]
    return team


async def queue_team(session: AsyncSession, queue_id: int) -> str | None:
    row = (await _execute(session, select(col(Queue.team)).where(col(Queue.id) == queue_id))).first()
    if row is None:
        raise NotFoundError(f"queue {queue_id} not found")
    team: str | None = row[0]
    return team


async def queue_team_named(session: AsyncSession, name: str) -> str | None:
    row = (await _execute(session, select(col(Queue.team)).where(col(Queue.name) == name))).first()
    if row is None:
        raise NotFoundError(f"queue {name!r} not found")
    team: str | None = row[0]
    return team


async def schedule_queue(session: AsyncSession, schedule_id: int) -> int:
    row = (
        await _execute(session, select(col(Schedule.queue_id)).where(col(Schedule.id) == schedule_id))
    ).first()
    if row is None:
        raise NotFoundError(f"schedule {schedule_id} not found")
    return int(row[0])
