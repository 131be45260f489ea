"""The router service: domain events in, routing engine in the middle, commands out.

Events are triggers, not state: for each one the service reads the current rows it needs, so an
event delivered twice or late (a consumer catching up after a takeover) cannot mislead the engine.
On becoming leader it rebuilds the engine from the database (queued interactions, open offers with
their original times, agents with their load) and only then consumes events. Each decision is a
command in its own unit of work, fenced by the leader's epoch.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from contact_center.bus import EventBroker, MessageBus
from contact_center.domain import events as ev
from contact_center.domain.errors import FencedError
from contact_center.outage import Outage, is_outage
from contact_center.router.leadership import Leadership, SoleLeadership
from contact_center.router.mapping import build_snapshot, policies_from
from contact_center.router.pass_writer import PassWriter
from contact_center.router.translate import concerns_routing, translate_all
from contact_center.storage.uow import Clock, UnitOfWork
from routing import COMPILED as ROUTING_COMPILED
from routing import (
    Decision,
    InteractionId,
    RoutingEngine,
    Tick,
)
from routing import Event as RoutingEvent

log = logging.getLogger(__name__)

#: Events read and decided together in one pass (one read transaction, one write transaction).
PASS_EVENTS = 500


class LostLeadershipError(Exception):
    """A newer router took over; this one stops routing and stands by."""


class RouterService:
    """Routes while it leads. The composition root hands it what it uses.

    `events` is where domain events come from: the process's shared broker (in process), or a
    stream consumer of its own (`owns_events`) that it starts only while leading, so a standby does
    not take the group's events. `freeze_collector` moves the engine's long-lived indexes out of
    the collector's sight after each rebuild, worth it only in a process that does nothing else.
    """

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        bus: MessageBus,
        events: EventBroker,
        leadership: Leadership,
        *,
        clock: Clock,
        owns_events: bool = False,
        freeze_collector: bool = False,
        read_uow: Callable[[], UnitOfWork] | None = None,
        inbox_size: int = 10_000,
    ) -> None:
        self._uow = uow
        #: Reads that never wait for the writer (SQLite); the same as `uow` where that does not matter.
        self._read_uow = read_uow or uow
        self._bus = bus
        self._clock = clock
        self._freeze_collector = freeze_collector
        self.leadership = leadership
        self.engine: RoutingEngine | None = None
        self.epoch = 0
        #: Bounded: past it the router stops queueing events and catches up from the database.
        self._inbox: asyncio.Queue[ev.Event] = asyncio.Queue(maxsize=inbox_size)
        self._overflowed = False
        self._writer = PassWriter(bus, self._now)
        self._lock = asyncio.Lock()
        self._wake_timer = asyncio.Event()
        self._leading = False
        self._rebuilt_at = 0.0
        self._stopping = False
        self._consumer: EventBroker | None = events if owns_events else None
        events.subscribe("router", self.on_event)

    # ---- running -----------------------------------------------------------------------------

    async def stop(self, task: asyncio.Task[None]) -> None:
        """Cancel the running `run()` task between two decisions, never in the middle of one."""
        self._stopping = True
        async with self._lock:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def run(self) -> None:
        """Lead when possible, route while leading, stand by when a newer router takes over.

        An outage of Redis or the database ends the current leadership (nothing is decided
        without a lease and a database to check the epoch against) but never the router: it
        logs the outage once, backs off, and competes again; leading anew starts with a rebuild
        from the database, which expires the offers that lapsed meanwhile."""
        outage = Outage(log, "router")
        while True:
            try:
                self.epoch = await self.leadership.acquire()
                outage.recovered()
                await self._lead()
            except LostLeadershipError:
                log.warning("router.fenced", extra={"epoch": self.epoch})
                if isinstance(self.leadership, SoleLeadership):
                    log.error("router.stopped: another process routes this database")
                    return
            except Exception as exc:
                if not is_outage(exc):
                    raise  # a bug: the process stops, loudly
                outage.failed(exc)
            finally:
                self._leading = False
                if self._consumer is not None:
                    await self._consumer.stop()
                await self.leadership.release()
            if outage.ongoing:
                await outage.pause()

    async def _lead(self) -> None:
        await self.rebuild()
        self._leading = True
        if self._consumer is not None:
            await self._consumer.start()
        tasks = [
            asyncio.create_task(self._drain_inbox(), name="router-inbox"),
            asyncio.create_task(self._timer(), name="router-timer"),
            asyncio.create_task(self.leadership.hold(), name="router-lease"),
        ]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # re-raise LostLeadershipError or a bug
            raise LostLeadershipError("lease lost")
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, LostLeadershipError):
                    await task

    async def rebuild(self) -> None:
        """A fresh engine from the database, and the decisions that state calls for."""
        async with self._lock:
            async with self._read_uow() as uow:
                policies = await policies_from(uow)
                snapshot = await build_snapshot(uow, policies)
            self.engine = RoutingEngine(policies.values())
            self._rebuilt_at = self._now()
            decisions = self.engine.load(snapshot)
            if self._freeze_collector:  # its long-lived indexes need not be scanned by every collection
                gc.freeze()
            log.info(
                "router.rebuilt",
                extra={
                    "agents": len(snapshot.agents),
                    "waiting": len(snapshot.interactions),
                    "routing_build": "compiled" if ROUTING_COMPILED else "pure",
                },
            )
            await self._execute(decisions)

    async def on_event(self, event: ev.Event) -> None:
        if not (self._leading or self._consumer is None):
            return
        if not (concerns_routing(event) or isinstance(event, ev.QueueCreated | ev.QueueUpdated)):
            return  # a message, say: at a chat's pace these alone would fill the inbox
        try:
            self._inbox.put_nowait(event)
        except asyncio.QueueFull:
            # Nothing is lost: every fact is in the database, and the next pass rebuilds from it.
            if not self._overflowed:
                log.warning("router.inbox_overflow", extra={"size": self._inbox.maxsize})
            self._overflowed = True

    async def _drain_inbox(self) -> None:
        while not self._stopping:
            batch = [await self._inbox.get()]
            while len(batch) < PASS_EVENTS and not self._inbox.empty():
                batch.append(self._inbox.get_nowait())
            if self._overflowed:
                await self._catch_up()
                continue
            await self._route(batch)

    async def _catch_up(self) -> None:
        while not self._inbox.empty():
            self._inbox.get_nowait()
        self._overflowed = False
        log.info("router.catching_up")
        await self.rebuild()

    async def _route(self, batch: list[ev.Event]) -> None:
        """One pass: what the batch's events mean, read in one transaction, decided, then written."""
        relevant: list[ev.Event] = []
        for event in batch:
            if isinstance(event, ev.QueueCreated | ev.QueueUpdated):
                if event.at.timestamp() > self._rebuilt_at:  # older ones are in the last rebuild
                    await self.rebuild()
                    return  # the rebuild read everything the rest of the batch says
            elif concerns_routing(event) and not self._writer.is_echo(event):
                relevant.append(event)
        if not relevant:
            return
        async with self._lock:
            assert self.engine is not None
            decisions: list[Decision] = []
            for routing_event in await translate_all(self._read_uow(), self.engine, relevant, self._now()):
                decisions += self.engine.handle(routing_event)
            await self._execute(decisions)
            self._wake_timer.set()

    async def _timer(self) -> None:
        while True:
            self._wake_timer.clear()
            deadline = self.engine.next_deadline() if self.engine else None
            timeout = None if deadline is None else max(0.0, deadline - self._now())
            # Not `wait_for`: on Python 3.11 it swallows a cancel that arrives as the wait ends
            # (an `_apply` just before `stop`), and this loop would then never end.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._wake_timer.wait()
            if deadline is not None and self._now() >= deadline and not self._stopping:
                async with self._lock:
                    await self._apply(Tick(self._now()))

    def _now(self) -> float:
        return self._clock().timestamp()

    async def _apply(self, event: RoutingEvent) -> None:
        assert self.engine is not None
        await self._execute(self.engine.handle(event))
        self._wake_timer.set()

    async def _execute(self, decisions: list[Decision]) -> None:
        assert self.engine is not None
        try:
            await self._writer.write(self.engine, self.epoch, decisions)
        except FencedError as exc:
            raise LostLeadershipError(str(exc)) from exc

    # ---- explain -----------------------------------------------------------------------------

    @property
    def leading(self) -> bool:
        return self._leading and self.engine is not None

    async def explain(self, interaction_id: int) -> dict[str, Any] | None:
        if self.engine is None or not self._leading:
            return None
        async with self._lock:
            explanation = self.engine.explain(InteractionId(interaction_id), at=self._now())
            return {
                "state": explanation.state,
                "summary": explanation.summary,
                "history": [
                    {
                        "at": datetime.fromtimestamp(e.at, UTC).isoformat(),
                        "kind": e.kind,
                        "agent_id": e.agent,
                        "text": e.text,
                    }
                    for e in explanation.history
                ],
            }
