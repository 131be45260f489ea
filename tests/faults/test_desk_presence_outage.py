"""An agent's desk closes and the database is away when the grace period ends.

The desk watch cannot set the agent away then; before, it logged a trace and forgot the agent,
who stayed available (and was offered work) with no desk open anywhere. Now it waits, logs the
outage once, and takes the agent out of routing once the database answers again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from agent_ui.desk_presence import DeskWatch
from agent_ui.desk_registry import LocalDesks
from contact_center.bootstrap import Container, build_container
from contact_center.domain.commands import CreateAgent, SetPresence
from contact_center.domain.enums import Presence, Role
from contact_center.settings import DeskSettings
from tests.conftest import make_settings, unique
from tests.faults.conftest import PrivatePostgres
from tests.faults.traffic import poll

pytestmark = pytest.mark.slow

GRACE_S = 0.5


@pytest.fixture
async def container(private_postgres: PrivatePostgres) -> AsyncIterator[Container]:
    built = build_container(make_settings(private_postgres.url), outbound=[])
    try:
        yield built
    finally:
        await built.close()


async def test_a_desk_closed_during_a_database_outage_takes_the_agent_out_once_it_is_back(
    container: Container, private_postgres: PrivatePostgres
) -> None:
    agent_id = int(await container.bus.handle(CreateAgent(username=unique("dk"), role=Role.AGENT)))
    await container.bus.handle(SetPresence(agent_id=agent_id, presence=Presence.AVAILABLE))
    settings = DeskSettings(disconnect_grace_s=GRACE_S, orphaned_chat_after_s=60.0)
    watch = DeskWatch(container.bus, container.uow, settings, LocalDesks())
    await watch.start()
    try:
        await watch.opened(agent_id)
        await watch.closed(agent_id)
        private_postgres.stop()
        await asyncio.sleep(GRACE_S * 4)  # the grace ends while nothing answers
        private_postgres.start()

        async def presence() -> str | None:
            try:
                async with container.uow() as uow:
                    agent = await uow.agents.get(agent_id)
            except Exception:  # this test's own pooled connections died with the server
                await container.database.dispose()
                return None
            return None if agent.presence == Presence.AVAILABLE else str(agent.presence)

        assert await poll(presence, within_s=15, what="the agent is taken out of routing") == "away"
    finally:
        await watch.stop()
