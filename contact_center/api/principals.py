"""Who is calling: bearer tokens resolved to principals, cached without losing revocations.

Reading a token's row for every request cost a transaction each. The cache keeps a principal by
token hash while three things hold: the token's own expiry, a short time to live (a backstop for
changes made where no event reaches this process), and the revocation generation it was read
under. Revoking anything moves the generation on before the revoking request is answered: in one
process an integer, with Redis a shared counter every web process reads per request (one round
trip, far cheaper than a database transaction), so a revoked token is refused at once everywhere.
Agent changes (role, deactivation) and revocations also arrive as events and drop the agent's
entries.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
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
class _Entry:
    principal: Principal
    expires_at: datetime | None
    generation: int
    cached_until: float


class TokenCache:
    def __init__(
        self,
        read_uow: Callable[[], UnitOfWork],
        clock: Clock,
        generation: Generation,
        *,
        ttl_s: float = 30.0,
        max_entries: int = 50_000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read_uow = read_uow
        self._clock = clock
        self._generation = generation
        self._ttl = ttl_s
        self._max = max_entries
        self._monotonic = monotonic
        self._entries: dict[str, _Entry] = {}

    async def principal(self, token: str) -> Principal:
        """The token's principal; `UnauthenticatedError` when it is unknown, revoked or expired."""
        digest = token_hash(token)
        generation = await self._generation.current()
        entry = self._entries.get(digest)
        if entry is not None and entry.generation == generation and self._monotonic() < entry.cached_until:
            if entry.expires_at is None or entry.expires_at >= self._clock():
                return entry.principal
            self._entries.pop(digest, None)
            raise UnauthenticatedError("unknown or expired token")
        entry = await self._read(digest, generation)
        if len(self._entries) >= self._max:
            self._entries.clear()  # rare, and cheaper than bookkeeping for an eviction order
        self._entries[digest] = entry
        return entry.principal

    async def _read(self, digest: str, generation: int) -> _Entry:
        async with self._read_uow() as uow:
            found = await uow.agents.by_token_hash(digest)
            now = uow.now()
        if found is None:
            raise UnauthenticatedError("unknown or expired token")
        api_token, agent = found
        if (
            api_token.revoked
            or not agent.is_active
            or (api_token.expires_at is not None and api_token.expires_at < now)
        ):
            raise UnauthenticatedError("unknown or expired token")
        principal = Principal(agent.id or 0, agent.username, Role(agent.role), agent.team)
        return _Entry(principal, api_token.expires_at, generation, self._monotonic() + self._ttl)

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
