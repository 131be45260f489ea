"""A web process killed with desks open: nobody sees those desks close, but their word in Redis
lapses, and another process takes the agents out of routing unless their desks came back to it.
Real Redis and PostgreSQL; the dead process is a registry that vouched once and went silent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from agent_ui.desk_presence import DeskWatch
from agent_ui.desk_registry import RedisDesks
from contact_center.bootstrap import Container, build_container
from contact_center.domain.commands import CreateAgent, SetPresence
from contact_center.domain.enums import Presence, Role
from contact_center.settings import DeskSettings
from tests.conftest import REDIS_TEST_URL, make_settings, unique
from tests.contact_center.router.conftest import polled

TTL_S = 0.6
SETTINGS = DeskSettings(disconnect_grace_s=0.3, orphaned_chat_after_s=60.0)


@pytest.fixture
async def container(postgres_url: str, redis_names: dict[str, str]) -> AsyncIterator[Container]:
    built = build_container(make_settings(postgres_url, REDIS_TEST_URL, **redis_names), outbound=[])
    try:
        yield built
    finally:
        await built.close()


async def _agent(container: Container) -> int:
    agent_id = int(await container.bus.handle(CreateAgent(username=unique("dk"), role=Role.AGENT)))
    await container.bus.handle(SetPresence(agent_id=agent_id, presence=Presence.AVAILABLE))
    return agent_id


async def _presence(container: Container, agent_id: int) -> str:
    async with container.uow() as uow:
        return str((await uow.agents.get(agent_id)).presence)


async def _watching(container: Container) -> tuple[DeskWatch, RedisDesks]:
    """A live process's watch, and the registry of a process about to die (same Redis sets)."""
    assert container.redis is not None
    prefix = f"{container.settings.redis.stream}:desks:"
    watch = DeskWatch(
        container.bus,
        container.uow,
        SETTINGS,
        RedisDesks(container.redis, prefix, ttl_s=TTL_S),
        sweep_every_s=0.2,
    )
    await watch.start()
    return watch, RedisDesks(container.redis, prefix, ttl_s=TTL_S)


async def test_an_agent_whose_desk_died_with_its_process_is_taken_out_of_routing(
    container: Container,
) -> None:
    agent_id = await _agent(container)
    watch, dying = await _watching(container)
    try:
        await dying.opened(agent_id)  # then killed: no heartbeat, no goodbye
        away = await polled(lambda: _is_away(container, agent_id), within_s=10)
        assert away
    finally:
        await watch.stop()


async def test_an_agent_whose_desk_came_back_to_a_live_process_stays_available(container: Container) -> None:
    agent_id = await _agent(container)
    watch, dying = await _watching(container)
    try:
        await dying.opened(agent_id)
        await watch.opened(agent_id)  # the desk reconnected here
        await asyncio.sleep(TTL_S + SETTINGS.disconnect_grace_s + 1.0)
        assert await _presence(container, agent_id) == Presence.AVAILABLE
    finally:
        await watch.stop()


async def _is_away(container: Container, agent_id: int) -> bool:
    return await _presence(container, agent_id) == Presence.AWAY
