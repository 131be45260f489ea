"""Benchmark: web chat visitors on one server process, beside a bare aiohttp websocket echo.

A server runs as its own process (`contact-center serve`: web, router and outbox in one, on
SQLite by default, `--database postgres` for PostgreSQL). This client opens N visitor websockets
(`/chat/ws`, hello, then one first message each, which opens their interaction, at most 500 a
second), then, for a few
seconds, sends messages at a fixed total rate from the visitors in turn. A supervisor's console on
`/ws/events` stands for the agents' desks: it sees every message as agents do, so the time from a
visitor's send to the `message.added` frame on it is the visitor-to-agent delivery.

Printed, per N: messages/s achieved, p50/p99 of the acknowledgement and of visitor-to-agent
delivery, and the server's memory per connection (its resident set after the N hellos, less
before); beside them, the same figures for a bare aiohttp websocket echo server driven by the same
client in the same run (round trip instead of delivery). Asserts nothing (docs/webchat.md).

    .venv/bin/python bench/chat.py [--visitors 1000 5000] [--rate 1000] [--seconds 5]
                                   [--database sqlite|postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ceilings import free_port, wait_answering

PG_ADMIN = os.environ.get("CC_BENCH_PG", "postgresql://127.0.0.1:5432/postgres")
PASSWORD = "bench-password-1"
#: Connections opened at once while the visitors arrive.
OPENING = 100
#: First messages a second (each opens an interaction) before the measured phase.
WARM_UP_RATE = 500.0

ECHO_SERVER = """
import sys
from aiohttp import web, WSMsgType
async def handle(request):
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for message in ws:
        if message.type is WSMsgType.TEXT:
            await ws.send_str(message.data)
    return ws
app = web.Application()
app.router.add_get("/echo", handle)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
"""


def steady_client() -> None:
    """The client's own full collections would count as the server's latency: once its sockets are
    open, they leave the collector's sight (the same for the chat server and the echo peer)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 100)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


@dataclass
class Figures:
    visitors: int
    sent: int = 0
    rate: float = 0.0
    acks: list[float] = field(default_factory=list)
    delivery: list[float] = field(default_factory=list)
    kib_per_connection: float = 0.0
    errors: int = 0
    #: The server process's CPU time per message in the measured phase (all threads), in ms: a
    #: figure a busy machine disturbs far less than latencies.
    cpu_ms: float = 0.0


@dataclass
class Tally:
    """What the visitors' and the desk's readers saw, keyed as the frames name it."""

    sent_at: dict[str, float] = field(default_factory=dict)
    acked_at: dict[str, float] = field(default_factory=dict)
    seq_of: dict[str, int] = field(default_factory=dict)
    seen_at: dict[int, float] = field(default_factory=dict)
    errors: int = 0


async def visitor_reader(ws: aiohttp.ClientWebSocketResponse, tally: Tally) -> None:
    async for message in ws:
        if message.type is not aiohttp.WSMsgType.TEXT:
            return
        frame = json.loads(message.data)
        if frame["type"] == "ack":
            tally.acked_at[frame["client_id"]] = time.perf_counter()
            tally.seq_of[frame["client_id"]] = frame["seq"]
        elif frame["type"] == "error":
            tally.errors += 1
            if tally.errors <= 3:  # say why, once or twice
                print(f"  error frame: {frame}", file=sys.stderr)


async def desk_reader(ws: aiohttp.ClientWebSocketResponse, tally: Tally) -> None:
    async for message in ws:
        frame = json.loads(message.data)
        if frame.get("type") == "message.added" and frame["event"]["direction"] == "inbound":
            tally.seen_at[frame["event"]["message_id"]] = time.perf_counter()


async def open_many(
    http: aiohttp.ClientSession, url: str, n: int, origin: str
) -> list[aiohttp.ClientWebSocketResponse]:
    gate = asyncio.Semaphore(OPENING)

    async def one() -> aiohttp.ClientWebSocketResponse:
        async with gate:
            return await http.ws_connect(url, headers={"Origin": origin}, max_msg_size=0)

    return list(await asyncio.gather(*(one() for _ in range(n))))


async def paced(rate: float, count: int, send: Callable[[int], Awaitable[None]]) -> float:
    """Send `count` messages at `rate` a second; returns the seconds it took."""
    start = time.perf_counter()
    for i in range(count):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await send(i)
    return time.perf_counter() - start


