"""Background jobs' status, progress and result, in the database so any process can read them.

The web process that enqueued a job, the process that runs it (the same one, or an rq worker) and
any other web process behind the load balancer all see one row per job: `queued`, `running` with
a fraction and a short stage text, then `finished` with a JSON result or `failed` with an error
the API shows as it is (code and message, never a trace). Design: docs/planning.md, Jobs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import Field, SQLModel, col
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.domain.columns import utc_field
from contact_center.storage import idempotency
from contact_center.storage.uow import Clock

QUEUED, RUNNING, FINISHED, FAILED = "queued", "running", "finished", "failed"
STAGE_LENGTH = 200


class JobRecord(SQLModel, table=True):
    __tablename__ = "job"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    status: str = Field(default=QUEUED, max_length=20)
    progress: float = 0.0
    stage: str = Field(default="", max_length=STAGE_LENGTH)
    result: Any | None = Field(default=None, sa_type=JSON, nullable=True)
    error: Any | None = Field(default=None, sa_type=JSON, nullable=True)
    created_by: str = Field(default="system", max_length=100)
    created_at: datetime = utc_field()
    started_at: datetime | None = utc_field(nullable=True)
    finished_at: datetime | None = utc_field(nullable=True)


class JobStore:
    """Short transactions of their own, outside any unit of work: a job's bookkeeping must
    commit whatever the job's own work does."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def create(self, name: str, actor: str) -> int:
        async with self._sessions() as session:
            row = JobRecord(name=name, created_by=actor[:100], created_at=self._clock())
            session.add(row)
            claim = idempotency.stage(session)  # a request that starts a job claims its key here
            await session.commit()
            idempotency.mark_committed(claim)
            return row.id or 0

    async def get(self, job_id: int) -> JobRecord | None:
        async with self._sessions() as session:
            return await session.get(JobRecord, job_id)

    async def start(self, job_id: int) -> None:
        await self._set(job_id, status=RUNNING, started_at=self._clock(), stage="started")

    async def progress(self, job_id: int, fraction: float, stage: str) -> None:
        # Only a running job moves: a late write must not undo `finished`.
        fraction = min(max(fraction, 0.0), 1.0)
        await self._set(job_id, RUNNING, progress=fraction, stage=stage[:STAGE_LENGTH])

    async def finish(self, job_id: int, result: Any) -> None:
        await self._set(
            job_id, status=FINISHED, progress=1.0, stage="done", result=result, finished_at=self._clock()
        )

    async def fail(self, job_id: int, error: dict[str, Any]) -> None:
        await self._set(job_id, status=FAILED, stage="failed", error=error, finished_at=self._clock())

    async def _set(self, job_id: int, only_when: str | None = None, **values: Any) -> None:
        stmt = update(JobRecord).where(col(JobRecord.id) == job_id)
        if only_when is not None:
            stmt = stmt.where(col(JobRecord.status) == only_when)
        async with self._sessions() as session:
            await session.exec(stmt.values(**values))
            await session.commit()
