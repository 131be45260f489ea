"""Storage on real SQLite and PostgreSQL: durable commits, an append-only audit log, aware UTC times."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError
from sqlmodel import col, select

from contact_center.bootstrap import Container
from contact_center.domain.audit import AuditEntry
from contact_center.domain.customers import CustomerIdentity
from contact_center.domain.enums import IdentityKind
from contact_center.storage.engine import async_url
from contact_center.storage.outbox import OutboxEvent
from tests.conftest import unique


async def scalar(container: Container, sql: str) -> object:
    async with container.engine.connect() as conn:
        return (await conn.exec_driver_sql(sql)).scalar()


async def test_every_connection_commits_durably(container: Container) -> None:
    async def settings_of_one_connection() -> tuple[object, ...]:
        async with container.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                queries = ("PRAGMA journal_mode", "PRAGMA synchronous", "PRAGMA foreign_keys")
            else:
                queries = ("SHOW synchronous_commit", "SHOW fsync")
            values = [(await conn.exec_driver_sql(q)).scalar() for q in queries]
            await asyncio.sleep(0)  # hold the connection so the others open their own
            return tuple(values)

    results = set(await asyncio.gather(*(settings_of_one_connection() for _ in range(3))))
    if container.engine.dialect.name == "sqlite":
        assert results == {("wal", 2, 1)}  # synchronous=2 is FULL
    else:
        assert results == {("on", "on")}


async def test_sqlite_refuses_a_row_pointing_nowhere(container: Container) -> None:
    # Foreign keys are only enforced when the pragma is on for the connection; PostgreSQL always.
    with pytest.raises(IntegrityError):
        async with container.uow() as uow:
            uow.session.add(
                CustomerIdentity(
                    customer_id=2_000_000_000,
                    kind=IdentityKind.CHAT,
                    address=unique("v"),
                    created_at=uow.now(),
                )
            )
            await uow.commit()


async def test_the_audit_log_refuses_update_and_delete(container: Container) -> None:
    actor = unique("auditor")
    async with container.uow() as uow:
        uow.audit(actor, "customer", 1, "create", {"name": "王小明"})
        await uow.commit()
    for statement in (
        update(AuditEntry).where(col(AuditEntry.actor) == actor).values(action="tampered"),
        delete(AuditEntry).where(col(AuditEntry.actor) == actor),
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with container.engine.begin() as conn:
                await conn.execute(statement)
    async with container.uow() as uow:
        [entry] = (await uow.session.exec(select(AuditEntry).where(AuditEntry.actor == actor))).all()
        assert entry.action == "create"
        assert entry.changes == {"name": "王小明"}


async def test_utc_datetimes_round_trip_aware(container: Container) -> None:
    shanghai = datetime(2026, 5, 1, 8, 30, 0, 123456, tzinfo=timezone(timedelta(hours=8)))
    marker = unique("utc")
    async with container.uow() as uow:
        uow.session.add(OutboxEvent(event_type=marker, payload="{}", created_at=shanghai, published_at=None))
        await uow.commit()
    async with container.uow() as uow:
        row = (await uow.session.exec(select(OutboxEvent).where(OutboxEvent.event_type == marker))).one()
    assert row.created_at == shanghai
    assert row.created_at.tzinfo is UTC
    assert row.created_at.hour == 0 and row.created_at.microsecond == 123456
    assert row.published_at is None
    async with container.uow() as uow:  # no dispatcher could publish it: a later test's drain would fail
        await uow.session.delete(row)
        await uow.commit()


async def test_a_naive_datetime_is_refused(container: Container) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        async with container.uow() as uow:
            uow.session.add(
                OutboxEvent(event_type=unique("naive"), payload="{}", created_at=datetime(2026, 1, 1))
            )
            await uow.commit()


async def test_times_compare_correctly_across_offsets(container: Container) -> None:
    marker = unique("cmp")
    base = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    async with container.uow() as uow:
        for minutes in (0, 10, 20):
            at = (base + timedelta(minutes=minutes)).astimezone(timezone(timedelta(hours=-7)))
            uow.session.add(OutboxEvent(event_type=marker, payload=str(minutes), created_at=at))
        await uow.commit()
    async with container.uow() as uow:
        stmt = select(OutboxEvent).where(
            OutboxEvent.event_type == marker, col(OutboxEvent.created_at) > base + timedelta(minutes=5)
        )
        assert sorted(r.payload for r in (await uow.session.exec(stmt)).all()) == ["10", "20"]
        await uow.session.exec(delete(OutboxEvent).where(col(OutboxEvent.event_type) == marker))
        await uow.commit()  # events of no known type: a later test's dispatcher could not publish them


def test_urls_people_write_get_the_async_drivers() -> None:
    assert async_url("postgresql://u:p@h:5432/db") == "postgresql+asyncpg://u:p@h:5432/db"
    assert async_url("postgresql+psycopg://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert async_url("sqlite:///var/cc.db") == "sqlite+aiosqlite:///var/cc.db"
