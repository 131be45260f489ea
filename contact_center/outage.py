"""Riding out an outage of Redis or the database: log it once, back off, say when it is over.

A long-lived loop (the router, its lease, the event followers, the explanation server) that loses
a dependency must not die, nor write a stack trace every second for as long as the outage lasts.
Each loop keeps an `Outage` per dependency: the first failure is logged with what failed, later
ones only counted, and the first success after them logs the outage's length and count; between
tries it sleeps a growing, jittered delay so a hundred processes do not reconnect in step.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import weakref

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

#: What an unreachable or restarting dependency raises. Anything else (a constraint violated, a
#: Redis command refused) is a bug and stays loud.
INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    PoolTimeoutError,
    RedisConnectionError,
    RedisTimeoutError,
    OSError,
)


#: SQLSTATEs of a server that is there but will not serve now: class 08 (the connection failed
#: or was cut), 57P01-57P03 (shutting down, crashed, still starting: "the database system is
#: not yet accepting connections" while it replays its log after a restart), 53300 (too many
#: connections). The driver reports them as a plain `DBAPIError`, not an `OperationalError`.
UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")


def is_outage(exc: BaseException) -> bool:
    """Also a statement whose connection the driver found dead, whatever its class, and a server
    that answers only to say it cannot serve yet."""
    if isinstance(exc, DBAPIError):
        sqlstate = getattr(exc.orig, "sqlstate", None)
        if exc.connection_invalidated or (
            isinstance(sqlstate, str) and sqlstate.startswith(UNAVAILABLE_SQLSTATES)
        ):
            return True
    return isinstance(exc, INFRASTRUCTURE_ERRORS)


class Degraded:
    """What of this process is riding out an outage right now, for `/readyz` to say.

    One per process (`DEGRADED`): the loops that keep an `Outage` are spread over the router,
    the broker, the dispatcher and the web handlers, and what an operator asks is simply which
    of them are waiting for something, and since when. Entries are held by their owner (the
    loop's `Outage`) weakly: a loop cancelled in the middle of an outage takes its entry with it."""

    def __init__(self) -> None:
        self._since: weakref.WeakKeyDictionary[object, tuple[str, float]] = weakref.WeakKeyDictionary()

    def mark(self, owner: object, what: str, since: float) -> None:
        self._since.setdefault(owner, (what, since))

    def clear(self, owner: object) -> None:
        self._since.pop(owner, None)

    def now(self) -> dict[str, float]:
        """Each degraded part with the seconds it has been so (the longest, when several loops
        of one name are), longest first."""
        at = time.monotonic()
        found: dict[str, float] = {}
        for what, since in list(self._since.values()):
            found[what] = max(found.get(what, 0.0), round(at - since, 1))
        return dict(sorted(found.items(), key=lambda item: -item[1]))


DEGRADED = Degraded()


class Outage:
    def __init__(
        self,
        logger: logging.Logger,
        what: str,
        *,
        first_delay_s: float = 0.2,
        max_delay_s: float = 5.0,
        registered: bool = True,
    ) -> None:
        """`registered`: listed in `DEGRADED` while it lasts (every loop's is; a probe's is not)."""
        self._log = logger
        self._registered = registered
        self._what = what
        self._first = first_delay_s
        self._max = max_delay_s
        self._since: float | None = None
        self._failures = 0
        self._delay = first_delay_s

    @property
    def ongoing(self) -> bool:
        return self._since is not None

    @property
    def lasted_s(self) -> float:
        """How long the current outage has lasted (0 when there is none)."""
        return 0.0 if self._since is None else round(time.monotonic() - self._since, 1)

    def failed(self, exc: BaseException) -> None:
        if self._since is None:
            self._since = time.monotonic()
            if self._registered:
                DEGRADED.mark(self, self._what, self._since)
            self._log.warning(
                f"{self._what}.unavailable",
                extra={"error": f"{type(exc).__name__}: {exc}", "retrying": True},
            )
        self._failures += 1

    def recovered(self) -> None:
        if self._since is None:
            return
        self._log.warning(
            f"{self._what}.recovered",
            extra={"outage_s": round(time.monotonic() - self._since, 1), "failures": self._failures},
        )
        DEGRADED.clear(self)
        self._since = None
        self._failures = 0
        self._delay = self._first

    async def pause(self) -> None:
        """Sleep before the next try: doubling from `first_delay_s` to `max_delay_s`, jittered."""
        await asyncio.sleep(self._delay * random.uniform(0.5, 1.0))
        self._delay = min(self._delay * 2, self._max)


def stop_if_cancelled() -> None:
    """Raise the cancel a library swallowed. redis-py wraps each read in a timeout, and on Python
    3.11 a cancel that lands as that timeout fires is absorbed (the task's `cancelling()` count
    stays up, nothing is raised): a `while True` loop around Redis calls would then never stop.
    Call it at the top of every such loop."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
