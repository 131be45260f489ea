"""The scheduler starts each periodic job once per due time, however many schedulers run, and
once (not once per missed slot) after it was down; on SQLite the one-process server runs them too."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from contact_center.bootstrap import Container, build_container
from contact_center.domain.commands import CreateAgent, CreateCustomer
from contact_center.domain.work import FollowUpTask
from contact_center.jobs import JobContext, job
from contact_center.periodic import Periodic
from contact_center.roles import build_scheduler
from contact_center.scheduler import Scheduler
from contact_center.settings import Settings
from contact_center.storage.job_store import FINISHED, JobRecord, JobStore
from contact_center.storage.outbox import OutboxEvent
from contact_center.storage.periodic_runs import PeriodicRuns
from tests.conftest import make_settings, unique
from tests.contact_center.fresh_database import MovableClock, at, fresh_database_url

__all__ = ["fresh_database_url"]

PROBE = "tests.scheduler_probe"
#: Periodic name -> the job ids that ran under it, in this process.
RAN: dict[str, list[int]] = {}


@job(PROBE)
async def probe(ctx: JobContext, name: str) -> None:
    RAN.setdefault(name, []).append(ctx.job_id or 0)


def scheduler_of(container: Container, periodic: list[Periodic]) -> Scheduler:
    return Scheduler(
        periodic,
        PeriodicRuns(container.sessions),
        container.jobs,
        JobStore(container.sessions, container.clock),
        container.clock,
        reap_every_s=60,
        max_attempts=3,
    )


async def until(check: Callable[[], Any], what: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not await check():
        assert time.monotonic() < deadline, f"still not {what}"
        await asyncio.sleep(0.05)


@pytest.fixture
async def two(postgres_url: str) -> AsyncIterator[tuple[Container, Container]]:
    """Two processes' worth of everything, sharing one PostgreSQL database."""
    a = build_container(make_settings(postgres_url), outbound=[])
    b = build_container(make_settings(postgres_url), outbound=[])
    try:
        yield a, b
    finally:
        await a.close()
        await b.close()


async def test_two_schedulers_start_each_slot_once(two: tuple[Container, Container]) -> None:
    """The real loops racing on one database. Which slots they reach depends on the machine (a
    process stalled past a slot takes the next one, by design); that none is started twice does not."""
    a, b = two
    name = unique("probe")
    periodic = [Periodic(name, PROBE, every=timedelta(seconds=1), args={"name": name})]
    runs = PeriodicRuns(a.sessions)
    await a.jobs.start()
    await b.jobs.start()
    loops = [asyncio.create_task(scheduler_of(c, periodic).run()) for c in (a, b)]
    try:
        await until(lambda: _count(runs, name, 4), "four slots claimed")
    finally:
        for loop in loops:
            loop.cancel()
        await asyncio.gather(*loops, return_exceptions=True)
    claimed = await runs.runs(name)
    store = JobStore(a.sessions, a.clock)

    async def all_ran() -> bool:
        rows = [await store.get(r.job_id) for r in claimed]
        return all(row is not None and row.status == FINISHED for row in rows)

    await until(all_ran, "every claimed job finished")
    slots = [r.slot for r in claimed]
    assert len(set(slots)) == len(slots)
    assert all(slot == periodic[0].due(slot) for slot in slots)  # whole seconds, as every process counts
    # Each slot's job ran exactly once, whichever process claimed it, and nothing else ran.
    assert sorted(RAN[name]) == sorted(r.job_id for r in claimed)


async def test_two_schedulers_ticking_together_start_every_slot_once(postgres_url: str) -> None:
    """Both reach each slot at the same moment: one starts it, the other finds it taken, none is missed."""
    clock = MovableClock(at(10, 0, 0) + timedelta(milliseconds=300))
    a = build_container(make_settings(postgres_url), outbound=[], clock=clock)
    b = build_container(make_settings(postgres_url), outbound=[], clock=clock)
    name = unique("probe")
    periodic = [Periodic(name, PROBE, every=timedelta(seconds=1), args={"name": name})]
    try:
        schedulers = [scheduler_of(a, periodic), scheduler_of(b, periodic)]
        started = []
        for _ in range(4):
            ticks = await asyncio.gather(*(s.tick() for s in schedulers))
            started.append([s.slot for tick in ticks for s in tick])
            # Each sleeps until the next slot: the loop wakes for every one of them.
            assert [s.pause_s(clock(), reap_in_s=60) for s in schedulers] == [0.7, 0.7]
            clock.forward(1)
        assert started == [[at(10, 0, second)] for second in range(4)]
        assert [r.slot for r in await PeriodicRuns(a.sessions).runs(name)] == [at(10, 0, s) for s in range(4)]
    finally:
        await a.close()
        await b.close()


