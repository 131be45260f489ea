"""kill -9 a worker mid-job: the job runs again on another worker, once, and its row says so.

A real `serve --role worker` (rq) runs a job that waits on a gate; the worker is killed with
SIGKILL while it waits (its work horse dies with it), the gate is opened, and a scheduler
(`serve --role scheduler`, whose reaper finds the job's lease lapsed) and a second worker start.
The job must finish exactly once, on its second attempt, with "worker lost" as its last error.
Before: rq left the job in its started registry and later filed it as abandoned; nothing ran it
again, and the horse of a killed worker went on running the job unwatched.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from contact_center.bootstrap import build_container
from contact_center.storage.job_store import FINISHED, JobRecord, JobStore
from tests.conftest import REDIS_TEST_URL, ROOT, make_settings
from tests.contact_center.fresh_database import fresh_postgres_url
from tests.contact_center.server_process import clean_env, cli
from tests.faults.gated_job import GATED

__all__ = ["fresh_postgres_url"]

pytestmark = pytest.mark.slow

LEASE_S = 1.5


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[bytes]]]:
    processes: list[subprocess.Popen[bytes]] = []
    yield processes
    for proc in processes:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in processes:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


async def polled(check: object, what: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not await check():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.1)


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


async def test_a_job_whose_worker_is_killed_runs_again_once_on_another_worker(
    fresh_postgres_url: str,
    redis_names: dict[str, str],
    started: list[subprocess.Popen[bytes]],
    tmp_path: Path,
) -> None:
    env = clean_env(
        {
            "DATABASE_URL": fresh_postgres_url,
            "REDIS_URL": REDIS_TEST_URL,
            "CC_ENVIRONMENT": "test",
            "CC_REDIS__STREAM": redis_names["stream"],
            "CC_REDIS__RQ_QUEUE": redis_names["rq_queue"],
            "CC_JOBS__MODULES": "tests.faults.gated_job",
            "CC_JOBS__LEASE_S": str(LEASE_S),
            "CC_SCHEDULER__REAP_EVERY_S": "0.5",
            "PYTHONPATH": str(ROOT),
        }
    )
    journal, gate = tmp_path / "journal.txt", tmp_path / "gate"
    gate.touch()
    first = cli("serve", "--role", "worker", env=env, log=tmp_path / "worker-1.log")
    started.append(first)
    settings = make_settings(fresh_postgres_url, REDIS_TEST_URL, **redis_names)
    container = build_container(settings, outbound=[])
    store = JobStore(container.sessions, container.clock)
    try:
        job_id = await container.jobs.enqueue(
            GATED, {"journal": str(journal), "gate": str(gate)}, actor="test"
        )

        async def waiting_at_the_gate() -> bool:
            return journal.exists() and journal.read_text().startswith("started 1 ")

        await polled(waiting_at_the_gate, "the first attempt to start")
        horse = int(journal.read_text().split()[2])
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)

        async def horse_gone() -> bool:
            return not is_running(horse)

        await polled(horse_gone, "the killed worker's horse to die with it", timeout_s=10)
        gate.unlink()  # a horse still running would now finish attempt 1: the journal would say so
        started.append(cli("serve", "--role", "scheduler", env=env, log=tmp_path / "scheduler.log"))
        started.append(cli("serve", "--role", "worker", env=env, log=tmp_path / "worker-2.log"))
        row: JobRecord | None = None

        async def finished() -> bool:
            nonlocal row
            row = await store.get(job_id)
            return row is not None and row.status == FINISHED

        await polled(finished, "the job to finish on the second worker")
        assert row is not None
        assert row.attempts == 2 and row.result == {"attempt": 2}
        assert row.error is not None and row.error["code"] == "worker_lost"
        lines = [line.split()[:2] for line in journal.read_text().splitlines()]
        assert lines == [["started", "1"], ["started", "2"], ["done", "2"]]
        for proc in started[1:]:
            assert proc.poll() is None, "scheduler and worker keep running"
    finally:
        await container.close()
