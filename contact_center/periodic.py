"""The periodic jobs: what runs on a rhythm, and the due times ("slots") each rhythm makes.

A rhythm is every so many seconds (slots are multiples of it since the epoch, so every process
computes the same ones) or once a day at a UTC time. The scheduler (`scheduler.py`) claims the
latest slot that is due, never the ones before it: a scheduler that was down for three slots runs
the job once when it comes back, not three times. Nothing here reads the clock or the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from contact_center.privacy.retention import PURGE_JOB
from contact_center.services.follow_up_deadlines import OVERDUE_JOB
from contact_center.services.queue_alerts import ALERTS_JOB
from contact_center.settings import PeriodicSettings, Settings

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Periodic:
    """One periodic job: `name` is what its runs are claimed under, `job` the registered job."""

    name: str
    job: str
    every: timedelta | None = None
    at: time | None = None
    args: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.every is None) == (self.at is None):
            raise ValueError(f"periodic job {self.name}: give every or at, one of them")
        if self.every is not None and self.every <= timedelta(0):
            raise ValueError(f"periodic job {self.name}: every must be positive")

    def due(self, now: datetime) -> datetime:
        """The latest slot at or before `now`."""
        if self.every is not None:
            return EPOCH + self.every * ((now - EPOCH) // self.every)
        assert self.at is not None
        today = datetime.combine(now.astimezone(UTC).date(), self.at, tzinfo=UTC)
        return today if today <= now else today - DAY

    def after(self, slot: datetime) -> datetime:
        """The slot that follows `slot`."""
        return slot + (self.every if self.every is not None else DAY)


def _rhythm(chosen: PeriodicSettings, default_every_s: int) -> dict[str, Any]:
    if chosen.at is not None:
        hours, minutes = (int(part) for part in chosen.at.split(":"))
        return {"at": time(hours, minutes)}
    return {"every": timedelta(seconds=chosen.every_s or default_every_s)}


def periodic_jobs(settings: Settings) -> list[Periodic]:
    """The deployment's periodic jobs, from `[scheduler]` (docs/architecture.md, Scheduler)."""
    chosen = settings.scheduler
    table: list[Periodic] = []
    if chosen.retention.enabled and settings.privacy.message_retention_days is not None:
        rhythm = _rhythm(chosen.retention, settings.privacy.retention_interval_s)
        table.append(Periodic("retention", PURGE_JOB, **rhythm))
    if chosen.overdue_follow_ups.enabled:
        table.append(Periodic("overdue-follow-ups", OVERDUE_JOB, **_rhythm(chosen.overdue_follow_ups, 60)))
    if chosen.wallboard_alerts.enabled:
        table.append(Periodic("wallboard-alerts", ALERTS_JOB, **_rhythm(chosen.wallboard_alerts, 30)))
    return table
