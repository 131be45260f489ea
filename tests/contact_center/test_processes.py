"""Both modes as they run in production: real processes, real PostgreSQL and Redis, or SQLite alone.

Distributed: `serve --role web`, `--role router` and `--role worker` share PostgreSQL and Redis; an
API write reaches the Redis stream through the outbox and an rq job runs in the worker process.
Single process: `serve --simulate` on SQLite shows the queue moving with no other service.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from pathlib import Path

import aiohttp
import pytest
from redis import Redis
from rq import Queue
from rq.job import Job

from contact_center.server import run_rq_job
from tests.conftest import REDIS_TEST_URL, unique
from tests.contact_center.server_process import clean_env, cli, free_port, run_cli, wait_ready

pytestmark = pytest.mark.slow


async def test_web_router_and_worker_processes_share_postgres_and_redis(
    postgres_url: str, redis_names: dict[str, str], processes: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    port = free_port()
    env = clean_env(
        {
            "DATABASE_URL": postgres_url,
            "REDIS_URL": REDIS_TEST_URL,
            "CC_HTTP__PORT": str(port),
            "CC_REDIS__STREAM": redis_names["stream"],
            "CC_REDIS__RQ_QUEUE": redis_names["rq_queue"],
        }
    )
    admin = unique("admin")
    added = await run_cli("users", "add", admin, "--role", "admin", "--password", "pw-admin-1", env=env)
    assert added.returncode == 0, added.stdout + added.stderr
    for role in ("web", "router", "worker"):
        processes.append(cli("serve", "--role", role, env=env, log=tmp_path / f"{role}.log"))
    base = f"http://127.0.0.1:{port}"
    ready = await wait_ready(base)
    assert ready["checks"] == {"database": "ok", "redis": "ok"}

    async with aiohttp.ClientSession() as http:
        async with http.post(
            base + "/api/v1/auth/token", json={"username": admin, "password": "pw-admin-1"}
        ) as r:
            token = (await r.json())["token"]
        headers = {"Authorization": f"Bearer {token}"}
        async with http.post(
            base + "/api/v1/customers",
            headers=headers,
            json={"name": "陈静", "emails": [f"{unique('c')}@example.com"]},
        ) as r:
            assert r.status == 201, await r.text()
            customer_id = (await r.json())["id"]
        async with http.post(
            base + "/api/v1/interactions",
            headers=headers,
            json={
                "customer_id": customer_id,
                "channel": "email",
                "direction": "inbound",
                "subject": "distributed",
            },
        ) as r:
            assert r.status == 201, await r.text()

    redis = Redis.from_url(REDIS_TEST_URL)
    try:
        deadline = time.monotonic() + 20
        types: list[str] = []
        while time.monotonic() < deadline:
            entries = redis.xrange(redis_names["stream"])
            types = [fields[b"type"].decode() for _id, fields in entries]
            if "interaction.queued" in types:
                break
            await asyncio.sleep(0.2)
        assert "customer.created" in types and "interaction.queued" in types, types

        rq_job = Queue(redis_names["rq_queue"], connection=redis).enqueue(
            run_rq_job, "reports.queue_summary", {}
        )
        deadline = time.monotonic() + 60
        status = rq_job.get_status(refresh=True)
        while status not in ("finished", "failed") and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            status = rq_job.get_status(refresh=True)
        finished = Job.fetch(rq_job.id, connection=redis)
        assert finished.get_status() == "finished", finished.latest_result()
        summary = finished.return_value()
        assert {"queues", "agents", "recent"} <= set(summary)
        assert any(item["subject"] == "distributed" for item in summary["recent"])
    finally:
        redis.close()
    for role, proc in zip(("web", "router", "worker"), processes, strict=True):
        assert proc.poll() is None, (tmp_path / f"{role}.log").read_text()


async def test_single_process_demo_on_sqlite_moves_the_queue(
    tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    port = free_port()
    env = clean_env(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
            "CC_HTTP__PORT": str(port),
            "CC_SIMULATOR__MEAN_INTERVAL_S": "0.2",
            "CC_SIMULATOR__SEED": "3",
        }
    )
    for args in (["migrate"], ["seed-demo", "--customers", "10"]):
        done = await run_cli(*args, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    processes.append(cli("serve", "--simulate", env=env, log=tmp_path / "serve.log"))
    base = f"http://127.0.0.1:{port}"
    ready = await wait_ready(base)
    assert ready["checks"] == {"database": "ok"}
    async with aiohttp.ClientSession() as http:
        async with http.post(
            base + "/api/v1/auth/token", json={"username": "supervisor", "password": "demo-password"}
        ) as r:
            token = (await r.json())["token"]
        headers = {"Authorization": f"Bearer {token}"}

        async def newest_id() -> int:
            async with http.get(base + "/api/v1/interactions?limit=1", headers=headers) as resp:
                return int((await resp.json())["items"][0]["id"])

        first = await newest_id()
        deadline = time.monotonic() + 30
        while await newest_id() < first + 3:
            assert time.monotonic() < deadline, "the simulator created no new interactions"
            await asyncio.sleep(0.3)
        closed: list[object] = []
        while not closed:
            assert time.monotonic() < deadline + 30, "no simulated interaction was worked to closed"
            async with http.get(
                base + "/api/v1/interactions?state=closed&limit=5&created_after=" + _iso_now_minus(60),
                headers=headers,
            ) as resp:
                closed = (await resp.json())["items"]
            await asyncio.sleep(0.5)
    assert json.dumps(closed)


def _iso_now_minus(seconds: int) -> str:
    from datetime import UTC, datetime, timedelta
    from urllib.parse import quote

    return quote((datetime.now(UTC) - timedelta(seconds=seconds)).isoformat())
