"""The console hub's loop ends when the server stops, whatever arrives at the same moment."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from aiohttp import web

from agent_ui.console_hub import DashboardHub
from contact_center.bootstrap import Container
from contact_center.domain.events import QueueCreated


async def test_an_event_arriving_as_the_server_stops_does_not_keep_the_hub_running(
    container: Container,
) -> None:
    """Python 3.11's `wait_for` drops a cancel that lands as the wait it guards ends; the hub's
    loop then went on, and the server's shutdown waited for it forever."""
    hub = DashboardHub(container.read_uow)
    app = web.Application()
    await hub.start(app)
    await asyncio.sleep(0.1)  # idle: waiting for something to push

    async def event_then_stop() -> None:
        # In one step of the loop, as a committed event and a shutdown can meet.
        await hub.on_event(QueueCreated(queue_id=1, name="support", at=datetime.now(UTC)))
        await hub.stop(app)

    stopping = asyncio.create_task(event_then_stop())
    done, _ = await asyncio.wait({stopping}, timeout=5)
    if not done:  # let the test end: a second cancel reaches the loop
        for task in asyncio.all_tasks():
            if task.get_name() == "dashboard-hub":
                task.cancel()
        await asyncio.wait({stopping}, timeout=5)
    assert stopping in done, "the hub's loop went on after it was stopped"
