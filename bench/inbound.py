"""Benchmark: the real inbound path over HTTP, from a customer's contact to an agent's offer.

For SQLite and for PostgreSQL, a server runs as its own process, one process for everything
(`contact-center serve`: web, router, outbox). This client plays three parts at once: an
integration posting contacts to `POST /api/v1/inbound` (each from a new chat visitor, so each
opens an interaction), a supervisor's console listening on `/ws/events`, and the agents, who
accept every offer made to them. There are enough of them (250 agents, 10 chats each) for every
contact of the open loop to find a free agent at once, so its offer latency is the software's and
not a queue waiting for staff.

It prints, per database:
- first, on the fresh server, an open loop at a fixed rate (200 contacts/s by default): p50/p99
  acknowledgement, and p50/p99 from the acknowledgement to the `interaction.offered` event reaching
  the console, while the agents accept each offer as it reaches them;
- then a closed loop at rising concurrency: contacts/s committed and acknowledged, p50 and p99 of
  the acknowledgement. Once the agents are full the contacts wait in the queue, as they would in a
  contact center with more contacts than agents (the router still takes every arrival into account);
- in the same run, two ceilings: the database's single-row durable commit rate, and a bare aiohttp
  handler's request rate from the same client at the same concurrency.
Asserts nothing: goals are read off the figures (docs/performance.md).

    .venv/bin/python bench/inbound.py [--contacts 3000] [--rate 200] [--seconds 10] [--only sqlite]
                                      [--open-only]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ceilings import bare_aiohttp_rate, free_port, postgres_commits, sqlite_commits, wait_answering

PG_ADMIN = os.environ.get("CC_BENCH_PG", "postgresql://127.0.0.1:5432/postgres")
PASSWORD = "bench-password-1"
#: Staffed for the open loop: every contact of it (warm-up included) finds a free chat slot at once,
#: so the offer latency is the software's, not a queue waiting for staff.
AGENTS = 250
CHAT_CAPACITY = 10
CONCURRENCY = (1, 8, 32, 128)


@dataclass
class Desk:
    """The agents' side: offers seen on the console, answered by the offered agent."""

    http: aiohttp.ClientSession
    base: str
    tokens: dict[int, dict[str, str]]
    #: A supervisor's headers, to read why an offer was gone when its agent answered.
    supervisor: dict[str, str]
    offered_at: dict[int, float] = field(default_factory=dict)
    answered: int = 0
    failed: int = 0
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def listen(self, headers: dict[str, str]) -> None:
        async with self.http.ws_connect(f"{self.base}/ws/events", headers=headers, max_msg_size=0) as ws:
            async for message in ws:
                frame = json.loads(message.data)
                if frame.get("type") != "interaction.offered":
                    continue
                event = frame["event"]
                self.offered_at[event["interaction_id"]] = time.perf_counter()
                task = asyncio.create_task(self._work(event["interaction_id"], event["agent_id"]))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)

    async def _work(self, interaction_id: int, agent_id: int) -> None:
        headers = self.tokens.get(agent_id)
        if headers is None:
            return
        url = f"{self.base}/api/v1/interactions/{interaction_id}/accept"
        try:
            async with self.http.post(url, json={}, headers=headers) as resp:
                await resp.read()
                if resp.status >= 300:
                    self.failed += 1
                    if self.failed <= 3:  # say why, once or twice: a refusal here is a finding
                        print(f"accept refused: {resp.status} {await resp.text()}", file=sys.stderr)
                        routing = f"{self.base}/api/v1/interactions/{interaction_id}/routing"
                        async with self.http.get(routing, headers=self.supervisor) as why:
                            print(f"  its routing log: {await why.text()}", file=sys.stderr)
                    return
        except aiohttp.ClientError:
            self.failed += 1
            return
        self.answered += 1


@dataclass
class Run:
    rate: float
    acks: list[float]
    to_offer: list[float]
    errors: int
    #: The server process's CPU time (all threads) per contact, in ms: a figure that a noisy
    #: machine disturbs far less than latencies (0 where /proc is not there to read it).
    cpu_ms: float = 0.0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, from /proc (Linux); 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "contact_center.cli", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


