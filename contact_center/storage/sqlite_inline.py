"""SQLite driver connections that cost one thread hop per statement at most, none for most writes.

aiosqlite runs every call in its connection's thread, and SQLAlchemy's adapter makes four calls per
statement (open a cursor, execute, fetch, close), each a hop to that thread and back through the
event loop. Under load each hop waits for the loop's next turn, so a write transaction of nine
statements held SQLite's single write lock for tens of milliseconds while every other writer
queued behind it.

- The writer runs statements on the event loop itself. Inside an open write transaction a
  statement does no I/O that can block (WAL: readers never hold the writer up, and the page cache
  absorbs the writes) and takes microseconds. Only what can wait goes to the connection's own
  thread: `BEGIN` (the write lock, which another process may hold up to the busy timeout),
  `COMMIT` (the fsync that makes it durable), rollback and closing.
- A reader may scan a large table, which must not stall the loop: each statement runs in the
  connection's thread, executed and fetched in one hop. Its transaction's deferred `BEGIN` and
  its rollback take no lock and do no I/O, so they run on the loop.

These offer what SQLAlchemy's aiosqlite adapter calls on an `aiosqlite.Connection`, so the dialect,
its types and the ORM work unchanged: the engine is built with `async_creator=connector(...)`.
A connection is used by one holder at a time (the pool hands it out, and its holder awaits each
call), from the loop's thread or the connection's own, never both at once.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

#: Statements that may wait (for the write lock, or on the disk): never inline.
_WAITING = ("BEGIN", "COMMIT", "END", "ROLLBACK", "VACUUM", "PRAGMA WAL_CHECKPOINT")
#: A reader's transaction start (storage/engine.py): no lock until its first read, so it runs on
#: the loop like its end, and a read costs one hop to the thread, for its statement.
_DEFERRED_BEGIN = "BEGIN"


def connector(database: str, *, timeout: float, inline: bool) -> Callable[[], Awaitable[DriverConnection]]:
    """An `async_creator` for `create_async_engine`: `inline` for the writer, threaded for readers."""

    async def create() -> DriverConnection:
        name = "sqlite-writer" if inline else "sqlite-reader"
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        conn = await asyncio.get_running_loop().run_in_executor(
            executor,
            lambda: sqlite3.connect(database, timeout=timeout, check_same_thread=False, isolation_level=None),
        )
        return DriverConnection(conn, executor, inline=inline)

    return create


class _RunNow:
    """Stands in for aiosqlite's request queue, which SQLAlchemy's adapter uses to set the
    isolation level: the function runs at once and its future is answered."""

    def put_nowait(self, request: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = request
        try:
            future.set_result(function())
        except Exception as exc:
            future.set_exception(exc)


class DriverConnection:
    def __init__(self, conn: sqlite3.Connection, executor: ThreadPoolExecutor, *, inline: bool) -> None:
        self._conn = conn
        self._executor = executor
        self.inline = inline
        self._tx = _RunNow()
        #: The adapter checks this before commit and rollback: falsy once closed.
        self._connection: sqlite3.Connection | None = conn

    async def in_thread(self, function: Callable[..., T], *args: Any) -> T:
        """Run a call that may block in the connection's own thread."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> DriverCursor:
        return DriverCursor(self, self._conn.cursor())

    async def execute(self, sql: str, parameters: Any = None) -> DriverCursor:
        return await self.cursor().execute(sql, parameters)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def commit(self) -> None:
        if self._conn.in_transaction:
            await self.in_thread(self._conn.commit)

    async def rollback(self) -> None:
        # The pool rolls back every connection it takes back. Nothing to undo: return at once;
        # a reader's transaction holds only a snapshot. A hop to the thread for either cost as
        # much as the read itself.
        if not self._conn.in_transaction:
            return
        if self.inline:
            await self.in_thread(self._conn.rollback)
        else:
            self._conn.rollback()  # a reader's: it only lets go of its snapshot, nothing to wait for

    async def close(self) -> None:
        if self._connection is None:
            return
        self._connection = None
        try:
            await self.in_thread(self._conn.close)
        finally:
            self._executor.shutdown(wait=False)

    def stop(self) -> None:
        """Close without waiting (SQLAlchemy's terminate): queued behind any call still running in
        the thread, never beside it."""
        if self._connection is not None:
            self._connection = None
            self._executor.submit(self._conn.close)
            self._executor.shutdown(wait=False)


class DriverCursor:
    def __init__(self, owner: DriverConnection, cursor: sqlite3.Cursor) -> None:
        self._owner = owner
        self._cursor = cursor
        #: A reader's rows, fetched in the same hop as its statement.
        self._rows: list[Any] | None = None

    async def __aenter__(self) -> DriverCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._each()

    async def _each(self) -> AsyncIterator[Any]:
        for row in await self.fetchall():
            yield row

    async def execute(self, sql: str, parameters: Any = None) -> DriverCursor:
        args = (sql,) if parameters is None else (sql, parameters)
        self._rows = None
        if not self._owner.inline:
            if sql == _DEFERRED_BEGIN:  # takes no lock and reads nothing until the next statement
                self._cursor.execute(sql)
            else:
                self._rows = await self._owner.in_thread(self._execute_and_fetch, args)
        elif sql.lstrip()[:21].upper().startswith(_WAITING):
            await self._owner.in_thread(self._cursor.execute, *args)
        else:
            self._cursor.execute(*args)
        return self

    def _execute_and_fetch(self, args: tuple[Any, ...]) -> list[Any] | None:
        self._cursor.execute(*args)
        return self._cursor.fetchall() if self._cursor.description else None

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> DriverCursor:
        self._rows = None
        if self._owner.inline:
            self._cursor.executemany(sql, parameters)
        else:
            await self._owner.in_thread(self._cursor.executemany, sql, parameters)
        return self

    async def fetchone(self) -> Any:
        if self._rows is None:
            return self._cursor.fetchone()
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        n = size if size is not None else self._cursor.arraysize
        if self._rows is None:
            return self._cursor.fetchmany(n)
        taken, self._rows = self._rows[:n], self._rows[n:]
        return taken

    async def fetchall(self) -> list[Any]:
        if self._rows is None:
            return self._cursor.fetchall()
        taken, self._rows = self._rows, []
        return taken

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value