async def _count(runs: PeriodicRuns, name: str, at_least: int) -> bool:
    return len(await runs.runs(name)) >= at_least


async def test_a_scheduler_back_from_downtime_runs_a_job_once_for_the_missed_slots(
    fresh_database_url: str,
) -> None:
    clock = MovableClock(at(10, 0, 30))
    container = build_container(make_settings(fresh_database_url), outbound=[], clock=clock)
    name = unique("probe")
    periodic = [Periodic(name, PROBE, every=timedelta(minutes=1), args={"name": name})]
    try:
        first = scheduler_of(container, periodic)
        assert [s.slot for s in await first.tick()] == [at(10, 0)]
        assert await first.tick() == []  # the same slot is not started twice
        clock.forward(5 * 60 - 20)  # down over four slots: 10:01 to 10:04 are missed
        restarted = scheduler_of(container, periodic)
        assert [s.slot for s in await restarted.tick()] == [at(10, 5)]
        assert await scheduler_of(container, periodic).tick() == []  # a third one finds it taken
        claimed = await PeriodicRuns(container.sessions).runs(name)
        assert [r.slot for r in claimed] == [at(10, 0), at(10, 5)]
        await container.jobs.start()

        async def ran() -> bool:
            return sorted(RAN.get(name, [])) == sorted(r.job_id for r in claimed)

        await until(ran, "both runs done")
    finally:
        await container.close()


async def test_the_one_process_server_marks_overdue_follow_ups_and_tells_the_owner(
    fresh_database_url: str,
) -> None:
    """What `serve` runs on SQLite (and in process on PostgreSQL): the deployment's own table."""
    settings = Settings.model_validate(
        {
            "environment": "test",
            "database": {"url": fresh_database_url},
            "scheduler": {"overdue_follow_ups": {"every_s": 1}},
        }
    )
    container = build_container(settings, outbound=[])
    try:
        owner = await container.bus.handle(CreateAgent(username=unique("owner")))
        customer = await container.bus.handle(CreateCustomer(name=unique("c")))
        now = container.clock()
        async with container.uow() as uow:
            for title, due, done in (("late", -60, False), ("later", 3600, False), ("closed", -60, True)):
                uow.session.add(
                    FollowUpTask(
                        customer_id=customer,
                        owner_id=owner,
                        title=title,
                        due_at=now + timedelta(seconds=due),
                        done=done,
                        created_at=now,
                    )
                )
            await uow.commit()
        await container.jobs.start()
        loop = asyncio.create_task(build_scheduler(container).run())
        try:

            async def stamped() -> bool:
                async with container.read_uow() as uow:
                    rows = (
                        await uow.session.exec(select(FollowUpTask).where(FollowUpTask.owner_id == owner))
                    ).all()
                return {r.title: r.overdue_at is not None for r in rows} == {
                    "late": True,
                    "later": False,
                    "closed": False,
                }

            await until(stamped, "the late follow-up stamped")
            await _count_jobs(container, 3)  # several runs: the stamp is not repeated
        finally:
            loop.cancel()
            await asyncio.gather(loop, return_exceptions=True)
        async with container.read_uow() as uow:
            events = (
                await uow.session.exec(
                    select(OutboxEvent).where(OutboxEvent.event_type == "follow_up.overdue")
                )
            ).all()
        assert len(events) == 1 and f'"agent_id": {owner}' in events[0].payload
    finally:
        await container.close()


async def _count_jobs(container: Container, runs: int) -> None:
    async def enough() -> bool:
        async with container.read_uow() as uow:
            rows = (await uow.session.exec(select(JobRecord).where(col(JobRecord.status) == FINISHED))).all()
        return len(rows) >= runs

    await until(enough, f"{runs} runs finished")
