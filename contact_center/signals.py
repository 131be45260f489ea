"""Signals: what a conversation's two sides show each other live and nobody stores.

Typing and read marks are worth something for a second and nothing afterwards, so they skip the
outbox and the event stream: a signal is published to every web process (in memory, or over
Redis pub/sub when the deployment has Redis) and whoever holds a socket on that interaction
passes it on. A signal lost while a process restarts is a typing dot that did not blink.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from contact_center.outage import stop_if_cancelled

log = logging.getLogger(__name__)

SignalKind = Literal["typing", "read"]
Side = Literal["agent", "customer"]
KINDS: frozenset[str] = frozenset({"typing", "read"})
SIDES: frozenset[str] = frozenset({"agent", "customer"})


@dataclass(frozen=True, slots=True)
class Signal:
    interaction_id: int
    kind: SignalKind
    by: Side
    agent_id: int | None = None
    #: For "read": the last message (by sequence number) the reader has seen.
    up_to: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: str | bytes) -> Signal | None:
        """The signal, or None for anything that is not one (logged, never raised)."""
        try:
            data = json.loads(raw)
            if data["kind"] not in KINDS or data["by"] not in SIDES:
                raise ValueError("unknown kind or side")
            up_to, agent_id = data.get("up_to"), data.get("agent_id")
            return cls(
                interaction_id=int(data["interaction_id"]),
                kind=data["kind"],
                by=data["by"],
                agent_id=int(agent_id) if agent_id is not None else None,
                up_to=int(up_to) if up_to is not None else None,
            )
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("signal.undecodable", extra={"error": str(exc)})
            return None


Listener = Callable[[Signal], Awaitable[None]]


class Signals(Protocol):
    async def publish(self, signal: Signal) -> None: ...

    def subscribe(self, listener: Listener) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class _Listeners:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def _tell(self, signal: Signal) -> None:
        for listener in self._listeners:
            try:
                await listener(signal)
            except Exception:  # one listener's fault never silences the others
                log.exception("signal.listener_failed")


class LocalSignals(_Listeners):
    """One process: a signal goes straight to this process's listeners."""

    async def publish(self, signal: Signal) -> None:
        await self._tell(signal)

    async def start(self) -> None:
        return

    async def stop(self) -> None:
        return


class RedisSignals(_Listeners):
    """Several processes: Redis pub/sub on one channel; each process listens and tells its own."""

    def __init__(self, redis: Redis, channel: str) -> None:
        super().__init__()
        self._redis = redis
        self._channel = channel
        self._task: asyncio.Task[None] | None = None

    async def publish(self, signal: Signal) -> None:
        await self._redis.publish(self._channel, json.dumps(signal.to_dict()))

    async def start(self) -> None:
        if self._task is None:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            await pubsub.subscribe(self._channel)
            self._task = asyncio.create_task(self._listen(pubsub), name="signals")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _listen(self, pubsub: Any) -> None:
        try:
            while True:
                stop_if_cancelled()
                try:
                    message = await pubsub.get_message(timeout=1.0)
                except (RedisError, OSError) as exc:  # Redis away: typing dots pause
                    log.warning("signal.redis_unavailable", extra={"error": str(exc)})
                    await asyncio.sleep(1.0)
                    continue
                if message is None or message.get("type") != "message":
                    continue
                signal = Signal.from_json(message["data"])
                if signal is not None:
                    await self._tell(signal)
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()
