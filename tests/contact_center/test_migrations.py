"""Migrations upgrade, downgrade and upgrade again on fresh databases, and match the SQLModel tables."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from contact_center.storage.engine import create_engine
from contact_center.storage.migrate import downgrade, upgrade
from contact_center.storage.models import metadata
from tests.conftest import PG_ADMIN_DSN

TABLES = set(metadata.tables)


@pytest.fixture
async def fresh_postgres_url() -> AsyncIterator[str]:
    name = f"cc_mig_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def _schema(connection: Connection) -> tuple[set[str], list[Any]]:
    tables = set(inspect(connection).get_table_names())
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return tables, compare_metadata(context, metadata)


async def schema_of(url: str) -> tuple[set[str], list[Any]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_schema)
    finally:
        await engine.dispose()


async def round_trip(url: str) -> None:
    # Called from a running event loop, as `serve` and these tests do.
    upgrade(url)
    tables, differences = await schema_of(url)
    assert tables >= TABLES
    assert differences == []

    downgrade(url, "base")
    tables, differences = await schema_of(url)
    assert tables & TABLES == set()
    assert "add_table" in {d[0] for d in differences}  # the comparison does see a difference

    upgrade(url)
    tables, differences = await schema_of(url)
    assert tables >= TABLES
    assert differences == []


async def test_migrations_round_trip_on_a_fresh_sqlite_file(tmp_path: Path) -> None:
    await round_trip(f"sqlite:///{tmp_path / 'fresh.db'}")


async def test_migrations_round_trip_on_a_fresh_postgres_database(fresh_postgres_url: str) -> None:
    await round_trip(fresh_postgres_url)


def test_upgrade_works_outside_an_event_loop(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sync.db'}"
    upgrade(url)
    upgrade(url)  # a second run is a no-op
    downgrade(url, "base")
