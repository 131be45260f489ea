"""Exactly one active router: a lease in Redis with a fencing epoch, checked again by the database.

The leader holds `cc:router:leader` (SET NX PX) and renews it; a standby retries, so it takes over
within about one lease time after the leader dies. Each new leader gets a larger epoch, stored in
`router_lease`; every router write checks it in its transaction (`services.offers.check_epoch`), so
a paused old leader that wakes up after a takeover cannot write anything.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Callable
from typing import Protocol

from redis.asyncio import Redis

from contact_center.outage import INFRASTRUCTURE_ERRORS, Outage, stop_if_cancelled
from contact_center.services.offers import claim_epoch, current_epoch
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class Leadership(Protocol):
    holder: str

    async def acquire(self) -> int:
        """Block until this process leads; return its fencing epoch."""
        ...

    async def hold(self) -> None:
        """Return when leadership is lost (never, for a sole router)."""
        ...

    async def release(self) -> None: ...


def _holder() -> str:
    return f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class SoleLeadership:
    """One process, no Redis: this router always leads; the epoch still fences older runs."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow_factory = uow_factory
        self.holder = _holder()

    async def acquire(self) -> int:
        epoch = await current_epoch(self._uow_factory()) + 1
        await claim_epoch(self._uow_factory(), epoch, self.holder)
        return epoch

    async def hold(self) -> None:
        await asyncio.Event().wait()

    async def release(self) -> None:
        return None


class RedisLeadership:
    def __init__(
        self,
        redis: Redis,
        uow_factory: Callable[[], UnitOfWork],
        *,
        prefix: str = "cc:router",
        lease_ms: int = 3000,
    ) -> None:
        self._redis = redis
        self._uow_factory = uow_factory
        self._key = f"{prefix}:leader"
        self._epoch_key = f"{prefix}:epoch"
        self._lease_ms = lease_ms
        self.holder = _holder()

    async def acquire(self) -> int:
        outage = Outage(log, "router.redis")
        while True:  # polling is the protocol: a standby cannot be told when the lease lapses
            stop_if_cancelled()
            try:
                won = await self._redis.set(self._key, self.holder, nx=True, px=self._lease_ms)
            except INFRASTRUCTURE_ERRORS as exc:  # Redis away: nobody can lead; wait for it
                outage.failed(exc)
                await outage.pause()
                continue
            outage.recovered()
            if won:
                break
            await asyncio.sleep(self._lease_ms / 5000)
        epoch = int(await self._redis.incr(self._epoch_key))
        stored = await current_epoch(self._uow_factory())
        if epoch <= stored:  # Redis lost its counter: continue from the database's
            epoch = stored + 1
            await self._redis.set(self._epoch_key, epoch)
        await claim_epoch(self._uow_factory(), epoch, self.holder)
        log.info("router.leading", extra={"epoch": epoch, "holder": self.holder})
        return epoch

    async def hold(self) -> None:
        while True:
            stop_if_cancelled()
            await asyncio.sleep(self._lease_ms / 3000)
            try:
                renewed = await self._redis.eval(RENEW, 1, self._key, self.holder, self._lease_ms)
            except INFRASTRUCTURE_ERRORS:  # cannot prove the lease: stop deciding at once
                renewed = 0
            if not renewed:
                log.warning("router.lease_lost", extra={"holder": self.holder})
                return

    async def release(self) -> None:
        try:
            await self._redis.eval(RELEASE, 1, self._key, self.holder)
        except INFRASTRUCTURE_ERRORS:  # it lapses by itself within one lease time
            log.warning("router.release_failed", extra={"holder": self.holder})
