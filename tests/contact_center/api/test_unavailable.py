"""A database (or Redis) that cannot be reached: API calls answer 503 with Retry-After, never 500.

PostgreSQL on a port where nothing listens; SQLite whose file is a directory, so it cannot be opened.
/healthz still answers 200 (the process is up) and /readyz 503 naming the failing check, and only
that.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from redis.exceptions import ConnectionError as RedisConnectionError

from contact_center.bootstrap import build_container
from contact_center.outage import DEGRADED, Outage
from tests.conftest import make_settings
from tests.contact_center.api.conftest import error_of, make_client, ok

Client = TestClient[Any, Any]

DOWN_POSTGRES = "postgresql://127.0.0.1:1/contact_center"


@pytest.fixture(params=["postgres", "sqlite"])
async def down(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Client]:
    if request.param == "postgres":
        url = DOWN_POSTGRES
    else:
        unopenable = tmp_path / "cc.db"
        unopenable.mkdir()
        url = f"sqlite:///{unopenable}"
    container = build_container(make_settings(url))
    client = await make_client(container)
    try:
        yield client
    finally:
        await client.close()
        await container.close()


async def unavailable(resp: Any) -> None:
    await error_of(resp, 503, "unavailable")
    assert int(resp.headers["Retry-After"]) > 0


async def test_api_calls_answer_503_with_retry_after(down: Client) -> None:
    auth = {"Authorization": "Bearer some-token"}
    await unavailable(await down.get("/api/v1/me", headers=auth))
    await unavailable(await down.get("/api/v1/customers", headers=auth))
    await unavailable(await down.get("/api/v1/interactions/1", headers=auth))
    await unavailable(await down.post("/api/v1/customers", json={"name": "x"}, headers=auth))
    await unavailable(await down.post("/api/v1/auth/token", json={"username": "a", "password": "b"}))


async def test_what_needs_no_database_still_answers(down: Client) -> None:
    await error_of(await down.get("/api/v1/customers"), 401)
    assert (await ok(await down.get("/healthz"))) == {"status": "ok"}
    assert (await ok(await down.get("/api/v1/openapi.json")))["openapi"].startswith("3.1")


async def test_readyz_names_the_failing_check(down: Client) -> None:
    resp = await down.get("/readyz")
    assert resp.status == 503
    body = await resp.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "unavailable"  # no exception type: it names the driver


async def test_readyz_logs_an_outage_once_and_says_how_long_it_has_lasted(
    down: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """A balancer probes every few seconds: one warning when the database stops answering, not
    one per probe; the answer names it among the degraded parts, with its seconds."""
    with caplog.at_level(logging.WARNING, logger="contact_center.readiness"):
        for _ in range(3):
            resp = await down.get("/readyz")
            assert resp.status == 503
            assert "database" in (await resp.json())["degraded"]
    assert [r.getMessage() for r in caplog.records] == ["database.unavailable"]


async def test_readyz_names_redis_when_it_is_down(postgres_url: str) -> None:
    container = build_container(make_settings(postgres_url, "redis://127.0.0.1:1/0"))
    client = await make_client(container)
    try:
        resp = await client.get("/readyz")
        assert resp.status == 503
        checks = (await resp.json())["checks"]
        assert checks == {"database": "ok", "redis": "unavailable"}
    finally:
        await client.close()
        await container.close()


async def test_readyz_is_200_when_all_is_up(client: Client) -> None:
    body = await ok(await client.get("/readyz"))
    assert body == {"status": "ready", "checks": {"database": "ok"}, "degraded": {}}


async def test_readyz_answers_at_once_while_another_process_holds_the_sqlite_write_lock(
    sqlite_url: str,
) -> None:
    container = build_container(make_settings(sqlite_url))
    client = await make_client(container)
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # what a long write elsewhere looks like
        body = await ok(await client.get("/readyz"))
        # The lock is held all along: a probe that waited for it would give up at its own timeout
        # and report the database unavailable. A reader never waits.
        assert body["checks"] == {"database": "ok"}
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        await client.close()
        await container.close()


async def test_readyz_says_what_rides_out_an_outage_and_forgets_a_loop_that_went(client: Client) -> None:
    outage = Outage(logging.getLogger("test"), "test.redis")
    outage.failed(RedisConnectionError("refused"))
    body = await ok(await client.get("/readyz"))  # still serving: the backends answer
    assert body["status"] == "degraded" and "test.redis" in body["degraded"]
    outage.recovered()
    assert "test.redis" not in (await ok(await client.get("/readyz")))["degraded"]
    outage.failed(RedisConnectionError("refused"))
    del outage  # the loop holding it was cancelled mid-outage
    assert "test.redis" not in DEGRADED.now()
