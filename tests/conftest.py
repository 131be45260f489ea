"""Shared fixtures: real SQLite and real PostgreSQL (a fresh database per test run), real Redis.

Storage, bus and API tests take `container`, parametrised over both databases. Nothing of our own
infrastructure is mocked.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from redis import Redis as SyncRedis

from contact_center.bootstrap import Container, build_container
from contact_center.settings import Settings
from contact_center.storage.migrate import upgrade
from tests.channels.smtp_server import SmtpServer

pytest_plugins = ["tests.hang_report"]

PG_ADMIN_DSN = os.environ.get("CC_TEST_PG_ADMIN", "postgresql://127.0.0.1:5432/postgres")
REDIS_TEST_URL = os.environ.get("CC_TEST_REDIS", "redis://127.0.0.1:6379/0")


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'cc.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    name = f"cc_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


def make_settings(database_url: str, redis_url: str | None = None, **redis: str) -> Settings:
    return Settings.model_validate(
        {
            "environment": "test",
            "database": {"url": database_url},
            "redis": {"url": redis_url, **redis},
        }
    )


@pytest.fixture
async def container(database_url: str) -> AsyncIterator[Container]:
    """No channel adapters plugged in (tests plug the ones they need, e.g. a recording chat);
    tests/channels/webchat builds the deployment's own, the web chat's included."""
    c = build_container(make_settings(database_url), outbound=[])
    try:
        yield c
    finally:
        await c.close()


@pytest.fixture
def redis_names() -> Iterator[dict[str, str]]:
    """A stream and rq queue of this test's own, deleted before and after."""
    suffix = uuid.uuid4().hex[:10]
    names = {"stream": f"cc:test:{suffix}:events", "rq_queue": f"cc_test_{suffix}"}
    client = SyncRedis.from_url(REDIS_TEST_URL)
    _delete_keys(client, suffix)
    yield names
    _delete_keys(client, suffix)
    client.close()


def _delete_keys(client: SyncRedis, suffix: str) -> None:
    for key in client.scan_iter(match=f"*{suffix}*"):
        client.delete(key)


def unique(prefix: str = "t") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free port of this machine, for this test alone."""
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
