"""This week's published schedule for the demo's support queue.

Without one, the agents view shows no adherence and each agent's "My schedule" is empty the first
time someone tries the demo; with one, both show what a planner's published week looks like (the
simulated agents work through their breaks, so their adherence falls below 100 % as a supervisor
would see it).
"""

from __future__ import annotations

from collections.abc import Callable

from contact_center.bus import MessageBus
from contact_center.domain.planning_commands import PublishSchedule
from contact_center.planning.schedules import BuildRequest, build_schedule
from contact_center.planning.weeks import current_monday, zone
from contact_center.storage.uow import UnitOfWork

DEMO_SCHEDULE_QUEUE = "support"


async def publish_demo_schedule(
    bus: MessageBus, uow: Callable[[], UnitOfWork], *, time_limit_s: float = 5.0
) -> int:
    """Build this week's schedule from the seeded history and publish it; returns its id."""
    async with uow() as reading:
        queue = await reading.queues.named(DEMO_SCHEDULE_QUEUE)
        week = current_monday(reading.now(), zone(queue.timezone))
    request = BuildRequest(week, days=7, time_limit_s=time_limit_s)
    schedule_id = await build_schedule(bus, uow, queue.id or 0, request, actor="demo")
    await bus.handle(PublishSchedule(schedule_id))
    return schedule_id
