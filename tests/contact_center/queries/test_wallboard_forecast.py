"""Today's forecast beside the actual offers: the planner's forecast of the week cut to today's
intervals, made once in the background and kept; none for a queue without history."""

from __future__ import annotations

import asyncio

from contact_center.queries.wallboard_forecast import ForecastCache, forecast_today
from tests.contact_center.planning.conftest import NOW, Planning, seeded_queue


async def test_the_forecast_of_today_comes_from_the_planners_week(
    planning: Planning, database_url: str
) -> None:
    seeded = await seeded_queue(planning, database_url)
    made = await forecast_today(planning.container.read_uow(), seeded.queue_id, NOW)
    assert made.day == NOW.date().isoformat()
    assert made.contacts is not None and len(made.contacts) == 48  # 30-minute intervals
    assert all(value >= 0 for value in made.contacts) and sum(made.contacts) > 0


async def test_a_queue_without_history_has_no_forecast_and_the_cache_keeps_what_it_made(
    planning: Planning,
) -> None:
    queue_id, _name = await planning.queue()
    assert (await forecast_today(planning.container.read_uow(), queue_id, NOW)).contacts is None
    ready = asyncio.Event()
    cache = ForecastCache(planning.container.read_uow, ready.set)
    board = {
        "at": NOW.isoformat(),
        "queues": [{"queue_id": queue_id, "today": {"day": NOW.date().isoformat()}}],
    }
    assert cache.attach(board)["queues"][0]["forecast"] is None  # being made in the background
    await asyncio.wait_for(ready.wait(), 30)
    assert cache.get(queue_id, NOW.date().isoformat(), NOW) is None  # made: there is none to show
    await cache.close()