async def drive_chat(
    base: str, pid: int, admin: dict[str, str], n: int, rate: float, seconds: float
) -> Figures:
    figures = Figures(n)
    tally = Tally()
    tag = uuid.uuid4().hex[:6]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        before = rss_kib(pid)
        sockets = await open_many(http, base.replace("http", "ws", 1) + "/chat/ws", n, base)
        for ws in sockets:
            await ws.send_json({"type": "hello", "site": "demo"})
        for ws in sockets:
            while json.loads((await ws.receive(timeout=60)).data)["type"] != "welcome":
                pass
        await asyncio.sleep(1.0)
        figures.kib_per_connection = (rss_kib(pid) - before) / n
        steady_client()
        readers = [asyncio.create_task(visitor_reader(ws, tally)) for ws in sockets]

        async def first(i: int) -> None:  # opens each visitor's interaction (not measured)
            await sockets[i].send_json({"type": "message", "client_id": f"w{tag}{i}", "body": "Hello"})

        await paced(min(rate, WARM_UP_RATE), n, first)
        await until(lambda: len(tally.acked_at) >= n, 60)
        await asyncio.sleep(2.0)  # the router and the outbox catch up with the new interactions
        # The console joins now: the warm-up's burst of new interactions would overrun its backlog.
        desk = await http.ws_connect(f"{base}/ws/events", headers=admin, max_msg_size=0)
        desk_task = asyncio.create_task(desk_reader(desk, tally))
        tally.sent_at.clear()
        count = int(rate * seconds)

        async def measured(i: int) -> None:
            client_id = f"m{tag}{i}"
            tally.sent_at[client_id] = time.perf_counter()
            await sockets[i % n].send_json(
                {"type": "message", "client_id": client_id, "body": f"question {i}"}
            )

        cpu = cpu_seconds(pid)
        took = await paced(rate, count, measured)
        await until(lambda: sum(tally.seq_of.get(c, -1) in tally.seen_at for c in tally.sent_at) >= count, 30)
        figures.cpu_ms = (cpu_seconds(pid) - cpu) * 1000 / count
        acked = [tally.acked_at[c] for c in tally.sent_at if c in tally.acked_at]
        last = max(acked, default=time.perf_counter())
        first_sent = min(tally.sent_at.values())
        figures.sent = count
        figures.rate = sum(c in tally.acked_at for c in tally.sent_at) / max(last - first_sent, took)
        figures.acks = [tally.acked_at[c] - t for c, t in tally.sent_at.items() if c in tally.acked_at]
        figures.delivery = [
            tally.seen_at[tally.seq_of[c]] - t
            for c, t in tally.sent_at.items()
            if c in tally.seq_of and tally.seq_of[c] in tally.seen_at
        ]
        figures.errors = tally.errors + count - len(figures.delivery)
        for task in [*readers, desk_task]:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in [*sockets, desk]), return_exceptions=True)
    return figures


async def drive_echo(port: int, pid: int, n: int, rate: float, seconds: float) -> Figures:
    figures = Figures(n)
    sent_at: dict[str, float] = {}
    back_at: dict[str, float] = {}

    async def reader(ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            back_at[json.loads(message.data)["client_id"]] = time.perf_counter()

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        before = rss_kib(pid)
        sockets = await open_many(http, f"http://127.0.0.1:{port}/echo", n, f"http://127.0.0.1:{port}")
        await asyncio.sleep(1.0)
        figures.kib_per_connection = (rss_kib(pid) - before) / n
        steady_client()
        readers = [asyncio.create_task(reader(ws)) for ws in sockets]
        count = int(rate * seconds)

        async def send(i: int) -> None:
            client_id = f"e{i}"
            sent_at[client_id] = time.perf_counter()
            await sockets[i % n].send_json(
                {"type": "message", "client_id": client_id, "body": f"question {i}"}
            )

        cpu = cpu_seconds(pid)
        took = await paced(rate, count, send)
        await until(lambda: len(back_at) >= count, 10)
        figures.cpu_ms = (cpu_seconds(pid) - cpu) * 1000 / count
        figures.sent = count
        figures.rate = len(back_at) / max(max(back_at.values(), default=0) - min(sent_at.values()), took)
        figures.acks = figures.delivery = [back_at[c] - t for c, t in sent_at.items() if c in back_at]
        figures.errors = count - len(back_at)
        for task in readers:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return figures


async def until(check: Callable[[], bool], timeout_s: float) -> None:
    """Poll `check` until it holds or `timeout_s` passed (the figures then show what is missing)."""
    for _ in range(int(timeout_s / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)


def cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "contact_center.cli", *args], env=env, check=True, capture_output=True
    )


