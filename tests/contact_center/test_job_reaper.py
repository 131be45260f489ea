"""A job whose worker was lost runs again, a limited number of times, and its row tells why; a run
presumed lost cannot overwrite the run that replaced it; a job handed out twice runs once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from contact_center.bootstrap import Container, build_container
from contact_center.job_reaper import reap_lost_jobs
from contact_center.jobs import JobContext, job, run_job
from contact_center.settings import Settings
from contact_center.storage.job_store import FAILED, FINISHED, QUEUED, JobRecord, JobStore
from tests.conftest import unique
from tests.contact_center.fresh_database import MovableClock, at, fresh_database_url

__all__ = ["fresh_database_url"]

ATTEMPTS = "tests.reaper_attempts"
#: Tag -> the attempt numbers its job ran with, in this process (fresh databases reuse job ids).
SEEN: dict[str, list[int]] = {}
LEASE_S = 30.0


@job(ATTEMPTS)
async def record_attempt(ctx: JobContext, tag: str) -> dict[str, str]:
    SEEN.setdefault(tag, []).append(ctx.attempt)
    return {"tag": tag}


@pytest.fixture
async def world(fresh_database_url: str) -> AsyncIterator[tuple[Container, MovableClock]]:
    clock = MovableClock(at(9))
    settings = Settings.model_validate(
        {"environment": "test", "database": {"url": fresh_database_url}, "jobs": {"lease_s": LEASE_S}}
    )
    container = build_container(settings, outbound=[], clock=clock)
    try:
        yield container, clock
    finally:
        await container.close()


async def row_when(store: JobStore, job_id: int, status: str) -> JobRecord:
    deadline = time.monotonic() + 30
    while True:
        row = await store.get(job_id)
        assert row is not None
        if row.status == status:
            return row
        assert time.monotonic() < deadline, f"job {job_id} still {row.status}"
        await asyncio.sleep(0.05)


async def test_a_job_whose_worker_was_lost_runs_again_and_says_so(
    world: tuple[Container, MovableClock],
) -> None:
    container, clock = world
    store = JobStore(container.sessions, clock)
    tag = unique("tag")
    job_id = await store.create(ATTEMPTS, "tester", {"tag": tag})
    assert await store.claim(job_id, LEASE_S) == 1  # a worker started it, then was killed
    assert await reap_lost_jobs(store, container.jobs, max_attempts=3) == []  # its lease still runs
    clock.forward(LEASE_S + 1)
    assert await reap_lost_jobs(store, container.jobs, max_attempts=3) == [job_id]
    assert await reap_lost_jobs(store, container.jobs, max_attempts=3) == []  # once
    requeued = await store.get(job_id)
    assert requeued is not None and requeued.status == QUEUED and requeued.error["code"] == "worker_lost"
    await container.jobs.start()
    done = await row_when(store, job_id, FINISHED)
    assert SEEN[tag] == [2]
    assert done.attempts == 2 and done.result == {"tag": tag}
    assert done.error == {"code": "worker_lost", "message": "worker lost during attempt 1; it runs again"}
    # The first run, presumed lost, turns up late: the row keeps the second run's outcome.
    await store.fail(job_id, 1, {"code": "late"})
    assert (await store.get(job_id)) == done


async def test_a_job_that_keeps_losing_its_worker_fails_after_its_attempts(
    world: tuple[Container, MovableClock],
) -> None:
    container, clock = world  # the runner is not started: each hand-out is "lost" by hand below
    store = JobStore(container.sessions, clock)
    tag = unique("tag")
    job_id = await store.create(ATTEMPTS, "tester", {"tag": tag})
    for attempt in (1, 2, 3):
        assert await store.claim(job_id, LEASE_S) == attempt
        clock.forward(LEASE_S + 1)
        reaped = await reap_lost_jobs(store, container.jobs, max_attempts=3)
        assert reaped == ([job_id] if attempt < 3 else [])
    row = await store.get(job_id)
    assert row is not None and row.status == FAILED and row.attempts == 3
    assert row.error == {"code": "worker_lost", "message": "worker lost during attempt 3; no attempt is left"}
    assert tag not in SEEN


async def test_a_queued_job_nobody_started_is_handed_out_again_and_runs_once(
    world: tuple[Container, MovableClock],
) -> None:
    """Its first hand-out was lost (a process's memory, a Redis that came back empty)."""
    container, clock = world
    store = JobStore(container.sessions, clock)
    tag = unique("tag")
    job_id = await store.create(ATTEMPTS, "tester", {"tag": tag})
    clock.forward(9 * 60)
    assert await reap_lost_jobs(store, container.jobs, max_attempts=3) == []
    clock.forward(2 * 60)
    assert await reap_lost_jobs(store, container.jobs, max_attempts=3) == [job_id]
    await container.jobs.start()
    row = await row_when(store, job_id, FINISHED)
    assert row.attempts == 1 and row.error is None and SEEN[tag] == [1]


async def test_a_job_handed_out_twice_runs_once(world: tuple[Container, MovableClock]) -> None:
    container, clock = world
    store = JobStore(container.sessions, clock)
    tag = unique("tag")
    job_id = await store.create(ATTEMPTS, "tester", {"tag": tag})
    context = JobContext(container.uow, container.bus, container.settings, clock)
    first, second = await asyncio.gather(
        run_job(store, context, job_id, ATTEMPTS, {"tag": tag}),
        run_job(store, context, job_id, ATTEMPTS, {"tag": tag}),
    )
    assert sorted([first, second], key=str) == [None, {"tag": tag}]
    assert SEEN[tag] == [1]
