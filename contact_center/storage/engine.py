"""Database engines for SQLite (the default) and PostgreSQL, both set for durable commits.

SQLite allows one writer at a time, so writes go through one connection (a pool of one: writers
queue in the event loop, not in SQLite's busy loop) whose transactions begin IMMEDIATE and whose
statements run inline on the event loop (`sqlite_inline.py`: BEGIN and COMMIT wait in its thread),
while reads
use their own connections, begin DEFERRED and never take the write lock (WAL lets them run beside
an open write). Commits stay durable: WAL with `synchronous=FULL`. PostgreSQL keeps
`synchronous_commit` on; reads and writes share one pool sized from settings, without a ping per
checkout (a dead connection fails its statement, which the caller sees as a 503).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.storage.sqlite_inline import connector


def async_url(url: str) -> str:
    """Accept the URLs people write (`postgresql://`, `sqlite:///x.db`) and pick the async driver."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.drivername != "postgresql+asyncpg":
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif backend == "sqlite" and parsed.drivername != "sqlite+aiosqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


@dataclass(frozen=True)
class Database:
    """The engine that writes and the engine that reads (the same one on PostgreSQL)."""

    writer: AsyncEngine
    reader: AsyncEngine

    @property
    def is_sqlite(self) -> bool:
        return self.writer.dialect.name == "sqlite"

    async def dispose(self) -> None:
        await self.writer.dispose()
        if self.reader is not self.writer:
            await self.reader.dispose()


def open_database(url: str, *, echo: bool = False, pool_size: int = 10, max_overflow: int = 10) -> Database:
    if not is_sqlite(url):
        engine = create_engine(url, echo=echo, pool_size=pool_size, max_overflow=max_overflow)
        return Database(engine, engine)
    return Database(
        create_engine(url, echo=echo),
        create_engine(url, echo=echo, pool_size=pool_size, read_only=True),
    )


def create_engine(
    url: str, *, echo: bool = False, pool_size: int = 10, max_overflow: int = 10, read_only: bool = False
) -> AsyncEngine:
    """One engine. On SQLite: the single writer, or with `read_only` a pool of readers."""
    url = async_url(url)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # sqlite_inline.py: the writer's statements run inline, a reader's in one hop to its thread
        engine = create_async_engine(
            url,
            echo=echo,
            pool_size=pool_size if read_only else 1,
            max_overflow=0,
            pool_timeout=60,
            async_creator=connector(database or ":memory:", timeout=30, inline=not read_only),
        )
        _configure_sqlite(engine, read_only=read_only)
        return engine
    return create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=max_overflow,
        connect_args={"server_settings": {"synchronous_commit": "on"}, "timeout": 5},
    )


def _configure_sqlite(engine: AsyncEngine, *, read_only: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if read_only:
            cursor.execute("PRAGMA query_only=ON")  # a write through a reader is a bug: fail loudly
        cursor.close()
        # SQLite's own lower() and upper() only fold ASCII, so a search for "émile" would miss
        # "ÉMILE"; PostgreSQL folds every script. Replace them with Python's.
        dbapi_connection.create_function("lower", 1, _fold(str.lower), deterministic=True)
        dbapi_connection.create_function("upper", 1, _fold(str.upper), deterministic=True)

    begin = "BEGIN" if read_only else "BEGIN IMMEDIATE"

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)


def _fold(case: Callable[[str], str]) -> Callable[[Any], Any]:
    def fold(value: Any) -> Any:
        if value is None or isinstance(value, bytes):
            return value
        return case(value if isinstance(value, str) else str(value))  # numbers fold as their text

    return fold


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
