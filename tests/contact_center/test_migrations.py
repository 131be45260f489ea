"""Migrations upgrade, downgrade and upgrade again on fresh databases, and match the SQLModel tables."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from contact_center.storage.engine import create_engine
from contact_center.storage.migrate import downgrade, head_revision, upgrade
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
    path = tmp_path / "sync.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    migrated = _sqlite_schema(path)
    assert migrated[0] >= TABLES and migrated[1] == head_revision()
    upgrade(url)
    assert _sqlite_schema(path) == migrated  # a second run is a no-op
    downgrade(url, "base")
    tables, version = _sqlite_schema(path)
    assert tables & TABLES == set() and version is None


def _sqlite_schema(path: Path) -> tuple[set[str], str | None]:
    """Tables and Alembic revision, read without an event loop, as the caller of `upgrade` has none."""
    with closing(sqlite3.connect(path)) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:
            return tables, None
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
        return tables, row[0] if row else None