async def token(http: aiohttp.ClientSession, base: str, username: str) -> dict[str, str]:
    async with http.post(f"{base}/api/v1/auth/token", json={"username": username, "password": PASSWORD}) as r:
        return {"Authorization": f"Bearer {(await r.json())['token']}"}


async def prepare(http: aiohttp.ClientSession, base: str) -> tuple[dict[str, str], dict[str, str], Desk]:
    admin = await token(http, base, "bench_admin")
    async with http.post(
        f"{base}/api/v1/queues", json={"name": "bench-chat", "channels": ["chat"]}, headers=admin
    ) as r:
        assert r.status in (201, 409), await r.text()
    sem = asyncio.Semaphore(8)

    async def staff(n: int) -> tuple[int, dict[str, str]]:
        async with sem:
            username = f"bench_agent_{n}"
            body = {"username": username, "password": PASSWORD, "capacity": {"chat": CHAT_CAPACITY}}
            async with http.post(f"{base}/api/v1/agents", json=body, headers=admin) as r:
                assert r.status == 201, await r.text()
                agent_id = (await r.json())["id"]
            headers = await token(http, base, username)
            async with http.put(
                f"{base}/api/v1/agents/{agent_id}/presence", json={"presence": "available"}, headers=headers
            ) as r:
                assert r.status == 200, await r.text()
            return agent_id, headers

    agents = dict(await asyncio.gather(*(staff(n) for n in range(AGENTS))))
    return await token(http, base, "bench_integration"), admin, Desk(http, base, agents, admin)


async def post_contact(
    http: aiohttp.ClientSession, base: str, headers: dict[str, str], sender: str
) -> tuple[int | None, float]:
    """One contact from `sender`: its interaction id (None if refused) and the acknowledgement time."""
    body = {"channel": "chat", "sender": sender, "body": "Hello, I need help", "queue": "bench-chat"}
    start = time.perf_counter()
    async with http.post(f"{base}/api/v1/inbound", json=body, headers=headers) as resp:
        answer = await resp.json()
    return (answer["interaction_id"] if resp.status == 201 else None), time.perf_counter() - start


async def closed_loop(
    http: aiohttp.ClientSession, base: str, headers: dict[str, str], contacts: int, concurrency: int
) -> Run:
    acks: list[float] = []
    errors = 0
    todo = list(range(contacts))
    tag = uuid.uuid4().hex[:8]

    async def worker() -> None:
        nonlocal errors
        while todo:
            interaction_id, ack = await post_contact(http, base, headers, f"v-{tag}-{todo.pop()}")
            errors += interaction_id is None
            acks.append(ack)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Run(contacts / (time.perf_counter() - start), acks, [], errors)


async def open_loop(
    http: aiohttp.ClientSession, base: str, headers: dict[str, str], desk: Desk, rate: float, seconds: float
) -> Run:
    acked_at: dict[int, float] = {}
    acks: list[float] = []
    errors = 0
    tag = uuid.uuid4().hex[:8]

    async def one(n: int) -> None:
        nonlocal errors
        interaction_id, ack = await post_contact(http, base, headers, f"o-{tag}-{n}")
        if interaction_id is None:
            errors += 1
            return
        acked_at[interaction_id] = time.perf_counter()
        acks.append(ack)

    tasks = []
    start = time.perf_counter()
    total = int(rate * seconds)
    for n in range(total):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(n)))
    await asyncio.gather(*tasks)
    for _ in range(100):  # offers may still be on their way: up to 5 s more
        if all(i in desk.offered_at for i in acked_at):
            break
        await asyncio.sleep(0.05)
    to_offer = [max(0.0, desk.offered_at[i] - t) for i, t in acked_at.items() if i in desk.offered_at]
    missing = sum(1 for i in acked_at if i not in desk.offered_at)
    return Run(total / (time.perf_counter() - start), acks, to_offer, errors + missing)


