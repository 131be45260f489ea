"""Today's forecast per interval for the wallboard, beside the actual offers of `queries.wallboard`.

The forecast is the planner's: `planning.forecast.forecast_week` for the queue's current week (the
model chosen by back-test, with the planner's overrides), the one the planner pages show. It reads
eight weeks of history and fits models, far too slow for every refresh of the wallboard, so each
process keeps one per queue and day for `FRESH_FOR` (a planner's new override shows within that)
and computes it in the background: until then the tile shows no forecast.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from contact_center.domain.errors import ContactCenterError
from contact_center.planning.forecast import forecast_week
from contact_center.queries.wallboard_today import queue_midnight
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)
FRESH_FOR = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class ForecastToday:
    """Contacts forecast per interval of the queue's day (None: no forecast, e.g. no history)."""

    queue_id: int
    day: str
    contacts: list[float] | None
    made_at: datetime


async def forecast_today(uow: UnitOfWork, queue_id: int, now: datetime) -> ForecastToday:
    """The planner's forecast for the queue's day at `now`, interval by interval (the slow query)."""
    async with uow:
        queue = await uow.queues.get(queue_id)
        day, midnight = queue_midnight(queue, now)
        try:
            week = await forecast_week(uow, queue, day)
        except ContactCenterError:  # no history yet: nothing to forecast
            return ForecastToday(queue_id, day.isoformat(), None, now)
    start = week.grid.index(midnight) or 0
    values = week.total()[start : start + week.grid.intervals_per_day]
    return ForecastToday(queue_id, day.isoformat(), [round(float(v), 2) for v in values], now)


class ForecastCache:
    """One forecast per queue and day in this process, computed in the background; `on_ready` is
    called when one is made (the console's hub then pushes it)."""

    def __init__(self, uow: Callable[[], UnitOfWork], on_ready: Callable[[], None]) -> None:
        self._uow = uow
        self._on_ready = on_ready
        self._made: dict[int, ForecastToday] = {}
        self._running: dict[int, asyncio.Task[None]] = {}
        # One forecast at a time: a console with fifty queues must not read fifty histories at once.
        self._one_at_a_time = asyncio.Semaphore(1)

    def get(self, queue_id: int, day: str, now: datetime) -> list[float] | None:
        """The forecast kept for the queue's `day`, starting a fresh one when it is missing or old."""
        kept = self._made.get(queue_id)
        stale = kept is None or kept.day != day or now - kept.made_at > FRESH_FOR
        if stale and queue_id not in self._running:
            self._running[queue_id] = asyncio.create_task(
                self._make(queue_id, now), name=f"wallboard-forecast-{queue_id}"
            )
        return kept.contacts if kept is not None and kept.day == day else None

    def attach(self, board: dict[str, Any]) -> dict[str, Any]:
        """Each tile of `queries.wallboard.wallboard` with its `forecast` (None until made)."""
        now = datetime.fromisoformat(board["at"])
        for tile in board["queues"]:
            tile["forecast"] = self.get(tile["queue_id"], tile["today"]["day"], now)
        return board

    async def _make(self, queue_id: int, now: datetime) -> None:
        try:
            async with self._one_at_a_time:
                self._made[queue_id] = await forecast_today(self._uow(), queue_id, now)
            self._on_ready()
        except Exception:  # the database away: the next refresh tries again
            log.warning("wallboard.forecast_failed", extra={"queue_id": queue_id}, exc_info=True)
        finally:
            self._running.pop(queue_id, None)

    async def close(self) -> None:
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
