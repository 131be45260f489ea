"""One attempt at a mail at a time, whoever runs the job: a row is claimed before its mail goes
out, and the attempt's outcome is written only while that claim still holds.

Transcripts (`transcripts/sending.py`) and queue alerts (`services/queue_alerts.py`) send mail
from jobs that may run twice (a retried job, two schedulers) or die mid-send. Claiming moves the
row from pending to sending in one guarded update and counts the attempt; a claim older than the
longest a job may run (`stale_after`) belonged to a lost job and may be taken again. The outcome
is written where the row is still sending with this attempt's count, so a job that lost its
claim to a later one cannot overwrite what that one wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, and_, or_, update
from sqlalchemy.sql.dml import Update

from contact_center.storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class MailClaims:
    """Where a table keeps its mail's status, claim time and attempts, the two status values, and
    when a claim is a lost job's."""

    table: Table
    status: Column[Any]
    claimed_at: Column[Any]
    attempts: Column[Any]
    pending: str
    sending: str
    stale_after: timedelta

    def waiting(self, now: datetime) -> ColumnElement[bool]:
        """Rows whose mail may be tried now: pending, or held by a lost job."""
        stale = and_(self.status == self.sending, self.claimed_at < now - self.stale_after)
        return or_(self.status == self.pending, stale)

    def claim(self, row_id: int, now: datetime, **values: Any) -> Update:
        """The update that takes row `row_id` for one attempt (one row changed: it is ours)."""
        return (
            update(self.table)
            .where(self.table.c.id == row_id, self.waiting(now))
            .values(
                {
                    self.status.key: self.sending,
                    self.claimed_at.key: now,
                    self.attempts.key: self.attempts + 1,
                }
                | values
            )
        )

    async def record(self, uow: UnitOfWork, row_id: int, attempts: int, **values: Any) -> None:
        """Write an attempt's outcome while its claim (`attempts`, as claimed) still holds."""
        async with uow:
            conn = await uow.connection()
            await conn.execute(
                update(self.table)
                .where(self.table.c.id == row_id, self.status == self.sending, self.attempts == attempts)
                .values(**values)
            )
            await uow.commit()
