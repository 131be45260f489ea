"""SQLite's driver connections (storage/sqlite_inline.py): what may wait never stalls the event loop.

The writer runs its statements on the loop, so these check the two places where that would hurt:
a BEGIN that waits for a write lock another process holds, and a reader's long query. In both the
loop must keep turning (a ticker counts its turns while the call is under way).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable
from datetime import UTC, datetime
from typing import TypeVar

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from contact_center.storage.engine import Database, open_database
from contact_center.storage.tables import AUDIT
from tests.conftest import unique

T = TypeVar("T")


@pytest.fixture
async def database(sqlite_url: str) -> AsyncIterator[Database]:
    db = open_database(sqlite_url)
    try:
        yield db
    finally:
        await db.dispose()


async def turns_while(call: Awaitable[T]) -> tuple[T, int, float]:
    """Await `call` with a ticker beside it: its result, the loop's turns meanwhile, the seconds."""
    turns = 0
    done = False

    async def tick() -> None:
        nonlocal turns
        while not done:
            await asyncio.sleep(0.005)
            turns += 1

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0.02)
    before, start = turns, time.perf_counter()
    try:
        result = await call
    finally:
        done = True
        await ticker
    return result, turns - before, time.perf_counter() - start


async def test_a_write_waiting_for_a_lock_another_process_holds_leaves_the_loop_running(
    database: Database, sqlite_url: str
) -> None:
    path = make_url(sqlite_url).database
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process holds the one write lock
    actor = unique("waiting")

    async def write() -> int:
        async with database.writer.begin() as conn:
            at = datetime.now(UTC)
            row = {"at": at, "actor": actor, "entity": "test", "entity_id": 1, "action": "x", "changes": {}}
            await conn.execute(AUDIT.insert(), [row])
        async with database.reader.connect() as conn:
            by_actor = text("SELECT count(*) FROM audit_entry WHERE actor = :a")
            found = await conn.execute(by_actor, {"a": actor})
            return int(found.scalar_one())

    try:
        writing = asyncio.create_task(write())
        for _ in range(10):  # the loop keeps turning while the write waits (a blocked one would not)
            await asyncio.sleep(0.005)
        assert not writing.done()  # it waits for the lock...
        other.commit()
        assert await writing == 1  # ...and writes once it is free
    finally:
        other.close()


async def test_a_long_read_leaves_the_loop_running(database: Database) -> None:
    count = text(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000)"
        " SELECT count(*) FROM c"
    )

    async def read() -> int:
        async with database.reader.connect() as conn:
            return int((await conn.execute(count)).scalar_one())

    rows, turns, seconds = await turns_while(read())
    assert rows == 3_000_000
    assert seconds > 0.2  # long enough for a blocked loop to show
    assert turns >= 10, (turns, seconds)


async def test_a_read_costs_one_hop_to_its_thread_and_giving_the_connection_back_none(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool rolls back each connection it takes back; after a read outside any transaction
    there is nothing to undo, and a hop for it used to cost as much as the read (bench/chat.py)."""
    from contact_center.storage import sqlite_inline

    hops: list[str] = []
    original = sqlite_inline.DriverConnection.in_thread

    async def counted(self: sqlite_inline.DriverConnection, function: object, *args: object) -> object:
        hops.append(getattr(function, "__name__", repr(function)))
        return await original(self, function, *args)  # type: ignore[arg-type]

    async with database.reader.connect() as conn:  # opened before counting: the pool keeps it
        await conn.execute(text("select 1"))
    monkeypatch.setattr(sqlite_inline.DriverConnection, "in_thread", counted)
    async with database.reader.connect() as conn:
        assert (await conn.execute(text("select 41 + 1"))).scalar_one() == 42
    assert hops == ["_execute_and_fetch"]
    async with database.writer.begin() as conn:  # a transaction still commits in the thread
        await conn.execute(text("create table if not exists hop_check (n integer)"))
        await conn.execute(text("insert into hop_check values (1)"))
    assert "commit" in hops
