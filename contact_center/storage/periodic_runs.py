"""Claims of periodic runs: one row per (periodic job, due time), written with the job's own row.

The claim is the proof that a slot was taken: a unique row, inserted in the same transaction as
the `job` row it starts, so however many schedulers reach a slot at once, one insert commits and
the others fail on the primary key, and a slot claimed always has its job. No lock that can lapse
is involved: a scheduler that stalls mid-claim either committed (its job exists) or did not (the
slot is still free for the others).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.domain.columns import UTCDateTime, utc_field
from contact_center.storage.job_store import new_job

ACTOR = "system:scheduler"


class PeriodicRun(SQLModel, table=True):
    __tablename__ = "periodic_run"

    name: str = Field(primary_key=True, max_length=100)
    slot: datetime = Field(primary_key=True, sa_type=UTCDateTime)
    job_id: int = Field(foreign_key="job.id")
    #: The scheduler process that won it (host, pid and a random part), for the operator.
    claimed_by: str = Field(max_length=200)
    claimed_at: datetime = utc_field()


class PeriodicRuns:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def claim(
        self, name: str, slot: datetime, job: str, args: Mapping[str, Any], owner: str, now: datetime
    ) -> int | None:
        """Create the slot's job, queued, unless another scheduler has: its id, or None."""
        async with self._sessions() as session:
            row = new_job(job, ACTOR, dict(args), now)
            session.add(row)
            try:
                await session.flush()
                session.add(
                    PeriodicRun(name=name, slot=slot, job_id=row.id or 0, claimed_by=owner, claimed_at=now)
                )
                await session.commit()
            except IntegrityError:
                await session.rollback()
                return None
            return row.id

    async def runs(self, name: str) -> Sequence[PeriodicRun]:
        """The slots claimed for `name`, oldest first."""
        async with self._sessions() as session:
            stmt = select(PeriodicRun).where(PeriodicRun.name == name).order_by(col(PeriodicRun.slot))
            return (await session.exec(stmt)).all()
