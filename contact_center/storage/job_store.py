"""Background jobs' status, progress and result, in the database so any process can read them.

The web process that enqueued a job, the process that runs it (the same one, or an rq worker) and
any other web process behind the load balancer all see one row per job: `queued`, `running` with
a fraction and a short stage text, then `finished` with a JSON result or `failed` with an error
the API shows as it is (code and message, never a trace). Design: docs/planning.md, Jobs.

The row is also the job's claim and its lease: a run starts only by moving the row from `queued`
to `running` (so a job handed out twice runs once at a time), counts itself in `attempts`, and
renews `lease_until` while it runs. A row whose lease lapsed lost its worker; the scheduler's
reaper (`contact_center/job_reaper.py`) queues it again. Every write after the start names the
attempt it belongs to, so a run presumed lost cannot overwrite the run that replaced it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, CursorResult, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import Field, SQLModel, col, select
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
    #: The keyword arguments it was enqueued with (plain JSON), so it can be queued again.
    args: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    #: Runs started so far (a run whose worker was lost counts).
    attempts: int = 0
    #: By when the row must show life again: a running job's renewed lease, a queued job's start.
    lease_until: datetime | None = utc_field(nullable=True, index=True)


#: How long a queued job may wait for a worker before it is handed out again (the first hand-out
#: lost with a process's memory or a Redis that forgot it). A second hand-out of a job that did
#: start finds it claimed and does nothing.
START_WITHIN = timedelta(minutes=10)


def new_job(name: str, actor: str, args: dict[str, Any], now: datetime) -> JobRecord:
    """A queued job's row, for a transaction to add."""
    return JobRecord(
        name=name, created_by=actor[:100], created_at=now, args=args, lease_until=now + START_WITHIN
    )


class JobStore:
    """Short transactions of their own, outside any unit of work: a job's bookkeeping must
    commit whatever the job's own work does."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def create(self, name: str, actor: str, args: dict[str, Any] | None = None) -> int:
        async with self._sessions() as session:
            row = new_job(name, actor, dict(args or {}), self._clock())
            session.add(row)
            claim = idempotency.stage(session)  # a request that starts a job claims its key here
            await session.commit()
            idempotency.mark_committed(claim)
            return row.id or 0

    async def get(self, job_id: int) -> JobRecord | None:
        async with self._sessions() as session:
            return await session.get(JobRecord, job_id)

    async def claim(self, job_id: int, lease_s: float) -> int | None:
        """Start a run: the attempt's number, or None when the job is not waiting to run (it
        runs elsewhere, or has ended)."""
        now = self._clock()
        stmt = (
            update(JobRecord)
            .where(col(JobRecord.id) == job_id, col(JobRecord.status) == QUEUED)
            .values(
                status=RUNNING,
                attempts=col(JobRecord.attempts) + 1,
                started_at=now,
                stage="started",
                lease_until=now + timedelta(seconds=lease_s),
            )
        )
        async with self._sessions() as session:
            if _count(await session.exec(stmt)) != 1:
                return None
            attempts = (await session.exec(select(JobRecord.attempts).where(JobRecord.id == job_id))).one()
            await session.commit()
            return int(attempts)

    async def renew(self, job_id: int, attempt: int, lease_s: float) -> bool:
        """Extend a running attempt's lease; False when the row has moved on without it."""
        until = self._clock() + timedelta(seconds=lease_s)
        return await self._set(job_id, attempt, (RUNNING,), lease_until=until)

    async def progress(self, job_id: int, fraction: float, stage: str) -> None:
        # Only a running job moves: a late write must not undo `finished`.
        fraction = min(max(fraction, 0.0), 1.0)
        await self._set(job_id, None, (RUNNING,), progress=fraction, stage=stage[:STAGE_LENGTH])

    async def finish(self, job_id: int, attempt: int, result: Any) -> None:
        """The attempt's result, unless another attempt has started since (then that one's
        outcome is the row's to tell)."""
        await self._set(
            job_id,
            attempt,
            (RUNNING, QUEUED),
            status=FINISHED,
            progress=1.0,
            stage="done",
            result=result,
            finished_at=self._clock(),
            lease_until=None,
        )

    async def fail(self, job_id: int, attempt: int, error: dict[str, Any]) -> None:
        await self._set(
            job_id,
            attempt,
            (RUNNING, QUEUED),
            status=FAILED,
            stage="failed",
            error=error,
            finished_at=self._clock(),
            lease_until=None,
        )

    async def lapsed(self, limit: int = 100) -> Sequence[JobRecord]:
        """Queued or running jobs whose lease has lapsed, oldest first."""
        stmt = (
            select(JobRecord)
            .where(
                col(JobRecord.status).in_((QUEUED, RUNNING)),
                col(JobRecord.lease_until) < self._clock(),
            )
            .order_by(col(JobRecord.lease_until))
            .limit(limit)
        )
        async with self._sessions() as session:
            return (await session.exec(stmt)).all()

    async def requeue(self, row: JobRecord, error: dict[str, Any] | None) -> bool:
        """Queue a lapsed job again, if it is still as `row` saw it: one reaper of several wins."""
        now = self._clock()
        values: dict[str, Any] = {
            "status": QUEUED,
            "stage": "queued again",
            "lease_until": now + START_WITHIN,
        }
        if error is not None:
            values["error"] = error
        return await self._set_lapsed(row, now, **values)

    async def give_up(self, row: JobRecord, error: dict[str, Any]) -> bool:
        """Fail a lapsed job that has had all its attempts, if it is still as `row` saw it."""
        now = self._clock()
        return await self._set_lapsed(
            row, now, status=FAILED, stage="failed", error=error, finished_at=now, lease_until=None
        )

    async def _set_lapsed(self, row: JobRecord, now: datetime, **values: Any) -> bool:
        stmt = update(JobRecord).where(
            col(JobRecord.id) == row.id,
            col(JobRecord.attempts) == row.attempts,
            col(JobRecord.status) == row.status,
            col(JobRecord.lease_until) < now,
        )
        async with self._sessions() as session:
            changed = _count(await session.exec(stmt.values(**values)))
            await session.commit()
            return changed == 1

    async def _set(self, job_id: int, attempt: int | None, statuses: tuple[str, ...], **values: Any) -> bool:
        stmt = update(JobRecord).where(col(JobRecord.id) == job_id, col(JobRecord.status).in_(statuses))
        if attempt is not None:
            stmt = stmt.where(col(JobRecord.attempts) == attempt)
        async with self._sessions() as session:
            changed = _count(await session.exec(stmt.values(**values)))
            await session.commit()
            return changed == 1


def _count(result: Any) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)
