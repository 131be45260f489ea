"""Runs Alembic migrations from inside the package, so `contact-center migrate` needs no alembic.ini.

Alembic's env runs its own event loop, so when an event loop is already running in this thread
(tests, `serve`) the migration runs in a worker thread, and the caller waits for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    _outside_loop(lambda: command.upgrade(alembic_config(url), revision))


def downgrade(url: str, revision: str) -> None:
    _outside_loop(lambda: command.downgrade(alembic_config(url), revision))


def _outside_loop(run: Callable[[], None]) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        run()
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="migrate") as pool:
        pool.submit(run).result()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


async def schema_problem(engine: AsyncEngine) -> str | None:
    """Why `serve` should not start on this database (unreachable, or not migrated), or None."""
    try:
        async with engine.connect() as conn:
            try:
                version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
            except DBAPIError:
                version = None
    except (DBAPIError, OSError) as exc:
        name = type(exc).__name__
        return f"cannot reach the database ({name}); check DATABASE_URL, then `contact-center check`"
    if version != head_revision():
        return "the database is not at this version's schema: run `contact-center migrate`"
    return None
