"""A database of the test's own, migrated, on SQLite or PostgreSQL.

For tests that look at every row of a table (lapsed jobs, say) or move the clock far ahead: the
session's shared databases hold other tests' leftovers, which such a test would pick up."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from contact_center.storage.migrate import upgrade
from tests.conftest import PG_ADMIN_DSN


@contextlib.asynccontextmanager
async def own_postgres() -> AsyncIterator[str]:
    name = f"cc_own_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
        upgrade(url)
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(params=["sqlite", "postgres"])
async def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'own.db'}"
        upgrade(url)
        yield url
        return
    async with own_postgres() as url:
        yield url


@pytest.fixture
async def fresh_postgres_url() -> AsyncIterator[str]:
    async with own_postgres() as url:
        yield url


class MovableClock:
    """The time a test says it is."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def forward(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2030, 1, 7, hour, minute, second, tzinfo=UTC)
