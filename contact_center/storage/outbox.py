"""The outbox table: events written in the same transaction as the change that caused them.

A crash between commit and publish only delays an event; a rolled-back change leaves no row here,
so nothing is ever published for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.domain.columns import utc_field


class OutboxEvent(SQLModel, table=True):
    __tablename__ = "outbox_event"

    id: int | None = Field(default=None, primary_key=True)
    event_type: str = Field(max_length=100)
    payload: str
    created_at: datetime = utc_field()
    published_at: datetime | None = utc_field(nullable=True, index=True)
    attempts: int = 0


async def unpublished(session: AsyncSession, limit: int) -> Sequence[OutboxEvent]:
    """The oldest rows not yet published, locked: another dispatcher skips them, never waits."""
    stmt = (
        select(OutboxEvent)
        .where(col(OutboxEvent.published_at).is_(None))
        .order_by(col(OutboxEvent.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.exec(stmt)).all()


async def pending_events(session: AsyncSession, limit: int) -> list[tuple[int, str, str]]:
    """The oldest rows not yet published, unlocked: for the one dispatcher of a single process."""
    stmt = (
        select(OutboxEvent.id, OutboxEvent.event_type, OutboxEvent.payload)
        .where(col(OutboxEvent.published_at).is_(None))
        .order_by(col(OutboxEvent.id))
        .limit(limit)
    )
    return [(int(r[0] or 0), str(r[1]), str(r[2])) for r in (await session.exec(stmt)).all()]


async def mark_published(session: AsyncSession, ids: Sequence[int], at: datetime) -> None:
    await session.exec(update(OutboxEvent).where(col(OutboxEvent.id).in_(ids)).values(published_at=at))
