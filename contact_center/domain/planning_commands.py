"""Planning commands: what a planner (or a planning job) asks of the store.

Kept apart from `commands.py`, which holds the contact-handling commands; the bus treats both
alike. Plain values only: a solved schedule arrives as the pure solver's frozen shifts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contact_center.domain.commands import Command
from contact_center.domain.enums import Channel
from workforce.scheduling import ScheduledShift


@dataclass(frozen=True, slots=True)
class AddOverride(Command):
    """Multiply the forecast (`multiplier`) or replace it (`value`) over [starts_at, ends_at)."""

    queue_id: int
    starts_at: datetime
    ends_at: datetime
    multiplier: float | None = None
    value: float | None = None
    channel: Channel | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class DeleteOverride(Command):
    override_id: int


@dataclass(frozen=True, slots=True)
class Terms:
    """What one agent may work each week (the defaults are those of agents without a contract)."""

    min_weekly_minutes: int = 0
    max_weekly_minutes: int = 40 * 60
    max_weekly_shifts: int = 5
    min_days_off: int = 2
    min_rest_minutes: int = 11 * 60


@dataclass(frozen=True, slots=True)
class SetContract(Command):
    agent_id: int
    terms: Terms


@dataclass(frozen=True, slots=True)
class SaveSchedule(Command):
    """Store a solved schedule as a draft: its horizon, requirement, summary and shifts."""

    queue_id: int
    starts_at: datetime
    timezone: str
    interval_minutes: int
    num_intervals: int
    solver_status: str
    required: tuple[int, ...]
    summary: tuple[tuple[str, float], ...]
    shifts: tuple[ScheduledShift, ...]


@dataclass(frozen=True, slots=True)
class PublishSchedule(Command):
    schedule_id: int
