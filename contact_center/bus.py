"""Commands in, events out.

`MessageBus.handle(command)` runs the command's one handler in a fresh unit of work. Events reach
subscribers through a broker: in process (`InProcessBroker`) or through a Redis stream
(`RedisStreamBroker`), where each subscriber group is a consumer group, so a consumer that was down
reads what it missed when it comes back. The same subscriber functions run in both modes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from contact_center.domain.commands import Command
from contact_center.domain.events import Event, event_from_json
from contact_center.outage import Outage, is_outage, stop_if_cancelled
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

CommandHandler = Callable[[Any, UnitOfWork], Awaitable[Any]]
Subscriber = Callable[[Event], Awaitable[None]]


class MessageBus:
    def __init__(
        self, uow_factory: Callable[[], UnitOfWork], handlers: dict[type[Command], CommandHandler]
    ) -> None:
        self._uow_factory = uow_factory
        self._handlers = handlers

    async def handle(self, command: Command) -> Any:
        handler = self._handlers.get(type(command))
        if handler is None:
            raise LookupError(f"no handler for {type(command).__name__}")
        return await handler(command, self._uow_factory())


class EventBroker(Protocol):
    #: True when publishing hands the event to another system (Redis) rather than running handlers.
    is_external: bool

    async def publish(self, event_type: str, payload: str, outbox_id: int) -> None: ...

    async def reachable(self) -> None:
        """Return when the broker answers; raise what an unreachable one raises."""
        ...

    def subscribe(self, group: str, handler: Subscriber, *, live: bool = False) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def _decoded(event_type: str, payload: str) -> Event | None:
    """The event, or None (logged) for a row no handler could read: a type this version does not
    know (written by a newer one, or by hand) or a malformed payload. Skipped, never retried: one
    such row must not hold back every event behind it."""
    try:
        return event_from_json(event_type, payload)
    except (KeyError, ValueError, TypeError):
        log.error("event.undecodable", extra={"event_type": event_type[:100]})
        return None


async def _deliver(
    group: str, handler: Subscriber, event_type: str, payload: str, *, outage_raises: bool = False
) -> bool:
    event = _decoded(event_type, payload)
    return True if event is None else await _deliver_event(group, handler, event, outage_raises=outage_raises)


async def _deliver_event(
    group: str, handler: Subscriber, event: Event, *, outage_raises: bool = False
) -> bool:
    """Run one subscriber; its failure is logged and the event counts as handled, except, with
    `outage_raises`, a database or Redis out of reach: that is raised, so a durable group leaves
    the event unacknowledged and hands it over again once the outage is over."""
    try:
        await handler(event)
    except Exception as exc:  # the edge of a subscriber: log once, keep the bus running
        if outage_raises and is_outage(exc):
            raise
        log.exception("event.handler_failed", extra={"group": group, "event_type": event.type})
        return False
    return True


class InProcessBroker:
    """Runs subscribers in this process, in publish order, after the change committed."""

    is_external = False

    def __init__(self) -> None:
        self._subscribers: list[tuple[str, Subscriber]] = []

    def subscribe(self, group: str, handler: Subscriber, *, live: bool = False) -> None:
        self._subscribers.append((group, handler))

    async def publish(self, event_type: str, payload: str, outbox_id: int) -> None:
        event = _decoded(event_type, payload)
        if event is not None:
            await self.deliver(event)

    async def reachable(self) -> None:
        return None

    async def deliver(self, event: Event) -> None:
        """Run the subscribers on an event this process holds already (no JSON round trip)."""
        for group, handler in self._subscribers:
            await _deliver_event(group, handler, event)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


#: A consumer holding nothing and silent for this many claim periods (at least the minimum below)
#: is taken off its group's list by the others.
FORGET_AFTER = 10
FORGET_AFTER_MIN_MS = 1_000


class RedisStreamBroker:
    """Events on one Redis stream; groups share the work, `live` subscribers each see everything.

    Each broker is its own consumer in every group it joins. Entries a consumer read but never
    acknowledged (it died mid-event) are claimed by a live consumer of the group once they have
    been idle for `claim_idle_ms`, so they are re-delivered rather than lost.
    """

    is_external = True

    def __init__(
        self,
        redis: Redis,
        *,
        stream: str = "cc:events",
        maxlen: int = 100_000,
        block_ms: int = 1000,
        claim_idle_ms: int = 60_000,
        consumer: str | None = None,
    ) -> None:
        self._redis = redis
        self._stream = stream
        self._maxlen = maxlen
        self._block_ms = block_ms
        self._claim_idle_ms = claim_idle_ms
        self._groups: list[tuple[str, Subscriber]] = []
        self._live: list[Subscriber] = []
        self._tasks: list[asyncio.Task[None]] = []
        # Unique per broker: two consumers sharing a name would read each other's pending entries.
        self._consumer = consumer or f"{os.uname().nodename}-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def subscribe(self, group: str, handler: Subscriber, *, live: bool = False) -> None:
        if live:
            self._live.append(handler)
        else:
            self._groups.append((group, handler))

    async def publish(self, event_type: str, payload: str, outbox_id: int) -> None:
        fields = {"type": event_type, "payload": payload, "outbox_id": str(outbox_id)}
        await self._redis.xadd(self._stream, fields, maxlen=self._maxlen, approximate=True)  # type: ignore[arg-type]

    async def reachable(self) -> None:
        await self._redis.ping()

    async def start(self) -> None:
        for group, handler in self._groups:
            await self.ensure_group(group)
            self._tasks.append(asyncio.create_task(self._consume(group, handler), name=f"events:{group}"))
        if self._live:
            # Start from the stream's current end by id, not "$": "$" re-read on every call would
            # skip what was added before the first read and between two empty reads.
            last = await self._redis.xrevrange(self._stream, count=1)
            start = _text(last[0][0]) if last and last[0][0] is not None else "0-0"
            self._tasks.append(asyncio.create_task(self._follow(start), name="events:live"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self._leave_groups()

    async def _leave_groups(self) -> None:
        """Take this consumer off its groups' lists on a clean stop, so a reader of Redis sees
        only live consumers. Only when it holds nothing unacknowledged: entries it read and never
        acknowledged stay claimable by the others, who forget a killed process's name later
        (`_claim_orphans`)."""
        for group, _ in self._groups:
            try:
                pending = await self._redis.xpending_range(
                    self._stream, group, min="-", max="+", count=1, consumername=self._consumer
                )
                if not pending:
                    await self._redis.xgroup_delconsumer(self._stream, group, self._consumer)
            except Exception as exc:  # Redis away at shutdown: the name stays, harmlessly
                log.info("events.leave_failed", extra={"group": group, "error": type(exc).__name__})

    async def ensure_group(self, group: str) -> None:
        """Create the group at the stream's start, so events published before it existed are read."""
        try:
            await self._redis.xgroup_create(self._stream, group, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def _claim_orphans(self, group: str) -> None:
        """Take over entries other consumers read but never acknowledged for `claim_idle_ms`,
        then forget the consumers that hold nothing and have been silent for `FORGET_AFTER`
        claim periods: a process killed without a goodbye otherwise stays listed for good."""
        start = "0-0"
        while True:
            result = await self._redis.xautoclaim(
                self._stream, group, self._consumer, self._claim_idle_ms, start_id=start, count=100
            )
            start = _text(result[0])
            if start == "0-0":
                break
        silent_ms = max(self._claim_idle_ms * FORGET_AFTER, FORGET_AFTER_MIN_MS)
        for consumer in await self._redis.xinfo_consumers(self._stream, group):
            name = _text(consumer["name"])
            if name != self._consumer and consumer["pending"] == 0 and consumer["idle"] >= silent_ms:
                # A live one that was merely quiet is listed again by its next read: no harm.
                await self._redis.xgroup_delconsumer(self._stream, group, name)

    async def _consume(self, group: str, handler: Subscriber) -> None:
        backlog = True  # first re-read what this consumer holds but never acknowledged
        last_claim = float("-inf")
        outage = Outage(log, f"events.{group}")
        while True:
            stop_if_cancelled()
            try:
                if outage.ongoing:
                    await self.ensure_group(group)  # Redis may have come back empty
                if backlog and time.monotonic() - last_claim >= self._claim_idle_ms / 1000:
                    await self._claim_orphans(group)
                    last_claim = time.monotonic()
                start = "0" if backlog else ">"
                entries = _entries(
                    await self._redis.xreadgroup(
                        group,
                        self._consumer,
                        {self._stream: start},
                        count=100,
                        block=None if backlog else self._block_ms,
                    )
                )
                if not entries:
                    # Idle: read new entries next, or look again for orphans of dead consumers.
                    backlog = not backlog and time.monotonic() - last_claim >= self._claim_idle_ms / 1000
                    outage.recovered()
                    continue
                for entry_id, fields in entries:
                    type_, payload = _text(fields[b"type"]), _text(fields[b"payload"])
                    await _deliver(group, handler, type_, payload, outage_raises=True)
                    await self._redis.xack(self._stream, group, entry_id)
                outage.recovered()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not (is_outage(exc) or _lost_group(exc)):
                    log.exception("events.consume_failed", extra={"group": group})
                outage.failed(exc)  # either way: back off, recreate the group, go on
                backlog = True  # what was read and not acknowledged is handed over again first
                await outage.pause()

    async def _follow(self, last: str) -> None:
        outage = Outage(log, "events.live")
        while True:
            stop_if_cancelled()
            try:
                reply = await self._redis.xread({self._stream: last}, count=100, block=self._block_ms)
                for entry_id, fields in _entries(reply):
                    last = _text(entry_id)
                    for handler in self._live:
                        await _deliver("live", handler, _text(fields[b"type"]), _text(fields[b"payload"]))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not is_outage(exc):
                    log.exception("events.follow_failed")
                outage.failed(exc)
                await outage.pause()
            else:
                # Stream ids are times: after Redis restarted empty, new entries still sort after
                # `last`, so following on from it misses nothing.
                outage.recovered()


def _lost_group(exc: BaseException) -> bool:
    """The group is gone: Redis restarted without its data."""
    return isinstance(exc, ResponseError) and "NOGROUP" in str(exc)


def _entries(reply: Any) -> list[tuple[bytes, dict[bytes, bytes]]]:
    """The entries of an XREAD or XREADGROUP reply, `[[stream, [(id, fields), ...]], ...]`.

    Typed here once: redis-py declares these replies too loosely to unpack them checked."""
    return [(entry_id, fields) for _stream, entries in reply or [] for entry_id, fields in entries]


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
