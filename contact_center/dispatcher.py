"""Publishes committed outbox rows and marks them sent.

In process, subscribers run between fetching and marking, so a crash re-delivers rather than loses
(handlers are idempotent). With Redis, rows are locked `FOR UPDATE SKIP LOCKED` while they are
added to the stream, so several processes can dispatch without publishing a row twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.bus import EventBroker
from contact_center.storage.outbox import mark_published, pending_events, unpublished
from contact_center.storage.uow import Clock, system_clock

log = logging.getLogger(__name__)


class OutboxDispatcher:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        broker: EventBroker,
        *,
        clock: Clock = system_clock,
        batch: int = 200,
        poll_interval_s: float = 1.0,
        read_sessions: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self._sessions = sessions
        #: In process nothing else publishes, so pending rows are read without the write lock.
        self._read_sessions = read_sessions or sessions
        self._broker = broker
        self._clock = clock
        self._batch = batch
        self._poll = poll_interval_s
        self._wake = asyncio.Event()
        self._one_at_a_time = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    async def dispatch_once(self) -> int:
        """Publish one batch of pending events; returns how many were published."""
        async with self._one_at_a_time:  # the running task and a `drain` must not publish a row twice
            if not self._broker.is_external:
                return await self._dispatch_in_process()
            return await self._dispatch_external()

    async def _dispatch_external(self) -> int:
        async with self._sessions() as session:
            rows = await unpublished(session, self._batch)
            if not rows:
                await session.rollback()
                return 0
            for row in rows:
                await self._broker.publish(row.event_type, row.payload, row.id or 0)
            await mark_published(session, [row.id or 0 for row in rows], self._clock())
            await session.commit()
            return len(rows)

    async def _dispatch_in_process(self) -> int:
        async with self._read_sessions() as session:
            pending = await pending_events(session, self._batch)
        if not pending:
            return 0
        for outbox_id, event_type, payload in pending:
            await self._broker.publish(event_type, payload, outbox_id)
        async with self._sessions() as session:
            await mark_published(session, [p[0] for p in pending], self._clock())
            await session.commit()
        return len(pending)

    async def drain(self) -> int:
        total = 0
        while n := await self.dispatch_once():
            total += n
        return total

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-dispatcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        with contextlib.suppress(Exception):
            await self.drain()

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                published = await self.dispatch_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # database briefly down: events wait in the outbox
                log.exception("outbox.dispatch_failed")
                published = 0
            if published >= self._batch:
                continue
            # Not `wait_for`: on Python 3.11 it swallows a cancel that arrives as the wait ends
            # (an event recorded just before `stop`), and this loop would then never end.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll):
                    await self._wake.wait()
