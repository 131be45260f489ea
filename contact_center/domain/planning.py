"""Workforce planning records: forecast overrides, agent contracts, and stored schedules.

A schedule keeps its horizon (start, interval length, interval count) and each shift in minutes of
elapsed time from that start, exactly as workforce.scheduling returns them, so coverage, exports and
adherence are recomputed from the stored rows with the pure functions. Design: docs/planning.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from contact_center.domain.columns import json_field, utc_field
from contact_center.domain.interactions import InteractionTransition

# Planning history reads the offers (transitions into a queue) of one queue over weeks.
_transitions = InteractionTransition.__table__  # type: ignore[attr-defined]
QUEUE_OFFERS_INDEX = Index("ix_interaction_transition_queue_at", _transitions.c.queue_id, _transitions.c.at)


class ForecastOverride(SQLModel, table=True):
    """A planner's correction for a special period: multiply the forecast or replace it.

    Covers [starts_at, ends_at) of wall-clock time; `channel` None means every channel of the queue.
    Exactly one of multiplier and value is set (checked by the service)."""

    __tablename__ = "forecast_override"

    id: int | None = Field(default=None, primary_key=True)
    queue_id: int = Field(foreign_key="queue.id", index=True)
    channel: str | None = Field(default=None, max_length=20)
    starts_at: datetime = utc_field()
    ends_at: datetime = utc_field()
    multiplier: float | None = None
    value: float | None = None
    reason: str = Field(default="", max_length=200)
    created_by: str = Field(default="", max_length=100)
    created_at: datetime = utc_field()


class AgentContractTerms(SQLModel, table=True):
    """What one agent may work each week; agents without a row get the default terms."""

    __tablename__ = "agent_contract"

    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="agent.id", unique=True)
    min_weekly_minutes: int = 0
    max_weekly_minutes: int = 40 * 60
    max_weekly_shifts: int = 5
    min_days_off: int = 2
    min_rest_minutes: int = 11 * 60
    updated_at: datetime = utc_field()


class Schedule(SQLModel, table=True):
    """A solved schedule for one queue over a horizon; `status` is draft or published."""

    id: int | None = Field(default=None, primary_key=True)
    queue_id: int = Field(foreign_key="queue.id", index=True)
    starts_at: datetime = utc_field()
    timezone: str = Field(max_length=64)
    interval_minutes: int
    num_intervals: int
    status: str = Field(default="draft", max_length=20)
    solver_status: str = Field(default="", max_length=20)
    required: list[int] = json_field(list)
    summary: dict[str, Any] = json_field(dict)
    created_by: str = Field(default="", max_length=100)
    created_at: datetime = utc_field()
    published_at: datetime | None = utc_field(nullable=True)


class ScheduleShift(SQLModel, table=True):
    """One shift of a schedule; minutes are elapsed time from the schedule's start."""

    __tablename__ = "schedule_shift"

    id: int | None = Field(default=None, primary_key=True)
    schedule_id: int = Field(foreign_key="schedule.id", index=True)
    agent_id: int = Field(foreign_key="agent.id", index=True)
    day: int
    template: str = Field(max_length=50)
    skill: str = Field(max_length=100)
    start_minute: int
    end_minute: int
    paid_minutes: int
    breaks: list[dict[str, Any]] = json_field(list)
