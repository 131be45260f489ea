"""Benchmark: `POST /api/v1/interactions`, committed, on SQLite and on PostgreSQL.

For each database the server runs as its own process (`contact-center serve`), a client here sends
N requests from C concurrent connections, and the same run measures the database's raw commit
ceiling: single-row INSERT + COMMIT with the same durability (SQLite WAL + synchronous=FULL, one
writer; PostgreSQL synchronous_commit=on, C connections). The ratio API/raw says how much of the
database's commit rate the whole request path keeps. Prints figures; asserts nothing.

    .venv/bin/python bench/api_post.py [--requests 2000] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import asyncpg

PG_ADMIN = os.environ.get("CC_BENCH_PG", "postgresql://127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "contact_center.cli", *args], env=env, check=True, capture_output=True
    )


async def wait_ready(base: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            try:
                async with http.get(base + "/readyz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("server did not start")


def api_run(url: str, requests: int, concurrency: int) -> tuple[float, list[float]]:
    """Start the server process on `url`, then drive it from this process."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CC_")}
    env.update({"DATABASE_URL": url, "CC_HTTP__PORT": str(port), "CC_LOG_LEVEL": "WARNING"})
    env.pop("REDIS_URL", None)
    cli("migrate", env=env)
    cli("users", "add", "bench", "--role", "admin", "--password", "bench-pass", env=env)
    server = subprocess.Popen(
        [sys.executable, "-m", "contact_center.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return asyncio.run(load(f"http://127.0.0.1:{port}", requests, concurrency))
    finally:
        server.terminate()
        server.wait(timeout=20)


async def load(base: str, requests: int, concurrency: int) -> tuple[float, list[float]]:
    await wait_ready(base)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:
        token_body = {"username": "bench", "password": "bench-pass"}
        async with http.post(base + "/api/v1/auth/token", json=token_body) as r:
            headers = {"Authorization": f"Bearer {(await r.json())['token']}"}
        async with http.post(base + "/api/v1/customers", headers=headers, json={"name": "Bench"}) as r:
            customer_id = (await r.json())["id"]
        body = {"customer_id": customer_id, "channel": "email", "direction": "inbound", "subject": "bench"}

        async def post() -> float:
            t0 = time.perf_counter()
            async with http.post(base + "/api/v1/interactions", headers=headers, json=body) as r:
                await r.read()
                if r.status != 201:
                    raise RuntimeError(f"status {r.status}")
            return time.perf_counter() - t0

        async def worker(todo: list[int], latencies: list[float]) -> None:
            while todo:
                todo.pop()
                latencies.append(await post())

        await asyncio.gather(*(worker(list(range(5)), []) for _ in range(concurrency)))  # warm-up
        latencies: list[float] = []
        todo = list(range(requests))
        start = time.perf_counter()
        await asyncio.gather(*(worker(todo, latencies) for _ in range(concurrency)))
        return requests / (time.perf_counter() - start), latencies


def sqlite_raw_commits(path: Path, seconds: float) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS raw (id INTEGER PRIMARY KEY, body TEXT)")
    n, end = 0, time.perf_counter() + seconds
    start = time.perf_counter()
    while time.perf_counter() < end:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO raw (body) VALUES ('x')")
        conn.execute("COMMIT")
        n += 1
    rate = n / (time.perf_counter() - start)
    conn.close()
    return rate


async def pg_raw_commits(dsn: str, seconds: float, concurrency: int) -> float:
    setup = await asyncpg.connect(dsn)
    await setup.execute("CREATE TABLE IF NOT EXISTS raw (id serial PRIMARY KEY, body text)")
    await setup.close()
    count = 0
    end = time.perf_counter() + seconds

    async def one() -> None:
        nonlocal count
        conn = await asyncpg.connect(dsn, server_settings={"synchronous_commit": "on"})
        while time.perf_counter() < end:
            async with conn.transaction():
                await conn.execute("INSERT INTO raw (body) VALUES ('x')")
            count += 1
        await conn.close()

    start = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(concurrency)))
    return count / (time.perf_counter() - start)


def report(name: str, rate: float, latencies: list[float], raw: float) -> None:
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(
        f"{name:<11} API {rate:8.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  |  raw commits {raw:8.0f}/s"
        f"  |  API/raw {rate / raw:5.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    print(
        f"POST /api/v1/interactions, {args.requests} requests, {args.concurrency} concurrent; "
        f"{os.cpu_count()} cores (client, server and database share them)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        rate, lat = api_run(f"sqlite:///{db}", args.requests, args.concurrency)
        raw = sqlite_raw_commits(Path(tmp) / "raw.db", 5.0)
        report("SQLite", rate, lat, raw)

    name = f"cc_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(pg_admin(f'CREATE DATABASE "{name}"'))
    dsn = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        rate, lat = api_run(dsn, args.requests, args.concurrency)
        raw = asyncio.run(pg_raw_commits(dsn, 5.0, args.concurrency))
        report("PostgreSQL", rate, lat, raw)
    finally:
        asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


if __name__ == "__main__":
    main()
