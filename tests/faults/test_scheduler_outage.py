"""The scheduler rides out a Redis outage: a slot claimed while Redis is away is handed to the
workers once it is back, the loop never stops, and /readyz's registry names it meanwhile."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from redis import Redis as SyncRedis
from rq import Queue

from contact_center.bootstrap import build_container
from contact_center.outage import DEGRADED
from contact_center.periodic import Periodic
from contact_center.scheduler import Scheduler
from contact_center.storage.job_store import JobStore
from contact_center.storage.periodic_runs import PeriodicRuns
from tests.conftest import make_settings, unique
from tests.contact_center.fresh_database import fresh_postgres_url
from tests.faults.conftest import PrivateRedis
from tests.faults.gated_job import GATED

__all__ = ["fresh_postgres_url"]

pytestmark = pytest.mark.slow


async def polled(check: object, what: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.1)


async def test_a_slot_claimed_during_a_redis_outage_is_handed_out_when_redis_returns(
    fresh_postgres_url: str, private_redis: PrivateRedis
) -> None:
    queue_name = unique("cc_sched_")
    container = build_container(make_settings(fresh_postgres_url, private_redis.url, rq_queue=queue_name))
    name = unique("nightly")
    args = {"journal": "/nonexistent/journal", "gate": "/nonexistent/gate"}
    periodic = [Periodic(name, GATED, every=timedelta(hours=1), args=args)]
    scheduler = Scheduler(
        periodic,
        PeriodicRuns(container.sessions),
        container.jobs,
        JobStore(container.sessions, container.clock),
        container.clock,
        reap_every_s=1,
        max_attempts=3,
    )
    private_redis.kill()
    loop = asyncio.create_task(scheduler.run())
    try:
        await polled(lambda: "scheduler" in DEGRADED.now(), "the outage to show")
        runs = await PeriodicRuns(container.sessions).runs(name)
        assert len(runs) == 1  # claimed in the database meanwhile, once
        assert not loop.done()
        private_redis.start()  # comes back empty
        queue = Queue(queue_name, connection=SyncRedis.from_url(private_redis.url))
        await polled(lambda: queue.count == 1, "the claimed job to reach the workers' queue")
        await polled(lambda: "scheduler" not in DEGRADED.now(), "the outage to end")
        assert [r.job_id for r in await PeriodicRuns(container.sessions).runs(name)] == [runs[0].job_id]
    finally:
        loop.cancel()
        await asyncio.gather(loop, return_exceptions=True)
        await container.close()
