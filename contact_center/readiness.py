"""Whether this process can serve: the database answers, and Redis too when there is one.

`/readyz` and `contact-center check` both ask it, so a load balancer and an operator see the same
verdict. Each check has its own deadline, so a hung backend makes the probe say no, not hang.
It is given the reading engine: on SQLite a reader never waits for the write lock, so a long
write (or another process holding the lock) neither delays the probe nor ties up the one writer.
`/readyz` asks through `watched()`, which also logs each backend's outage once (when a probe
first fails and when one first succeeds again) and says how long it has lasted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass, field

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from contact_center.outage import Outage

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Readiness:
    engine: AsyncEngine
    redis: Redis | None = None
    timeout_s: float = 3.0
    #: One per backend, made on its first probe; not in `DEGRADED` (the readiness answer names a
    #: failing backend by itself, and a probe's verdict must not outlive its application).
    _outages: dict[str, Outage] = field(default_factory=dict, repr=False)

    async def watched(self) -> tuple[dict[str, Exception | None], dict[str, float]]:
        """`failures()`, and each failing backend with the seconds it has been failing."""
        failures = await self.failures()
        down: dict[str, float] = {}
        for name, exc in failures.items():
            outage = self._outages.setdefault(name, Outage(log, name, registered=False))
            if exc is None:
                outage.recovered()
            else:
                outage.failed(exc)
                down[name] = outage.lasted_s
        return failures, down

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
