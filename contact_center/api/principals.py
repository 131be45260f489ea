"""Who is calling: bearer tokens resolved to principals, cached without losing revocations.

Reading a token's row for every request cost a transaction each. The cache keeps a principal by
token hash while three things hold: the token's own expiry, a short time to live (a backstop for
changes made where no event reaches this process), and the revocation generation it was read
under. Revoking anything moves the generation on before the revoking request is answered: in one
process an integer, with Redis a shared counter every web process reads per request (one round
trip, far cheaper than a database transaction), so a revoked token is refused at once everywhere.
Agent changes (role, deactivation) and revocations also arrive as events and drop the agent's
entries.

A token from sign-in is a session with two more limits (`SessionLimits`, from settings): a
maximum age from sign-in, and an idle timeout counted from its last use. Uses are noted in memory
and written to the token's row at most once a minute; before refusing a token as idle, the cache
reads the row again, since another web process may have seen it meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from redis.asyncio import Redis

from contact_center.domain import events as ev
from contact_center.domain.enums import Role
from contact_center.domain.errors import UnauthenticatedError
from contact_center.domain.principal import Principal as Principal
from contact_center.services.agents import token_hash
from contact_center.storage.uow import Clock, UnitOfWork


class Generation(Protocol):
    """A counter that every revocation moves on; cached principals hold the value they saw."""

    async def current(self) -> int: ...

    async def advance(self) -> None: ...


class LocalGeneration:
    """One process: nothing else serves these tokens."""

    def __init__(self) -> None:
        self._value = 0

    async def current(self) -> int:
        return self._value

    async def advance(self) -> None:
        self._value += 1


class RedisGeneration:
    """Several web processes: the counter lives in Redis, so a revocation in one is seen by all."""

    def __init__(self, redis: Redis, key: str) -> None:
        self._redis = redis
        self._key = key

    async def current(self) -> int:
        value = await self._redis.get(self._key)
        return int(value or 0)

    async def advance(self) -> None:
        await self._redis.incr(self._key)


@dataclass(frozen=True, slots=True)
class SessionLimits:
    """How long a session (a token from sign-in) lasts: `settings.sessions`."""

    idle_timeout: timedelta
    max_age: timedelta
    #: A token's use reaches the database at most this often (one write per token per minute, not
    #: one per request), so the idle timeout is exact to within this much.
    seen_write_interval: timedelta = timedelta(minutes=1)


@dataclass(slots=True)
class _Entry:
    principal: Principal
    token_id: int
    #: The earlier of the stored expiry and sign-in plus the maximum age; None: an operator's
    #: token (CLI), which has neither an expiry nor an idle timeout and lasts until revoked.
    expires_at: datetime | None
    generation: int
    cached_until: float
    #: The last use this process knows of, and the last one the database holds.
    seen_at: datetime
    stored_seen_at: datetime


class TokenCache:
    def __init__(
        self,
        read_uow: Callable[[], UnitOfWork],
        clock: Clock,
        generation: Generation,
        *,
        write_uow: Callable[[], UnitOfWork],
        limits: SessionLimits,
        ttl_s: float = 30.0,
        max_entries: int = 50_000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read_uow = read_uow
        self._write_uow = write_uow
        self._clock = clock
        self._generation = generation
        self._limits = limits
        self._ttl = ttl_s
        self._max = max_entries
        self._monotonic = monotonic
        self._entries: dict[str, _Entry] = {}

    async def principal(self, token: str) -> Principal:
        """The token's principal; `UnauthenticatedError` when it is unknown, revoked, expired,
        or idle past the timeout. Each use counts as activity."""
        digest = token_hash(token)
        generation = await self._generation.current()
        now = self._clock()
        entry = self._entries.get(digest)
        if (
            entry is None
            or entry.generation != generation
            or self._monotonic() >= entry.cached_until
            or self._is_idle(entry.seen_at, entry, now)  # another process may have seen it since
        ):
            self._entries.pop(digest, None)
            entry = await self._read(digest, generation, now)
            if len(self._entries) >= self._max:
                self._entries.clear()  # rare, and cheaper than bookkeeping for an eviction order
            self._entries[digest] = entry
        elif entry.expires_at is not None and entry.expires_at < now:
            self._entries.pop(digest, None)
            raise UnauthenticatedError("the session has expired: sign in again")
        await self._seen(entry, now)
        return entry.principal

    def _is_idle(self, last_seen: datetime, entry: _Entry, now: datetime) -> bool:
        return entry.expires_at is not None and now - last_seen > self._limits.idle_timeout

    async def _read(self, digest: str, generation: int, now: datetime) -> _Entry:
        async with self._read_uow() as uow:
            found = await uow.agents.by_token_hash(digest)
        if found is None:
            raise UnauthenticatedError("unknown or expired token")
        api_token, agent = found
        if api_token.revoked or not agent.is_active:
            raise UnauthenticatedError("unknown or expired token")
        expires_at = api_token.expires_at
        if expires_at is not None:
            expires_at = min(expires_at, api_token.created_at + self._limits.max_age)
        stored_seen_at = api_token.last_seen_at or api_token.created_at
        principal = Principal(
            agent.id or 0, agent.username, Role(agent.role), agent.team, agent.language, agent.timezone
        )
        entry = _Entry(
            principal,
            api_token.id or 0,
            expires_at,
            generation,
            self._monotonic() + self._ttl,
            stored_seen_at,
            stored_seen_at,
        )
        if expires_at is not None and expires_at < now:
            raise UnauthenticatedError("the session has expired: sign in again")
        if self._is_idle(stored_seen_at, entry, now):
            raise UnauthenticatedError("the session was idle too long: sign in again")
        return entry

    async def _seen(self, entry: _Entry, now: datetime) -> None:
        """Note the use; tell the database only once `seen_write_interval` has passed since it
        last heard, so busy tokens cost one small write a minute, not one per request."""
        entry.seen_at = max(entry.seen_at, now)
        if entry.expires_at is None or now - entry.stored_seen_at < self._limits.seen_write_interval:
            return
        entry.stored_seen_at = now  # first: concurrent requests with this token write nothing more
        async with self._write_uow() as uow:
            await uow.agents.token_seen(entry.token_id, now)
            await uow.commit()

    async def revoked(self, agent_id: int) -> None:
        """Call after a revoking change committed and before answering: refused at once, everywhere."""
        self.forget(agent_id)
        await self._generation.advance()

    def forget(self, agent_id: int) -> None:
        for digest in [d for d, e in self._entries.items() if e.principal.agent_id == agent_id]:
            del self._entries[digest]

    async def on_event(self, event: ev.Event) -> None:
        if isinstance(event, ev.AgentUpdated | ev.TokensRevoked):
            self.forget(event.agent_id)
