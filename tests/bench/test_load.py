"""`bench/load.py` runs end to end and leaves nothing behind (a smoke run, not a measurement).

Benchmarks never run in the test suite for their figures; this only keeps the script from rotting:
short runs at a low rate, in both modes, must print their table, lose nothing, exit 0, and drop
the database, the Redis keys and the processes they made.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys

import asyncpg
import pytest
from redis import Redis

from tests.conftest import PG_ADMIN_DSN, REDIS_TEST_URL, ROOT

pytestmark = pytest.mark.slow


def run_load(*args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CC_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env |= {"CC_BENCH_REDIS": REDIS_TEST_URL, "CC_BENCH_PG": PG_ADMIN_DSN}
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def row(output: str, label: str) -> list[str]:
    """The cells of a table row, one per mode."""
    line = next(line for line in output.splitlines() if line.strip().startswith(label))
    return re.split(r"\s{2,}", line.strip())[1:]


def test_one_process_smoke_run_prints_its_table_and_loses_nothing() -> None:
    done = run_load("--mode", "one", "--seconds", "2", "--rate", "20", "--agents", "8", "--visitors", "8")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{os.cpu_count()} cores shared" in done.stdout
    assert row(done.stdout, "errors") == ["0"], done.stdout + done.stderr
    assert float(row(done.stdout, "contacts/s achieved")[0]) > 0
    assert float(row(done.stdout, "chat messages/s acknowledged")[0]) > 0
    assert float(row(done.stdout, "durable commits/s (ceiling)")[0].replace(",", "")) > 0


def test_multi_process_smoke_run_drops_its_database_and_redis_keys() -> None:
    done = run_load(
        "--mode", "multi", "--web", "2", "--seconds", "2", "--rate", "10", "--agents", "4", "--visitors", "4"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert row(done.stdout, "errors") == ["0"], done.stdout + done.stderr
    named = re.search(r"database (cc_bench_load_\w+), Redis keys \*(\w+)\*", done.stderr)
    assert named, done.stderr
    database, suffix = named.groups()
    assert list(Redis.from_url(REDIS_TEST_URL).scan_iter(match=f"*{suffix}*")) == []
    assert not asyncio.run(database_exists(database))
    leftover = subprocess.run(["pgrep", "-f", "contact_center.cli serve"], capture_output=True, text=True)
    assert all(suffix not in environ_of(pid) for pid in leftover.stdout.split())


async def database_exists(name: str) -> bool:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await conn.close()


def environ_of(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""
