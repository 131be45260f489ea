"""Failed sign-ins counted, and password guessing stopped before it costs a hash.

Each failure counts against the account and against the address it came from, in a fixed window
(15 minutes). Past 10 failures for an account, or 50 from one address, further attempts are
refused with 429 and Retry-After, without checking the password (so a guesser learns nothing, and
an attacker cannot spend the server's CPU on argon2). A success clears the account's count. Every
failure is logged with the account and address, for whoever investigates. One process counts in
memory; several share the counts in Redis.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Protocol

from redis.asyncio import Redis

from contact_center.domain.commands import IssueToken
from contact_center.domain.errors import RateLimitedError, UnauthenticatedError
from contact_center.services.agents import TOKEN_LIFETIME, account_name, issue_token
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

WINDOW_S = 15 * 60
PER_ACCOUNT = 10
PER_ADDRESS = 50


class FailureCounts(Protocol):
    async def count(self, key: str) -> tuple[int, float]:
        """Failures under `key` in its current window, and seconds until the window ends."""
        ...

    async def add(self, key: str) -> None: ...

    async def clear(self, key: str) -> None: ...


class LocalFailureCounts:
    """One process: counts in a dict, each with the monotonic time its window ends."""

    def __init__(self, now: Callable[[], float] = time.monotonic, window_s: float = WINDOW_S) -> None:
        self._now = now
        self._window = window_s
        self._counts: dict[str, tuple[int, float]] = {}

    async def count(self, key: str) -> tuple[int, float]:
        n, ends = self._counts.get(key, (0, 0.0))
        left = ends - self._now()
        return (n, left) if left > 0 else (0, 0.0)

    async def add(self, key: str) -> None:
        n, left = await self.count(key)
        if len(self._counts) > 100_000:  # many addresses: forget the windows that ended
            now = self._now()
            self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
        self._counts[key] = (n + 1, self._now() + (left if n else self._window))

    async def clear(self, key: str) -> None:
        self._counts.pop(key, None)


class RedisFailureCounts:
    """Several processes: a counter per key that expires with its window."""

    def __init__(self, redis: Redis, prefix: str, window_s: int = WINDOW_S) -> None:
        self._redis = redis
        self._prefix = prefix
        self._window = window_s

    async def count(self, key: str) -> tuple[int, float]:
        pipe = self._redis.pipeline()
        pipe.get(self._prefix + key)
        pipe.pttl(self._prefix + key)
        value, ttl_ms = await pipe.execute()
        return (int(value or 0), max(0.0, int(ttl_ms) / 1000)) if value else (0, 0.0)

    async def add(self, key: str) -> None:
        full = self._prefix + key
        if await self._redis.incr(full) == 1:
            await self._redis.expire(full, self._window)

    async def clear(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)


class SignInLimits:
    def __init__(self, counts: FailureCounts, *, token_lifetime: timedelta = TOKEN_LIFETIME) -> None:
        self._counts = counts
        self._lifetime = token_lifetime

    async def issue_token(self, cmd: IssueToken, uow: UnitOfWork) -> str:
        """`services.agents.issue_token`, refused early past the limits and counted when it fails."""
        account, address = "account:" + account_name(cmd.username), "address:" + cmd.source
        for key, limit in ((account, PER_ACCOUNT), (address, PER_ADDRESS)):
            failures, left = await self._counts.count(key)
            if failures >= limit:
                log.warning("sign_in.refused", extra={"account": account, "address": cmd.source})
                raise RateLimitedError(
                    "too many failed sign-ins: try again later", retry_after_s=max(1, math.ceil(left))
                )
        try:
            token = await issue_token(cmd, uow, lifetime=self._lifetime)
        except UnauthenticatedError:
            log.warning("sign_in.failed", extra={"account": account, "address": cmd.source})
            for key in (account, address):
                await self._counts.add(key)
            raise
        await self._counts.clear(account)
        return token
