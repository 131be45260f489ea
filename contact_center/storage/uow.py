"""The unit of work: one transaction holding a command's rows, its audit entries and its events.

Either everything a command changed commits together with the outbox rows of its events, or
nothing does. After a commit that emitted events, `after_commit` hands them, with their outbox ids,
to the outbox dispatcher.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.domain.audit import AuditEntry
from contact_center.domain.events import Event
from contact_center.privacy.sealing import sealed_changes
from contact_center.storage import idempotency
from contact_center.storage.customer_keys import CustomerKeys
from contact_center.storage.outbox import OutboxEvent
from contact_center.storage.repositories import (
    AgentRepository,
    CustomerRepository,
    InteractionRepository,
    MessageRepository,
    QueueRepository,
)

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


class UnitOfWork:
    session: AsyncSession
    customers: CustomerRepository
    interactions: InteractionRepository
    messages: MessageRepository
    agents: AgentRepository
    queues: QueueRepository
    keys: CustomerKeys

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        clock: Clock = system_clock,
        after_commit: Callable[[list[tuple[int, Event]]], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._after_commit = after_commit
        self._committed = False
        self.events: list[Event] = []
        self._outbox: list[tuple[OutboxEvent, Event]] = []
        #: Events written with Core statements (set-wise paths), with their outbox ids.
        self._written: list[tuple[int, Event]] = []

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._sessions()
        self.customers = CustomerRepository(self.session)
        self.interactions = InteractionRepository(self.session)
        self.messages = MessageRepository(self.session)
        self.agents = AgentRepository(self.session)
        self.queues = QueueRepository(self.session)
        self.keys = CustomerKeys(self.session)
        self._committed = False
        self.events = []
        self._outbox = []
        self._written = []
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # close() rolls back anything uncommitted without expiring what was loaded, so rows read in
        # a read-only unit of work stay usable (detached) after it ends.
        await self.session.close()

    def now(self) -> datetime:
        return self._clock()

    def emit(self, event: Event) -> None:
        row = OutboxEvent(event_type=event.type, payload=event.to_json(), created_at=self.now())
        self.session.add(row)
        self.events.append(event)
        self._outbox.append((row, event))

    async def connection(self) -> AsyncConnection:
        """The transaction's connection, for set-wise Core statements. What the session holds is
        written first, so ids taken from the tables' current maximum (SQLite) cannot collide."""
        await self.session.flush()
        return await self.session.connection()

    def written(self, entries: list[tuple[int, Event]]) -> None:
        """Events a Core statement wrote to the outbox: published with the session's own."""
        self.events.extend(event for _, event in entries)
        self._written.extend(entries)

    def audit(self, actor: str, entity: str, entity_id: int, action: str, changes: dict[str, Any]) -> None:
        self.session.add(
            AuditEntry(
                at=self.now(), actor=actor, entity=entity, entity_id=entity_id, action=action, changes=changes
            )
        )

    async def audit_personal(
        self,
        actor: str,
        customer_id: int,
        action: str,
        personal: dict[str, Any],
        clear: dict[str, Any] | None = None,
    ) -> None:
        """An audit entry about a customer whose personal values are sealed under the customer's
        key, so erasing the customer (deleting the key) erases them too (docs/privacy.md)."""
        key = await self.keys.key_for(customer_id, self.now())
        self.audit(actor, "customer", customer_id, action, sealed_changes(key, customer_id, personal, clear))

    async def commit(self) -> None:
        # A creating request's Idempotency-Key commits with the command's rows, or not at all.
        claim = idempotency.stage(self.session)
        await self.session.commit()
        idempotency.mark_committed(claim)
        self._committed = True
        if (self._outbox or self._written) and self._after_commit is not None:
            # The rows have their ids now; the dispatcher publishes the events without reading them back.
            entries = [(row.id or 0, event) for row, event in self._outbox] + self._written
            entries.sort(key=lambda entry: entry[0])
            self._after_commit(entries)

    async def rollback(self) -> None:
        await self.session.rollback()
