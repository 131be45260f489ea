"""Jobs whose worker was lost: run again, a limited number of times, with the row telling why.

A running job renews its lease (`jobs.Lease`); a worker killed with kill -9, or a machine gone,
stops renewing it. rq alone would not run such a job again: its horse dies with the worker, the
job sits in rq's StartedJobRegistry until a worker's maintenance pass (every 10 minutes) finds its
heartbeat stale, and then, having no rq retries, it is filed as abandoned. So the database is
the judge instead: the scheduler's loop calls `reap_lost_jobs`, which queues a lapsed job again
with a conditional UPDATE (one reaper of several wins), records "worker lost" as its last error,
and hands it to a worker under a fresh rq id; past `[jobs] max_attempts` runs it fails the job.
The same pass hands out again a queued job nobody started within `job_store.START_WITHIN` (a
hand-out lost with a process or a Redis that forgot it): its row's claim makes any duplicate
hand-out a no-op. Design: docs/architecture.md, Jobs.
"""

from __future__ import annotations

import logging
from typing import Any

from contact_center.jobs import JobRunner
from contact_center.storage.job_store import RUNNING, JobStore

log = logging.getLogger(__name__)


def worker_lost(attempt: int, *, final: bool) -> dict[str, Any]:
    then = "no attempt is left" if final else "it runs again"
    return {"code": "worker_lost", "message": f"worker lost during attempt {attempt}; {then}"}


async def reap_lost_jobs(store: JobStore, runner: JobRunner, max_attempts: int) -> list[int]:
    """Queue again (or fail) the jobs whose lease lapsed; returns the ids handed out again."""
    handed_out: list[int] = []
    for row in await store.lapsed():
        job_id = row.id or 0
        fields = {"job": row.name, "job_id": job_id, "attempt": row.attempts}
        if row.status == RUNNING and row.attempts >= max_attempts:
            if await store.give_up(row, worker_lost(row.attempts, final=True)):
                log.error("job.worker_lost_for_good", extra=fields)
            continue
        error = worker_lost(row.attempts, final=False) if row.status == RUNNING else None
        if await store.requeue(row, error):
            await runner.requeue(job_id, row.name, row.args)
            log.warning("job.worker_lost" if error else "job.handed_out_again", extra=fields)
            handed_out.append(job_id)
    return handed_out
