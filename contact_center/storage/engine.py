"""Database engines for SQLite (the default) and PostgreSQL, both set for durable commits.

SQLite runs in WAL with `synchronous=FULL`, so a committed contact survives a power cut, and every
transaction begins IMMEDIATE so two writers queue on the lock instead of failing on an upgrade.
PostgreSQL keeps `synchronous_commit` on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession


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


def create_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> AsyncEngine:
    url = async_url(url)
    kwargs: dict[str, Any] = {"echo": echo, "pool_pre_ping": True}
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30}
        engine = create_async_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs["pool_size"] = pool_size
    kwargs["connect_args"] = {"server_settings": {"synchronous_commit": "on"}, "timeout": 5}
    return create_async_engine(url, **kwargs)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        # SQLite's own lower() and upper() only fold ASCII, so a search for "émile" would miss
        # "ÉMILE"; PostgreSQL folds every script. Replace them with Python's.
        dbapi_connection.create_function("lower", 1, _fold(str.lower), deterministic=True)
        dbapi_connection.create_function("upper", 1, _fold(str.upper), deterministic=True)

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _fold(case: Callable[[str], str]) -> Callable[[Any], Any]:
    def fold(value: Any) -> Any:
        if value is None or isinstance(value, bytes):
            return value
        return case(value if isinstance(value, str) else str(value))  # numbers fold as their text

    return fold


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
