"""The outbox table: events written in the same transaction as the change that caused them.

A crash between commit and publish only delays an event; a rolled-back change leaves no row here,
so nothing is ever published for it.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from contact_center.domain.columns import utc_field


class OutboxEvent(SQLModel, table=True):
    __tablename__ = "outbox_event"

    id: int | None = Field(default=None, primary_key=True)
    event_type: str = Field(max_length=100)
    payload: str
    created_at: datetime = utc_field()
    published_at: datetime | None = utc_field(nullable=True, index=True)
    attempts: int = 0
