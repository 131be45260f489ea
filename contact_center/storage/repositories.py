"""Repositories: the queries the services need, one class per aggregate, over one session.

They never commit; the unit of work does. Lookups by id raise `NotFoundError`, so a handler can
assume what it holds exists.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.domain.agents import Agent, ApiToken
from contact_center.domain.customers import Customer, CustomerIdentity
from contact_center.domain.enums import Channel, InteractionState
from contact_center.domain.errors import NotFoundError
from contact_center.domain.identity import Address
from contact_center.domain.interactions import Interaction, InteractionTransition, Message
from contact_center.domain.queues import Queue
from contact_center.domain.states import HANDLING, OPEN
from contact_center.domain.work import FollowUpTask, Note, SatisfactionScore

PHONE_PUNCTUATION = frozenset("+-(). ")


class _Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _one(self, stmt: Select[Any], what: str) -> Any:
        row = (await self.session.exec(stmt)).first()  # type: ignore[call-overload]
        if row is None:
            raise NotFoundError(f"{what} not found")
        return row

    async def added(self, row: Any) -> Any:
        self.session.add(row)
        await self.session.flush()
        return row


class CustomerRepository(_Repository):
    async def get(self, customer_id: int, *, follow_merge: bool = False) -> Customer:
        customer: Customer = await self._one(
            select(Customer).where(Customer.id == customer_id), f"customer {customer_id}"
        )
        while follow_merge and customer.merged_into_id is not None:
            customer = await self.get(customer.merged_into_id)
        return customer

    async def by_address(self, address: Address) -> Customer | None:
        stmt = select(CustomerIdentity).where(
            CustomerIdentity.kind == address.kind, CustomerIdentity.address == address.value
        )
        identity = (await self.session.exec(stmt)).first()
        if identity is None:
            return None
        return await self.get(identity.customer_id, follow_merge=True)

    async def identities(self, customer_id: int) -> Sequence[CustomerIdentity]:
        stmt = select(CustomerIdentity).where(CustomerIdentity.customer_id == customer_id)
        return (await self.session.exec(stmt.order_by(col(CustomerIdentity.id)))).all()

    async def add_identity(self, customer_id: int, address: Address, at: datetime) -> CustomerIdentity:
        identity = CustomerIdentity(
            customer_id=customer_id, kind=address.kind, address=address.value, created_at=at
        )
        result: CustomerIdentity = await self.added(identity)
        return result

    async def search(
        self,
        query: str,
        *,
        limit: int,
        after_id: int | None = None,
        scope: ColumnElement[bool] | None = None,
    ) -> Sequence[Customer]:
        """Substring match on name, company, phone or email; works for Chinese names as for Latin.

        `scope` (`storage/access_facts.py`) limits the rows to those the caller may see."""
        needle = query.strip().lower()
        # Digits are matched against phone numbers only when the query is written like one
        # ("(415) 555-01"), never pulled out of a name or an email that happens to hold some.
        looks_like_phone = all(ch.isdigit() or ch in PHONE_PUNCTUATION for ch in needle)
        digits = "".join(ch for ch in needle if ch.isdigit()) if looks_like_phone else ""
        identity_match = col(CustomerIdentity.address).contains(needle, autoescape=True)
        if len(digits) >= 3:
            identity_match = or_(
                identity_match, col(CustomerIdentity.address).contains(digits, autoescape=True)
            )
        via_identity = select(CustomerIdentity.customer_id).where(identity_match)
        stmt = select(Customer).where(
            col(Customer.merged_into_id).is_(None),
            col(Customer.erased_at).is_(None),
            or_(
                col(Customer.name).icontains(needle, autoescape=True),
                col(Customer.company).icontains(needle, autoescape=True),
                col(Customer.id).in_(via_identity),
            ),
        )
        if after_id is not None:
            stmt = stmt.where(col(Customer.id) > after_id)
        if scope is not None:
            stmt = stmt.where(scope)
        return (await self.session.exec(stmt.order_by(col(Customer.id)).limit(limit))).all()

    async def list(
        self, *, limit: int, after_id: int | None = None, scope: ColumnElement[bool] | None = None
    ) -> Sequence[Customer]:
        stmt = select(Customer).where(
            col(Customer.merged_into_id).is_(None), col(Customer.erased_at).is_(None)
        )
        if scope is not None:
            stmt = stmt.where(scope)
        if after_id is not None:
            stmt = stmt.where(col(Customer.id) > after_id)
        return (await self.session.exec(stmt.order_by(col(Customer.id)).limit(limit))).all()

    async def move_history(self, from_id: int, to_id: int) -> None:
        """Every identity, interaction, note, task and score of one customer now belongs to another."""
        for table in (CustomerIdentity, Interaction, Note, FollowUpTask, SatisfactionScore):
            stmt = update(table).where(col(table.customer_id) == from_id).values(customer_id=to_id)
            await self.session.exec(stmt)


class InteractionRepository(_Repository):
    async def get(self, interaction_id: int, *, for_update: bool = False) -> Interaction:
        stmt = select(Interaction).where(Interaction.id == interaction_id)
        if for_update:
            stmt = stmt.with_for_update()
        result: Interaction = await self._one(stmt, f"interaction {interaction_id}")
        return result

    async def lock(self, interaction_ids: Collection[int]) -> None:
        """Lock these interactions' rows, in id order, before anything else of the transaction.
        Transactions that change several interactions and then agents (a router pass, a batch of
        accepts) all take them so: none can hold an interaction another waits for while waiting
        for an agent row that one holds (PostgreSQL broke such a deadlock by failing an accept)."""
        if interaction_ids:
            ids = sorted(set(interaction_ids))
            stmt = (
                select(Interaction.id)
                .where(col(Interaction.id).in_(ids))
                .order_by(col(Interaction.id))
                .with_for_update()
            )
            await self.session.exec(stmt)

    async def open_thread(self, customer_id: int, channel: Channel) -> Interaction | None:
        """The customer's latest open interaction on this channel: a reply continues it."""
        stmt = (
            select(Interaction)
            .where(
                Interaction.customer_id == customer_id,
                Interaction.channel == channel,
                col(Interaction.state).in_([s.value for s in OPEN]),
            )
            .order_by(col(Interaction.id).desc())
            .limit(1)
        )
        return (await self.session.exec(stmt)).first()

    async def list(
        self,
        *,
        limit: int,
        before_id: int | None = None,
        state: InteractionState | None = None,
        channel: Channel | None = None,
        queue_id: int | None = None,
        customer_id: int | None = None,
        agent_id: int | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        scope: ColumnElement[bool] | None = None,
    ) -> Sequence[Interaction]:
        """Newest first; `before_id` is the cursor, stable while new rows arrive."""
        stmt = select(Interaction)
        if scope is not None:
            stmt = stmt.where(scope)
        filters = {
            Interaction.state: state,
            Interaction.channel: channel,
            Interaction.queue_id: queue_id,
            Interaction.customer_id: customer_id,
            Interaction.agent_id: agent_id,
        }
        for column, value in filters.items():
            if value is not None:
                stmt = stmt.where(column == value)
        if created_after is not None:
            stmt = stmt.where(col(Interaction.created_at) >= created_after)
        if created_before is not None:
            stmt = stmt.where(col(Interaction.created_at) < created_before)
        if before_id is not None:
            stmt = stmt.where(col(Interaction.id) < before_id)
        return (await self.session.exec(stmt.order_by(col(Interaction.id).desc()).limit(limit))).all()

    async def transitions(self, interaction_id: int) -> Sequence[InteractionTransition]:
        stmt = select(InteractionTransition).where(InteractionTransition.interaction_id == interaction_id)
        return (await self.session.exec(stmt.order_by(col(InteractionTransition.id)))).all()

    async def for_customer(
        self, customer_id: int, *, scope: ColumnElement[bool] | None = None
    ) -> Sequence[Interaction]:
        stmt = select(Interaction).where(Interaction.customer_id == customer_id)
        if scope is not None:
            stmt = stmt.where(scope)
        return (await self.session.exec(stmt.order_by(col(Interaction.id)))).all()

    async def handling(
        self, agent_id: int | None = None, *, agents: Collection[int] | None = None
    ) -> Sequence[tuple[int, Channel]]:
        """(agent, channel) for each interaction an agent (any, this one, or these) is handling now."""
        stmt = select(Interaction.agent_id, Interaction.channel).where(
            col(Interaction.state).in_([s.value for s in HANDLING]), col(Interaction.agent_id).is_not(None)
        )
        if agent_id is not None:
            stmt = stmt.where(Interaction.agent_id == agent_id)
        if agents is not None:
            stmt = stmt.where(col(Interaction.agent_id).in_(list(agents)))
        return [(aid or 0, Channel(channel)) for aid, channel in (await self.session.exec(stmt)).all()]


