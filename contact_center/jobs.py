"""Background jobs: an in-process runner by default, rq queues on Redis for several processes.

A job is an async function registered by name with `@job("name")`. It receives a `JobContext` (the
narrow things a job may use: units of work, the bus, settings, the clock, the mail sender, who
asked, and a progress reporter) and keyword arguments made of plain JSON values, so the same
function runs in both modes. Every job has a row in the `job` table (storage/job_store.py): its
status, progress and result or error are readable by id from any process. CPU-heavy work inside a
job goes to a thread (`asyncio.to_thread`): the in-process runner shares the web process's event
loop.

The rule every job keeps: **running it twice does no harm.** A worker killed mid-job (kill -9,
the machine lost) leaves its row `running` with a lease nobody renews; the scheduler's reaper
queues it again (`job_reaper.py`), up to `[jobs] max_attempts` runs, so a job may be cut off
anywhere and run again from the start. So a job writes in short transactions that check before
they change (a purge finds nothing left to purge, overdue follow-ups already marked are not
marked again), and anything that leaves the system (a mail, a message to a provider) is claimed
in the database before it leaves and carries a key derived from what it sends (the message id),
so a retry is recognised by the provider rather than sent again. Jobs are still run one at a time
per row: a run starts only by claiming the queued row, so a job handed out twice runs once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from contact_center.bus import MessageBus
from contact_center.domain.errors import ContactCenterError
from contact_center.mail import MailSender
from contact_center.outage import Outage, is_outage
from contact_center.settings import Settings
from contact_center.storage.job_store import JobRecord, JobStore
from contact_center.storage.uow import Clock, UnitOfWork

if TYPE_CHECKING:
    from redis import Redis as SyncRedis

log = logging.getLogger(__name__)

RQ_QUEUE = "contact_center"
#: An rq worker gives up on a job after this long (the longest solve is 300 s).
RQ_JOB_TIMEOUT_S = 900
#: A job's progress row is written at most this often, whatever the job reports.
PROGRESS_EVERY_S = 0.2

#: Called with a fraction from 0 to 1 and a short stage text, from any thread.
Progress = Callable[[float, str], None]


def ignore_progress(fraction: float, stage: str) -> None:
    return None


@dataclass(frozen=True, slots=True)
class JobContext:
    uow: Callable[[], UnitOfWork]
    bus: MessageBus
    settings: Settings
    clock: Clock
    #: Outgoing mail, when this deployment has a mail server (`[mail]`).
    mail: MailSender | None = None
    progress: Progress = ignore_progress
    job_id: int | None = None
    actor: str = "system"
    #: 1 for the first run; more when a worker was lost on an earlier one.
    attempt: int = 1


JobFunction = Callable[..., Awaitable[Any]]
_JOBS: dict[str, JobFunction] = {}


def job(name: str) -> Callable[[JobFunction], JobFunction]:
    def register(fn: JobFunction) -> JobFunction:
        _JOBS[name] = fn
        return fn

    return register


def job_named(name: str) -> JobFunction:
    """A registered job; the composition root imports the modules that register them."""
    if name not in _JOBS:
        raise LookupError(f"no job named {name!r}")
    return _JOBS[name]


#: What an rq worker runs for every job, named by path: it is an entry point (it builds the process).
RQ_ENTRY = "contact_center.server.run_rq_job"


class JobRunner(Protocol):
    async def enqueue(
        self, name: str, args: Mapping[str, Any] | None = None, *, actor: str = "system"
    ) -> int:
        """Record the job as queued and hand it to a worker; returns its id."""
        ...

    async def requeue(self, job_id: int, name: str, args: Mapping[str, Any]) -> None:
        """Hand a job whose row is queued again (by the reaper) to a worker."""
        ...

    async def status(self, job_id: int) -> JobRecord | None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class ProgressWriter:
    """Takes a job's progress from any thread and writes the latest value to its row from the
    event loop, at most every PROGRESS_EVERY_S, so a chatty solver cannot flood the database."""

    def __init__(self, store: JobStore, job_id: int) -> None:
        self._store, self._job_id = store, job_id
        self._loop = asyncio.get_running_loop()
        self._latest: tuple[float, str] | None = None
        self._changed = asyncio.Event()
        self._task = asyncio.create_task(self._write(), name=f"job-{job_id}-progress")

    def __call__(self, fraction: float, stage: str) -> None:
        self._loop.call_soon_threadsafe(self._set, fraction, stage)

    def _set(self, fraction: float, stage: str) -> None:
        self._latest = (fraction, stage)
        self._changed.set()

    async def _write(self) -> None:
        while True:
            await self._changed.wait()
            self._changed.clear()
            if self._latest is not None:
                try:
                    await self._store.progress(self._job_id, *self._latest)
                except Exception:  # progress is advisory: the job itself goes on
                    log.warning("job.progress_unwritten", extra={"job_id": self._job_id}, exc_info=True)
            await asyncio.sleep(PROGRESS_EVERY_S)

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


def _error_of(exc: Exception) -> dict[str, Any]:
    if isinstance(exc, ContactCenterError):
        return {"code": exc.code, "message": exc.message, "http_status": exc.http_status}
    return {"code": "internal", "message": "the job failed unexpectedly; the log has the details"}


class Lease:
    """Renews a running attempt's lease until closed; a renewal lost to an outage is tried again
    at the next beat (a lapse only means the job may be run again, which every job tolerates)."""

    def __init__(self, store: JobStore, job_id: int, attempt: int, lease_s: float) -> None:
        self._store, self._job_id, self._attempt, self._lease_s = store, job_id, attempt, lease_s
        self._outage = Outage(log, "job.lease")
        self._task = asyncio.create_task(self._renew(), name=f"job-{job_id}-lease")

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(self._lease_s / 3)
            try:
                await self._store.renew(self._job_id, self._attempt, self._lease_s)
            except Exception as exc:  # advisory, as progress is: the job itself goes on
                if is_outage(exc):
                    self._outage.failed(exc)
                else:
                    log.warning("job.lease_unrenewed", extra={"job_id": self._job_id}, exc_info=True)
            else:
                self._outage.recovered()

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def run_job(
    store: JobStore, context: JobContext, job_id: int, name: str, kwargs: dict[str, Any]
) -> Any:
    """Run one job and record its course in its row; re-raises what the job raised. A job that
    is not waiting to run (another worker holds it, or it has ended) is left alone: None."""
    lease_s = context.settings.jobs.lease_s
    attempt = await store.claim(job_id, lease_s)
    if attempt is None:
        log.info("job.not_claimed", extra={"job": name, "job_id": job_id})
        return None
    record = await store.get(job_id)
    actor = record.created_by if record is not None else "system"
    writer = ProgressWriter(store, job_id)
    lease = Lease(store, job_id, attempt, lease_s)
    ran = replace(context, progress=writer, job_id=job_id, actor=actor, attempt=attempt)
    try:
        result = await job_named(name)(ran, **kwargs)
    except Exception as exc:  # the job runner is an edge: record, log, and pass the failure on
        await lease.close()
        await writer.close()
        await store.fail(job_id, attempt, _error_of(exc))
        if not isinstance(exc, ContactCenterError):
            log.exception("job.failed", extra={"job": name, "job_id": job_id, "attempt": attempt})
        raise
    await lease.close()
    await writer.close()
    await store.finish(job_id, attempt, result)
    return result


class InProcessJobRunner:
    """An asyncio queue and a few worker tasks in this process."""

    def __init__(self, store: JobStore, context: JobContext, *, workers: int = 2) -> None:
        self._store = store
        self._context = context
        self._queue: asyncio.Queue[tuple[int, str, dict[str, Any]]] = asyncio.Queue()
        self._workers = workers
        self._tasks: list[asyncio.Task[None]] = []

    async def enqueue(
        self, name: str, args: Mapping[str, Any] | None = None, *, actor: str = "system"
    ) -> int:
        job_named(name)  # fail at enqueue time on an unknown job
        job_id = await self._store.create(name, actor, dict(args or {}))
        await self._queue.put((job_id, name, dict(args or {})))
        return job_id

    async def requeue(self, job_id: int, name: str, args: Mapping[str, Any]) -> None:
        await self._queue.put((job_id, name, dict(args)))

    async def status(self, job_id: int) -> JobRecord | None:
        return await self._store.get(job_id)

    async def start(self) -> None:
        for i in range(self._workers):
            self._tasks.append(asyncio.create_task(self._work(), name=f"jobs-{i}"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _work(self) -> None:
        while True:
            job_id, name, kwargs = await self._queue.get()
            # A failure is recorded in the job's row (and logged) by run_job; the worker goes on.
            with contextlib.suppress(Exception):
                await run_job(self._store, self._context, job_id, name, kwargs)
            self._queue.task_done()


class RqJobRunner:
    """Enqueues on rq; `contact-center serve --role worker` (an rq worker) runs the jobs."""

    def __init__(self, store: JobStore, redis: SyncRedis, queue_name: str = RQ_QUEUE) -> None:
        from rq import Queue

        self._store = store
        self.queue = Queue(queue_name, connection=redis)

    async def enqueue(
        self, name: str, args: Mapping[str, Any] | None = None, *, actor: str = "system"
    ) -> int:
        job_named(name)
        job_id = await self._store.create(name, actor, dict(args or {}))
        await self._hand_out(job_id, name, dict(args or {}), f"cc-job-{job_id}")
        return job_id

    async def requeue(self, job_id: int, name: str, args: Mapping[str, Any]) -> None:
        # A fresh rq id: the lost hand-out may still sit in rq's registries under the first one.
        await self._hand_out(job_id, name, dict(args), f"cc-job-{job_id}-{uuid.uuid4().hex[:8]}")

    async def _hand_out(self, job_id: int, name: str, args: dict[str, Any], rq_id: str) -> None:
        await asyncio.to_thread(
            self.queue.enqueue,
            RQ_ENTRY,
            args=(name, args, job_id),
            job_id=rq_id,
            job_timeout=RQ_JOB_TIMEOUT_S,
        )

    async def status(self, job_id: int) -> JobRecord | None:
        return await self._store.get(job_id)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None
