"""Publishes committed events and marks their outbox rows sent.

In one process, a unit of work hands its events (with their outbox ids) to `committed` right
after its commit, and they are published from memory, in commit order, without being read back;
their rows are marked in one statement per round, every `mark_interval_s` at most. Rows this
process did not hand over (written by the CLI, or left unmarked by a crash) are found by polling
and published from their JSON. Subscribers run before a row is marked, so a crash re-delivers
rather than loses (handlers are idempotent).

With Redis, rows are locked `FOR UPDATE SKIP LOCKED` while they are added to the stream, so several
processes can dispatch without publishing a row twice; `committed` only wakes the poller.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.bus import EventBroker, InProcessBroker
from contact_center.domain.events import Event
from contact_center.outage import Outage, is_outage
from contact_center.storage.outbox import mark_published, pending_events, unpublished
from contact_center.storage.uow import Clock, system_clock

log = logging.getLogger(__name__)

#: How many ids published by the poller are remembered against a late hand-over.
POLLED_MEMORY = 10_000


class OutboxDispatcher:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        broker: EventBroker,
        *,
        clock: Clock = system_clock,
        batch: int = 200,
        poll_interval_s: float = 1.0,
        mark_interval_s: float = 0.2,
        read_sessions: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self._sessions = sessions
        #: In process nothing else publishes, so pending rows are read without the write lock.
        self._read_sessions = read_sessions or sessions
        self._broker = broker
        self._local = broker if isinstance(broker, InProcessBroker) else None
        self._clock = clock
        self._batch = batch
        self._poll = poll_interval_s
        self._mark_interval = mark_interval_s
        self._wake = asyncio.Event()
        self._one_at_a_time = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._fresh: list[tuple[int, Event]] = []
        #: Published in process, not yet marked: the poller must not publish these again.
        self._unmarked: set[int] = set()
        #: Published by the poller before their unit of work handed them over (it resumes after
        #: its commit, the poller may read the row first), kept past their marking so the late
        #: hand-over is not published again. Bounded: a row no unit of work hands over (the CLI's)
        #: stays only until `POLLED_MEMORY` newer ones push it out.
        self._polled: dict[int, None] = {}
        self._marked_at = time.monotonic()
        self._poll_due = True
        self._polled_at = time.monotonic()

    def committed(self, entries: list[tuple[int, Event]]) -> None:
        """A commit's events with their outbox ids (called right after the commit, in its order)."""
        if self._local is not None:
            self._fresh.extend(entries)
        self._wake.set()

    async def dispatch_once(self) -> int:
        """Publish one batch of pending events; returns how many were published."""
        async with self._one_at_a_time:  # the running task and a `drain` must not publish a row twice
            if self._local is None:
                return await self._dispatch_external()
            if self._fresh:
                entries, self._fresh = self._fresh, []
                for outbox_id, event in entries:
                    if outbox_id in self._polled:  # the poller read it first (marked, maybe)
                        del self._polled[outbox_id]
                        continue
                    await self._local.deliver(event)
                    self._unmarked.add(outbox_id)
                return len(entries)
            if not self._poll_due:
                return 0
            self._poll_due = False
            return await self._dispatch_stragglers()

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

    async def _dispatch_stragglers(self) -> int:
        """Rows no unit of work of this process handed over: read them back and publish them."""
        async with self._read_sessions() as session:
            pending = await pending_events(session, self._batch + len(self._unmarked))
        pending = [p for p in pending if p[0] not in self._unmarked][: self._batch]
        for outbox_id, event_type, payload in pending:
            await self._broker.publish(event_type, payload, outbox_id)
            self._unmarked.add(outbox_id)
            self._polled[outbox_id] = None
        while len(self._polled) > POLLED_MEMORY:
            del self._polled[next(iter(self._polled))]
        return len(pending)

    async def mark(self) -> None:
        """Mark what was published since the last time, in one statement."""
        ids, self._unmarked = self._unmarked, set()
        self._marked_at = time.monotonic()
        if not ids:
            return
        try:
            async with self._sessions() as session:
                await mark_published(session, sorted(ids), self._clock())
                await session.commit()
        except BaseException:
            self._unmarked |= ids  # published already: never again, whatever the database says now
            raise

    async def drain(self) -> int:
        self._poll_due = True
        total = 0
        while n := await self.dispatch_once():
            total += n
        async with self._one_at_a_time:
            await self.mark()
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
        outage = Outage(log, "outbox")
        while True:
            self._wake.clear()
            try:
                published = await self.dispatch_once()
                # At most one marking write per interval: each is a transaction on the one writer.
                if self._unmarked and time.monotonic() - self._marked_at >= self._mark_interval:
                    async with self._one_at_a_time:
                        await self.mark()
                if outage.ongoing and not published:
                    # Nothing went through the broker: an idle round is no sign that it is back.
                    await self._broker.reachable()
                outage.recovered()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database or Redis away: events wait in the outbox
                if not is_outage(exc):
                    log.exception("outbox.dispatch_failed")
                outage.failed(exc)
                await outage.pause()
                published = 0
            if published or self._fresh:
                continue
            timeout = self._poll
            if self._unmarked:
                timeout = max(0.0, self._mark_interval - (time.monotonic() - self._marked_at))
            # Not `wait_for`: on Python 3.11 it swallows a cancel that arrives as the wait ends
            # (an event recorded just before `stop`), and this loop would then never end.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._wake.wait()
            if time.monotonic() - self._polled_at >= self._poll:
                self._poll_due = True
                self._polled_at = time.monotonic()
