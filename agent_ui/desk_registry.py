"""Which agents have a desk open: in one process its own count of desk sockets, with Redis what
every web process can see (docs/agent-desk.md; the watch that acts on it is `desk_presence.py`).

With Redis each agent has a sorted set of the processes holding one of their desks, each member
scored with the time it stays valid until and refreshed by a heartbeat. So a desk that reconnects
to another process keeps the agent's desk open, and a process that dies stops vouching for its
desks within `DESK_TTL_S`, after which the agents it held are reported as lapsed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

#: How long a process's word that it holds an agent's desk stays valid without a heartbeat.
DESK_TTL_S = 30.0


class DeskRegistry(Protocol):
    """Which agents have a desk open: this process's count, and what all processes can see."""

    async def opened(self, agent_id: int) -> None: ...

    async def closed(self, agent_id: int) -> bool:
        """Count one desk closed; True when it was this process's last one for the agent."""
        ...

    async def alive(self, agent_id: int) -> bool:
        """Whether any process holds a desk of the agent's open now."""
        ...

    async def lapsed(self) -> list[int]:
        """The agents whose desks only processes that stopped vouching for them held (killed, or
        cut off): nobody saw those desks close. Each is reported once, to one process."""
        ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class LocalDesks:
    """One process: the count of open desk sockets per agent is the whole truth."""

    def __init__(self) -> None:
        self.open: dict[int, int] = {}

    async def opened(self, agent_id: int) -> None:
        self.open[agent_id] = self.open.get(agent_id, 0) + 1

    async def closed(self, agent_id: int) -> bool:
        left = self.open.get(agent_id, 0) - 1
        if left > 0:
            self.open[agent_id] = left
            return False
        self.open.pop(agent_id, None)
        return True

    async def alive(self, agent_id: int) -> bool:
        return self.open.get(agent_id, 0) > 0

    async def lapsed(self) -> list[int]:
        return []  # the one process is the whole truth: a closed desk was seen closing

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


class RedisDesks(LocalDesks):
    """Several processes: each one vouches, in `<prefix><agent id>`, for the desks it holds."""

    def __init__(self, redis: Redis, prefix: str, *, ttl_s: float = DESK_TTL_S) -> None:
        super().__init__()
        self._redis = redis
        self._prefix = prefix
        self._ttl = ttl_s
        self._me = uuid.uuid4().hex
        self._task: asyncio.Task[None] | None = None

    async def opened(self, agent_id: int) -> None:
        await super().opened(agent_id)
        await self._vouch([agent_id])

    async def closed(self, agent_id: int) -> bool:
        last = await super().closed(agent_id)
        if last:
            try:
                await self._redis.zrem(self._key(agent_id), self._me)
            except RedisError:  # its entry lapses by itself within the TTL
                log.warning("desk.unvouch_failed", extra={"agent_id": agent_id})
        return last

    async def alive(self, agent_id: int) -> bool:
        if await super().alive(agent_id):
            return True
        key = self._key(agent_id)
        now = time.time()
        await self._redis.zremrangebyscore(key, "-inf", now)
        return int(await self._redis.zcount(key, now, "+inf")) > 0

    async def lapsed(self) -> list[int]:
        """Whoever removes a dead process's last lapsed entry of an agent reports the agent: the
        removal is one command, so two processes sweeping at once never both report one."""
        now = time.time()
        found: list[int] = []
        async for key in self._redis.scan_iter(match=f"{self._prefix}*", count=1000):
            name = key.decode() if isinstance(key, bytes) else str(key)
            agent = name[len(self._prefix) :]
            if not agent.isdigit():
                continue
            if await self._redis.zremrangebyscore(name, "-inf", now) and not await self._redis.zcard(name):
                found.append(int(agent))
        return found

    async def start(self) -> None:
        self._task = asyncio.create_task(self._heartbeat(), name="desk-heartbeat")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(RedisError):
            for agent_id in list(self.open):
                await self._redis.zrem(self._key(agent_id), self._me)

    def _key(self, agent_id: int) -> str:
        return f"{self._prefix}{agent_id}"

    async def _vouch(self, agents: list[int]) -> None:
        until = time.time() + self._ttl
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for agent_id in agents:
                    pipe.zadd(self._key(agent_id), {self._me: until})
                    pipe.expire(self._key(agent_id), int(self._ttl * 2))
                await pipe.execute()
        except RedisError:
            log.warning("desk.vouch_failed", extra={"agents": len(agents)})

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self._ttl / 3)
            if self.open:
                await self._vouch(list(self.open))
