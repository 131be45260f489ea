"""What one process holds once built: its engines, broker, bus, jobs and the rest
(`bootstrap.build_container` builds it; handlers and roles receive it or parts of it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.api.principals import TokenCache
from contact_center.bus import EventBroker, MessageBus
from contact_center.dispatcher import OutboxDispatcher
from contact_center.jobs import JobRunner
from contact_center.mail import MailSender
from contact_center.outbound import OutboundPorts
from contact_center.settings import Settings
from contact_center.signals import Signals
from contact_center.storage.engine import Database
from contact_center.storage.group_commit import GroupCommitter
from contact_center.storage.uow import Clock, UnitOfWork


@dataclass
class Container:
    settings: Settings
    database: Database
    sessions: async_sessionmaker[AsyncSession]
    read_sessions: async_sessionmaker[AsyncSession]
    broker: EventBroker
    dispatcher: OutboxDispatcher
    jobs: JobRunner
    bus: MessageBus
    clock: Clock
    tokens: TokenCache
    #: Typing and read marks between processes (`signals.py`).
    signals: Signals
    #: The channel adapters that send replies; a channel missing here cannot send.
    outbound: OutboundPorts
    redis: Redis | None = None
    started: list[Any] = field(default_factory=list)
    #: The inbound group commit (its counters tell the mean batch size).
    inbound_commits: GroupCommitter[Any, Any] | None = None
    #: Outgoing mail; None when `[mail]` names no server.
    mail: MailSender | None = None

    @property
    def engine(self) -> AsyncEngine:
        """The engine that writes (on SQLite the one writer; on PostgreSQL the only engine)."""
        return self.database.writer

    def uow(self) -> UnitOfWork:
        """A unit of work that may write (on SQLite it waits for the one writer)."""
        return UnitOfWork(self.sessions, clock=self.clock, after_commit=self.dispatcher.committed)

    def read_uow(self) -> UnitOfWork:
        """A unit of work for reads only: on SQLite it never takes, nor waits for, the write lock."""
        return UnitOfWork(self.read_sessions, clock=self.clock)

    async def start(self, *, dispatch: bool = True) -> None:
        """Start consuming events, running jobs and dispatching the outbox (in that order)."""
        await self.broker.start()
        await self.signals.start()
        await self.jobs.start()
        if dispatch:
            self.dispatcher.start()
            self.started.append(self.dispatcher)

    async def close(self) -> None:
        if self.started:
            await self.dispatcher.stop()
            self.started.clear()
        await self.jobs.stop()
        await self.signals.stop()
        await self.broker.stop()
        if self.redis is not None:
            await self.redis.aclose()
        await self.database.dispose()
