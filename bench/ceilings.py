"""What the machine can do without us, measured in the same run as the figures compared to it.

The database's single-row durable commit rate (SQLite WAL + `synchronous=FULL` with one writer;
PostgreSQL `synchronous_commit=on` over several connections), and a bare aiohttp handler's request
rate driven by the same client at the same concurrency. Used by `inbound.py`.
"""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import asyncpg

BARE_SERVER = """
import sys
from aiohttp import web
async def handle(request):
    await request.read()
    return web.json_response({"interaction_id": 1, "message_id": 1, "customer_id": 1}, status=201)
app = web.Application()
app.router.add_post("/api/v1/inbound", handle)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sqlite_commits(path: Path, seconds: float) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS raw (id INTEGER PRIMARY KEY, body TEXT)")
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO raw (body) VALUES ('x')")
        conn.execute("COMMIT")
        n += 1
    rate = n / (time.perf_counter() - start)
    conn.close()
    return rate


async def postgres_commits(dsn: str, seconds: float, connections: int) -> float:
    setup = await asyncpg.connect(dsn)
    await setup.execute("CREATE TABLE IF NOT EXISTS raw (id serial PRIMARY KEY, body text)")
    await setup.close()
    count = 0
    start = time.perf_counter()

    async def one() -> None:
        nonlocal count
        conn = await asyncpg.connect(dsn, server_settings={"synchronous_commit": "on"})
        while time.perf_counter() - start < seconds:
            async with conn.transaction():
                await conn.execute("INSERT INTO raw (body) VALUES ('x')")
            count += 1
        await conn.close()

    await asyncio.gather(*(one() for _ in range(connections)))
    return count / (time.perf_counter() - start)


async def wait_answering(url: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(url) as resp:
                    if resp.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def bare_aiohttp_rate(requests: int, concurrency: int) -> float:
    """POSTs per second to a handler that does nothing, in its own process, as our server runs."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", BARE_SERVER, str(port)])
    try:
        base = f"http://127.0.0.1:{port}"
        asyncio.run(wait_answering(base + "/"))
        return asyncio.run(_drive(base + "/api/v1/inbound", requests, concurrency))
    finally:
        server.terminate()
        server.wait(timeout=10)


async def _drive(url: str, requests: int, concurrency: int) -> float:
    body = {"channel": "chat", "sender": "v", "body": "hello"}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:
        todo = list(range(requests))

        async def worker() -> None:
            while todo:
                todo.pop()
                async with http.post(url, json=body) as resp:
                    await resp.read()

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return requests / (time.perf_counter() - start)


def collector_as_served() -> None:
    """The garbage collector as a serving process runs it (`contact-center serve`): what start-up
    built frozen out of the collector's sight, and the server's thresholds. A query timed in a
    bare process otherwise pays for full collections walking every imported module, which the
    server never does; call it once the process has built what it keeps."""
    import gc

    from contact_center.server import SERVER_GC_THRESHOLDS, freeze_startup

    freeze_startup()
    gc.set_threshold(*SERVER_GC_THRESHOLDS)