async def admin_headers(base: str) -> dict[str, str]:
    async with aiohttp.ClientSession() as http:
        body = {"username": "bench_admin", "password": PASSWORD}
        async with http.post(f"{base}/api/v1/auth/token", json=body) as r:
            return {"Authorization": f"Bearer {(await r.json())['token']}"}


def run_chat(url: str, sizes: list[int], rate: float, seconds: float) -> list[Figures]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CC_")}
    env.pop("REDIS_URL", None)
    env.update(
        {
            "DATABASE_URL": url,
            "CC_HTTP__PORT": str(port),
            "CC_LOG_LEVEL": "WARNING",
            "CC_WEBCHAT__SECRET": uuid.uuid4().hex * 2,
            "CC_WEBCHAT__CONNECTIONS_PER_ADDRESS": str(max(sizes) + 10),
            "CC_WEBCHAT__MESSAGES_PER_SECOND": "1000",
            "CC_WEBCHAT__MESSAGE_BURST": "1000",
        }
    )
    cli(env, "migrate")
    cli(env, "users", "add", "bench_admin", "--role", "admin", "--password", PASSWORD)
    command = [sys.executable, "-m", "contact_center.cli", "serve"]
    if os.environ.get("CC_BENCH_PROFILE"):  # where the server's time goes: a cProfile dump
        command[1:1] = ["-m", "cProfile", "-o", os.environ["CC_BENCH_PROFILE"]]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(wait_answering(base + "/healthz"))
        admin = asyncio.run(admin_headers(base))
        return [asyncio.run(drive_chat(base, server.pid, admin, n, rate, seconds)) for n in sizes]
    finally:
        server.terminate()
        server.wait(timeout=30)


def run_echo(sizes: list[int], rate: float, seconds: float) -> list[Figures]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", ECHO_SERVER, str(port)])
    try:
        asyncio.run(wait_answering(f"http://127.0.0.1:{port}/echo"))
        return [asyncio.run(drive_echo(port, server.pid, n, rate, seconds)) for n in sizes]
    finally:
        server.terminate()
        server.wait(timeout=30)


def database(kind: str, workdir: Path) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'chat.db'}", None
    name = f"cc_bench_chat_{uuid.uuid4().hex[:8]}"
    asyncio.run(_pg(f'CREATE DATABASE "{name}"'))
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", name


async def _pg(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--rate", type=float, default=1000.0, help="messages a second, all visitors together")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, pg_name = database(args.database, Path(tmp))
        try:
            chat = run_chat(url, args.visitors, args.rate, args.seconds)
        finally:
            if pg_name:
                asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
    echo = run_echo(args.visitors, args.rate, args.seconds)
    print(
        f"web chat, one server process on {args.database}; {args.rate:.0f} messages/s offered for "
        f"{args.seconds:.0f} s; {os.cpu_count()} cores shared by client, server and database"
    )
    print(f"{'':34}{'chat server':>16}{'bare ws echo':>16}{'ratio':>8}")
    for c, e in zip(chat, echo, strict=True):
        print(f"{c.visitors} concurrent visitors")
        rows = [
            ("messages/s achieved", c.rate, e.rate, "{:.0f}"),
            ("ack p50 ms (echo: round trip)", pct(c.acks, 0.5), pct(e.acks, 0.5), "{:.1f}"),
            ("ack p99 ms", pct(c.acks, 0.99), pct(e.acks, 0.99), "{:.1f}"),
            ("visitor-to-agent p50 ms", pct(c.delivery, 0.5), pct(e.delivery, 0.5), "{:.1f}"),
            ("visitor-to-agent p99 ms", pct(c.delivery, 0.99), pct(e.delivery, 0.99), "{:.1f}"),
            ("memory per connection KiB", c.kib_per_connection, e.kib_per_connection, "{:.1f}"),
            ("server CPU per message ms", c.cpu_ms, e.cpu_ms, "{:.2f}"),
            ("messages lost or refused", c.errors, e.errors, "{:.0f}"),
        ]
        for label, ours, peer, fmt in rows:
            ratio = f"{ours / peer:.1f}x" if peer else "-"
            print(f"  {label:32}{fmt.format(ours):>16}{fmt.format(peer):>16}{ratio:>8}")


if __name__ == "__main__":
    main()
