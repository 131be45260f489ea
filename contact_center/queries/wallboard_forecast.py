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

from contact_center.domain.errors import ContactCenterError
from contact_center.domain.queues import Queue
from contact_center.planning.forecast import forecast_week
from contact_center.queries.wallboard import queue_midnight
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


async def forecast_today(uow: UnitOfWork, queue: Queue, now: datetime) -> ForecastToday:
    """The planner's forecast for `queue`'s day at `now`, interval by interval (the slow query)."""
    day, midnight = queue_midnight(queue, now)
    try:
        async with uow:
            week = await forecast_week(uow, queue, day)
    except ContactCenterError:  # no history yet: nothing to forecast
        return ForecastToday(queue.id or 0, day.isoformat(), None, now)
    start = week.grid.index(midnight) or 0
    values = week.total()[start : start + week.grid.intervals_per_day]
    return ForecastToday(queue.id or 0, day.isoformat(), [round(float(v), 2) for v in values], now)


class ForecastCache:
    """One forecast per queue and day in this process, computed in the background."""

    def __init__(self, uow: Callable[[], UnitOfWork], on_ready: Callable[[], None]) -> None:
        self._uow = uow
        self._on_ready = on_ready
        self._made: dict[int, ForecastToday] = {}
        self._running: dict[int, asyncio.Task[None]] = {}

    def get(self, queue: Queue, now: datetime) -> ForecastToday | None:
        """The forecast kept for the queue's day, starting a fresh one when it is missing or old."""
        qid = queue.id or 0
        kept = self._made.get(qid)
        day = queue_midnight(queue, now)[0].isoformat()
        if (kept is None or kept.day != day or now - kept.made_at > FRESH_FOR) and qid not in self._running:
            self._running[qid] = asyncio.create_task(self._make(queue, now), name=f"wallboard-forecast-{qid}")
        return kept if kept is not None and kept.day == day else None

    async def _make(self, queue: Queue, now: datetime) -> None:
        try:
            self._made[queue.id or 0] = await forecast_today(self._uow(), queue, now)
            self._on_ready()
        except Exception:  # the database away: the next refresh tries again
            log.warning("wallboard.forecast_failed", extra={"queue_id": queue.id}, exc_info=True)
        finally:
            self._running.pop(queue.id or 0, None)

    async def close(self) -> None:
        for task in list(self._running.values()):
            task.cancel()
        await asyncio.gather(*self._running.values(), return_exceptions=True)
