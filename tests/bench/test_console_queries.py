"""`bench/console_queries.py` runs end to end on a small world and leaves nothing behind (a smoke
run, not a measurement): it seeds 20,000 interactions on SQLite and on a PostgreSQL database of
its own, times every named query, prints the table with both databases' p50 and p99 beside the
ceiling, and drops what it made. Timings are not asserted (`--smoke`): other jobs share the machine."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from tests.conftest import PG_ADMIN_DSN, ROOT

pytestmark = pytest.mark.slow
ROWS = 20_000


def run_bench(cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CC_") and k != "DATABASE_URL"}
    env["CC_BENCH_PG"] = PG_ADMIN_DSN
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "console_queries.py"),
            "--rows",
            str(ROWS),
            "--cache",
            str(cache),
            *args,
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


async def database_exists(name: str) -> bool:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await conn.close()


def test_a_small_run_prints_every_query_on_both_databases_and_drops_its_world(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from console_queries import QUERIES  # the bench is a script, not a package

    done = run_bench(
        tmp_path, "--runs", "3", "--fresh", "--drop", "--smoke"
    )  # timings vary on a shared CI box
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Console queries at {ROWS:,} interactions" in done.stdout
    assert "sqlite p99" in done.stdout and "postgresql p99" in done.stdout
    for query in QUERIES:
        line = next(line for line in done.stdout.splitlines() if line.startswith(query.name))
        assert line.count(" ms") == 4, line  # p50 and p99 on each database
    assert not list(tmp_path.glob("console_*.db*"))
    assert not asyncio.run(database_exists(f"cc_bench_console_{ROWS}"))
