"""Whether this process can serve: the database answers, and Redis too when there is one.

`/readyz` and `contact-center check` both ask it, so a load balancer and an operator see the same
verdict. Each check has its own deadline, so a hung backend makes the probe say no, not hang.
It is given the reading engine: on SQLite a reader never waits for the write lock, so a long
write (or another process holding the lock) neither delays the probe nor ties up the one writer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass(frozen=True, slots=True)
class Readiness:
    engine: AsyncEngine
    redis: Redis | None = None
    timeout_s: float = 3.0

    async def failures(self) -> dict[str, Exception | None]:
        """Each backend ("database", "redis" when configured) with what went wrong, or None."""
        out = {"database": await self._failure(self._database())}
        if self.redis is not None:
            out["redis"] = await self._failure(self._ping(self.redis))
        return out

    async def _database(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    @staticmethod
    async def _ping(redis: Redis) -> None:
        await redis.ping()

    async def _failure(self, probe: Awaitable[None]) -> Exception | None:
        try:
            async with asyncio.timeout(self.timeout_s):
                await probe
        except Exception as exc:  # a probe reports any failure instead of raising it
            return exc
        return None