async def drive(
    base: str, contacts: int, rate: float, seconds: float, steps: tuple[int, ...], pid: int
) -> tuple[list[tuple[int, Run]], Run, Desk]:
    await wait_answering(base + "/readyz")
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        integration, admin, desk = await prepare(http, base)
        listener = asyncio.create_task(desk.listen(admin))
        await asyncio.sleep(0.5)
        print("open loop starts", file=sys.stderr, flush=True)  # a profiler may attach now
        await open_loop(http, base, integration, desk, rate, 1.0)  # warm-up
        cpu = cpu_seconds(pid)
        steady = await open_loop(http, base, integration, desk, rate, seconds)
        steady.cpu_ms = (cpu_seconds(pid) - cpu) * 1000 / (rate * seconds)
        runs = [(c, await closed_loop(http, base, integration, contacts, c)) for c in steps]
        listener.cancel()
        if desk.tasks:  # the agents finish what they hold before the session closes under them
            await asyncio.wait(desk.tasks, timeout=30)
        return runs, steady, desk


def serve(
    url: str, contacts: int, rate: float, seconds: float, steps: tuple[int, ...]
) -> tuple[list[tuple[int, Run]], Run, Desk]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CC_")}
    env.update({"DATABASE_URL": url, "CC_HTTP__PORT": str(port), "CC_LOG_LEVEL": "WARNING"})
    env.pop("REDIS_URL", None)
    cli(env, "migrate")
    for name, role in (("bench_admin", "admin"), ("bench_integration", "integration")):
        cli(env, "users", "add", name, "--role", role, "--password", PASSWORD)
    server = subprocess.Popen(
        [sys.executable, "-m", "contact_center.cli", "serve"], env=env, stdout=subprocess.DEVNULL
    )
    try:
        return asyncio.run(drive(f"http://127.0.0.1:{port}", contacts, rate, seconds, steps, server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)


def report(
    name: str, runs: list[tuple[int, Run]], steady: Run, desk: Desk, commits: float, bare: float, rate: float
) -> None:
    print(
        f"\n{name}: database single-row durable commits {commits:,.0f}/s;"
        f" bare aiohttp handler {bare:,.0f} req/s"
    )
    print("  concurrency  contacts/s  p50 ack ms  p99 ack ms  errors  vs commits  vs bare aiohttp")
    for c, run in runs:
        print(
            f"  {c:>11}  {run.rate:>10,.0f}  {pct(run.acks, 0.5):>10.1f}  {pct(run.acks, 0.99):>10.1f}"
            f"  {run.errors:>6}  {run.rate / commits:>10.2f}  {run.rate / bare:>15.2f}"
        )
    print(
        f"  open loop at {rate:.0f}/s: ack p50 {pct(steady.acks, 0.5):.1f} ms,"
        f" p99 {pct(steady.acks, 0.99):.1f} ms;"
        f" ack->offered p50 {pct(steady.to_offer, 0.5):.1f} ms, p99 {pct(steady.to_offer, 0.99):.1f} ms;"
        f" not offered {steady.errors}; offers answered {desk.answered}, refused {desk.failed}"
    )
    print(
        f"  server CPU per contact in the open loop (its offer and accept included): {steady.cpu_ms:.2f} ms,"
        f" {steady.cpu_ms * rate / 10:.0f} % of a core at {rate:.0f}/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=3000, help="contacts per closed-loop step")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--open-only", action="store_true", help="skip the closed-loop steps")
    args = parser.parse_args()
    print(f"inbound path, one server process; {os.cpu_count()} cores shared by client, server and database")
    steps = () if args.open_only else CONCURRENCY
    bare = bare_aiohttp_rate(args.contacts, max(CONCURRENCY))
    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as tmp:
            runs, steady, desk = serve(
                f"sqlite:///{tmp}/bench.db", args.contacts, args.rate, args.seconds, steps
            )
            commits = sqlite_commits(Path(tmp) / "raw.db", 5.0)
        report("SQLite", runs, steady, desk, commits, bare, args.rate)
    if args.only != "sqlite":
        name = f"cc_bench_{uuid.uuid4().hex[:8]}"
        asyncio.run(pg_admin(f'CREATE DATABASE "{name}"'))
        dsn = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
        try:
            runs, steady, desk = serve(dsn, args.contacts, args.rate, args.seconds, steps)
            commits = asyncio.run(postgres_commits(dsn, 5.0, 16))
            report("PostgreSQL", runs, steady, desk, commits, bare, args.rate)
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