class MessageRepository(_Repository):
    async def by_provider_id(self, channel: Channel, provider_message_id: str) -> Message | None:
        stmt = select(Message).where(
            Message.channel == channel, Message.provider_message_id == provider_message_id
        )
        return (await self.session.exec(stmt)).first()

    async def get(self, message_id: int) -> Message:
        stmt = select(Message).where(Message.id == message_id)
        result: Message = await self._one(stmt, f"message {message_id}")
        return result

    async def for_interaction(
        self, interaction_id: int, *, after: int | None = None, limit: int | None = None
    ) -> Sequence[Message]:
        """Oldest first; `after` a message id (ids are the conversation's sequence numbers)."""
        stmt = select(Message).where(Message.interaction_id == interaction_id)
        if after is not None:
            stmt = stmt.where(col(Message.id) > after)
        stmt = stmt.order_by(col(Message.id))
        if limit is not None:
            stmt = stmt.limit(limit)
        return (await self.session.exec(stmt)).all()


class AgentRepository(_Repository):
    async def get(self, agent_id: int) -> Agent:
        result: Agent = await self._one(select(Agent).where(Agent.id == agent_id), f"agent {agent_id}")
        return result

    async def by_ids(self, agent_ids: Collection[int]) -> dict[int, Agent]:
        """The agents of `agent_ids` that exist, by id, in one read."""
        if not agent_ids:
            return {}
        stmt = select(Agent).where(col(Agent.id).in_(sorted(agent_ids)))
        return {a.id or 0: a for a in (await self.session.exec(stmt)).all()}

    async def by_username(self, username: str) -> Agent | None:
        return (await self.session.exec(select(Agent).where(Agent.username == username))).first()

    async def list(self) -> Sequence[Agent]:
        return (await self.session.exec(select(Agent).order_by(col(Agent.id)))).all()

    async def revoke_tokens(self, agent_id: int, token_hash: str | None) -> int:
        """Mark the agent's live tokens (or the one with `token_hash`) revoked; returns how many."""
        stmt = update(ApiToken).where(col(ApiToken.agent_id) == agent_id, col(ApiToken.revoked).is_(False))
        if token_hash is not None:
            stmt = stmt.where(col(ApiToken.token_hash) == token_hash)
        result = await self.session.exec(stmt.values(revoked=True))
        return int(result.rowcount)

    async def token_seen(self, token_id: int, at: datetime) -> None:
        """Note a token's use; never moves it back (two web processes may write out of order)."""
        seen = col(ApiToken.last_seen_at)
        stmt = update(ApiToken).where(col(ApiToken.id) == token_id, or_(seen.is_(None), seen < at))
        await self.session.exec(stmt.values(last_seen_at=at))

    async def by_token_hash(self, token_hash: str) -> tuple[ApiToken, Agent] | None:
        stmt = (
            select(ApiToken, Agent)
            .join(Agent, col(Agent.id) == col(ApiToken.agent_id))
            .where(ApiToken.token_hash == token_hash)
        )
        row = (await self.session.exec(stmt)).first()
        return None if row is None else (row[0], row[1])


class QueueRepository(_Repository):
    async def get(self, queue_id: int) -> Queue:
        result: Queue = await self._one(select(Queue).where(Queue.id == queue_id), f"queue {queue_id}")
        return result

    async def by_name(self, name: str) -> Queue | None:
        return (await self.session.exec(select(Queue).where(Queue.name == name))).first()

    async def named(self, name: str) -> Queue:
        queue = await self.by_name(name)
        if queue is None:
            raise NotFoundError(f"queue {name!r} not found")
        return queue

    async def list(self) -> Sequence[Queue]:
        return (await self.session.exec(select(Queue).order_by(col(Queue.id)))).all()

    async def for_channel(self, channel: Channel) -> Queue | None:
        """The first queue that serves a channel: where an inbound contact lands by default."""
        for queue in await self.list():
            if channel.value in queue.channels:
                return queue
        return None
