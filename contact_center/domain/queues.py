"""Queues: where interactions wait, with the service-level target they are measured against."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from contact_center.domain.columns import json_field, utc_field


class Queue(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True, index=True)
    channels: list[str] = json_field(list)
    required_skills: dict[str, int] = json_field(dict)
    priority: int = 0
    sl_target: float = 0.8
    sl_threshold_s: int = 20
    business_hours: dict[str, list[list[str]]] = json_field(dict)
    #: Days closed whatever the hours say (ISO dates, `2026-12-25`, in the queue's time zone).
    holidays: list[str] = json_field(list)
    timezone: str = Field(default="UTC", max_length=64)
    interval_minutes: int = 30
    routing: dict[str, Any] = json_field(dict)
    """Routing policy: escalation steps, sticky window, agent choice, offer timeout, aging, boosts."""
    #: The team whose supervisors oversee this queue; None: only supervisors without a team see it.
    team: str | None = Field(default=None, max_length=100, index=True)
    #: May agents take waiting work from this queue without an offer (queued -> active)?
    allow_picking: bool = False
    #: The wallboard's amber and red limits (`domain/wallboard.py`, docs/supervisor.md); a limit
    #: left out colours nothing.
    alert_thresholds: dict[str, float] = json_field(dict)
    #: Who is mailed once when the queue's alert fires (docs/supervisor.md); empty: nobody.
    alert_emails: list[str] = json_field(list)
    created_at: datetime = utc_field()
