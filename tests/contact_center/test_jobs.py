"""Jobs run the same registered function in process and on rq, against the real database and Redis."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from redis import Redis as SyncRedis
from rq import Queue, SimpleWorker
from rq.job import Job, JobStatus
from rq.timeouts import TimerDeathPenalty

from contact_center.bootstrap import Container
from contact_center.domain.commands import CreateAgent, CreateCustomer, CreateQueue, ReceiveInbound
from contact_center.domain.enums import Channel
from contact_center.jobs import InProcessJobRunner, JobContext, JobRunner, RqJobRunner, job_named
from contact_center.planning.jobs import BUILD_SCHEDULE, build_args
from contact_center.planning.schedules import BuildRequest, load_schedule
from contact_center.planning.seed import HistoryProfile, seed_history
from contact_center.planning.weeks import current_monday, zone
from contact_center.storage.job_store import JobRecord, JobStore
from tests.conftest import REDIS_TEST_URL, unique
from tests.contact_center.conftest import random_phone

DASHBOARD_KEYS = {"at", "queues", "agents", "recent", "flagged"}


class ThreadWorker(SimpleWorker):
    """rq's in-process worker, run off the event loop's thread: no signal handlers, timer timeouts."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        return None


def shape(value: Any) -> Any:
    """The structure of a JSON-like value: keys and value types, not the values."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__ if value is not None else "NoneType"


async def seed(container: Container) -> str:
    queue = unique("jobs-q")
    await container.bus.handle(CreateQueue(name=queue, channels=(Channel.SMS,)))
    await container.bus.handle(
        ReceiveInbound(channel=Channel.SMS, sender=random_phone(), body="hi", queue=queue)
    )
    return queue


async def ended(runner: JobRunner, job_id: int) -> JobRecord:
    """The job's row once it has finished or failed (polled with a deadline)."""
    deadline = time.monotonic() + 60
    while True:
        row = await runner.status(job_id)
        assert row is not None
        if row.status in ("finished", "failed"):
            return row
        assert time.monotonic() < deadline, f"job {job_id} still {row.status}"
        await asyncio.sleep(0.05)


def context_of(container: Container) -> JobContext:
    return JobContext(container.uow, container.bus, container.settings, container.clock)


async def test_the_in_process_runner_runs_the_queue_summary_job(container: Container) -> None:
    assert isinstance(container.jobs, InProcessJobRunner)
    queue = await seed(container)
    await container.jobs.start()
    job_id = await container.jobs.enqueue("reports.queue_summary", actor="tester")
    row = await ended(container.jobs, job_id)
    assert row.status == "finished" and row.progress == 1.0 and row.created_by == "tester"
    assert row.started_at is not None and row.finished_at is not None
    result = row.result
    assert set(result) == DASHBOARD_KEYS
    [figures] = [q for q in result["queues"] if q["name"] == queue]
    assert figures["waiting"] == 1
    assert set(result["agents"]) == {"available", "busy", "wrap_up", "away", "offline"}


async def test_an_unknown_job_fails_at_enqueue_in_process(container: Container) -> None:
    with pytest.raises(LookupError, match="no job named"):
        await container.jobs.enqueue("reports.no_such_job")


async def test_an_unknown_job_fails_at_enqueue_on_rq(
    container: Container, redis_names: dict[str, str]
) -> None:
    redis = SyncRedis.from_url(REDIS_TEST_URL)
    try:
        runner = RqJobRunner(JobStore(container.sessions, container.clock), redis, redis_names["rq_queue"])
        with pytest.raises(LookupError, match="no job named"):
            await runner.enqueue("reports.no_such_job")
        assert runner.queue.count == 0
    finally:
        redis.close()


async def test_an_rq_worker_runs_the_job_with_the_same_result_shape(
    redis_container: Container,
    postgres_url: str,
    redis_names: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The worker builds its own container from the environment, as `rq worker` would.
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    monkeypatch.setenv("REDIS_URL", REDIS_TEST_URL)
    monkeypatch.setenv("CC_REDIS__RQ_QUEUE", redis_names["rq_queue"])
    monkeypatch.setenv("CC_REDIS__STREAM", redis_names["stream"])
    monkeypatch.setenv("CC_ENVIRONMENT", "test")
    queue = await seed(redis_container)
    assert isinstance(redis_container.jobs, RqJobRunner)
    job_id = await redis_container.jobs.enqueue("reports.queue_summary")

    connection = SyncRedis.from_url(REDIS_TEST_URL)
    try:
        rq_queue = Queue(redis_names["rq_queue"], connection=connection)
        assert rq_queue.count == 1
        worker = ThreadWorker([rq_queue], connection=connection)
        await asyncio.to_thread(worker.work, burst=True)
        job = Job.fetch(f"cc-job-{job_id}", connection=connection)
        assert job.get_status() == JobStatus.FINISHED, job.latest_result()
        from_rq = job.return_value()
    finally:
        connection.close()

    row = await ended(redis_container.jobs, job_id)
    assert row.status == "finished" and row.result == from_rq  # any process reads it from the database
    in_process = await job_named("reports.queue_summary")(context_of(redis_container))
    assert set(from_rq) == DASHBOARD_KEYS
    assert shape(from_rq) == shape(in_process)
    assert [q["waiting"] for q in from_rq["queues"] if q["name"] == queue] == [1]


async def test_an_rq_worker_builds_a_schedule_and_records_progress_and_the_result(
    redis_container: Container,
    postgres_url: str,
    redis_names: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "DATABASE_URL": postgres_url,
        "REDIS_URL": REDIS_TEST_URL,
        "CC_REDIS__RQ_QUEUE": redis_names["rq_queue"],
        "CC_REDIS__STREAM": redis_names["stream"],
        "CC_ENVIRONMENT": "test",
    }.items():
        monkeypatch.setenv(name, value)
    skill, name = unique("skill"), unique("rq_plan")
    queue_id = await redis_container.bus.handle(
        CreateQueue(name=name, channels=(Channel.VOICE,), required_skills=((skill, 2),))
    )
    for _ in range(2):
        await redis_container.bus.handle(CreateAgent(username=unique("rq_a"), skills=((skill, 3),)))
    await redis_container.bus.handle(CreateCustomer(name=unique("Rq ")))
    await seed_history(redis_container.uow, weeks=3, profiles={name: HistoryProfile(2.0, {"voice": 1.0})})
    async with redis_container.uow() as uow:
        week = current_monday(uow.now(), zone("UTC"))
    request = BuildRequest(week, days=1, time_limit_s=1.0)
    job_id = await redis_container.jobs.enqueue(
        BUILD_SCHEDULE, build_args(int(queue_id), request), actor="planner"
    )
    assert (await redis_container.jobs.status(job_id)).status == "queued"  # type: ignore[union-attr]
    connection = SyncRedis.from_url(REDIS_TEST_URL)
    try:
        worker = ThreadWorker([Queue(redis_names["rq_queue"], connection=connection)], connection=connection)
        await asyncio.to_thread(worker.work, burst=True)
    finally:
        connection.close()
    row = await ended(redis_container.jobs, job_id)
    assert row.status == "finished" and row.progress == 1.0 and row.stage == "done", row.error
    async with redis_container.uow() as uow:
        saved = await load_schedule(uow, row.result["schedule_id"])
    assert saved.row.queue_id == queue_id and saved.row.created_by == "planner"
