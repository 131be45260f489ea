"""The deployments `load.py` drives, started from nothing and always taken down again.

`one`: a single `contact-center serve` on a SQLite file in a temporary directory. `multi`: a fresh
PostgreSQL database and a Redis namespace of its own (stream and rq queue named with a random
suffix), then `serve --role router`, `--role scheduler`, `--role worker` and N `--role web`
processes, each web process on a port of its own. Every process is started in its own session
(process group), so stopping it also stops what it forked (rq's work horses); whatever happens,
the processes are stopped, the database dropped and the namespace's Redis keys deleted.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import asyncpg
from redis import Redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ceilings import free_port, postgres_commits, sqlite_commits
from inbound import PASSWORD, cli, cpu_seconds

PG_ADMIN = os.environ.get("CC_BENCH_PG", "postgresql://127.0.0.1:5432/postgres")
#: Where the multi-process mode keeps its events and jobs (under a namespace of its own).
REDIS_URL = os.environ.get("CC_BENCH_REDIS", "redis://127.0.0.1:6379/0")
#: Roles started beside the web processes, in this order (the router first: it must lead before
#: the first contact arrives; the warm-up waits for its offers).
BACKGROUND_ROLES = ("router", "scheduler", "worker")


@dataclass
class Server:
    role: str
    proc: subprocess.Popen[bytes]
    log: Path
    base: str | None = None

    def cpu(self) -> float:
        """CPU seconds of the process and of the children it waited for (rq's work horses)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return cpu_seconds(self.proc.pid)
        ticks = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class Deployment:
    mode: str
    web: int
    workdir: Path
    env: dict[str, str]
    database: str
    servers: list[Server] = field(default_factory=list)
    pg_name: str | None = None
    suffix: str = ""

    @property
    def label(self) -> str:
        return "one (SQLite)" if self.mode == "one" else f"multi web={self.web}"

    @property
    def bases(self) -> list[str]:
        return [s.base for s in self.servers if s.base is not None]

    def start(self, role: str, port: int | None = None) -> Server:
        env = dict(self.env)
        if port is not None:
            env["CC_HTTP__PORT"] = str(port)
        log = self.workdir / f"{role}-{len(self.servers)}.log"
        command = [sys.executable, "-m", "contact_center.cli", "serve"]
        if role != "all":
            command += ["--role", role]
        with log.open("ab") as out:
            proc = subprocess.Popen(
                command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        server = Server(role, proc, log, f"http://127.0.0.1:{port}" if port is not None else None)
        self.servers.append(server)
        return server

    async def wait_ready(self, timeout_s: float = 120.0) -> None:
        """Every web process answers `/readyz` with 200, and no process has died meanwhile."""
        deadline = time.monotonic() + timeout_s
        waiting = set(self.bases)
        async with aiohttp.ClientSession() as http:
            while waiting:
                self.check_alive()
                for base in sorted(waiting):
                    with contextlib.suppress(aiohttp.ClientError):
                        async with http.get(base + "/readyz") as resp:
                            if resp.status == 200:
                                waiting.discard(base)
                if time.monotonic() > deadline:
                    raise RuntimeError(f"not ready after {timeout_s:.0f} s: {sorted(waiting)}")
                await asyncio.sleep(0.2)

    def check_alive(self) -> None:
        for server in self.servers:
            if server.proc.poll() is not None:
                tail = server.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{server.role} exited with {server.proc.returncode}:\n{tail}")

    def cpu(self) -> dict[str, float]:
        """CPU seconds by role (the web processes summed)."""
        totals: dict[str, float] = {}
        for server in self.servers:
            totals[server.role] = totals.get(server.role, 0.0) + server.cpu()
        return totals

    def stop(self) -> None:
        """SIGTERM to each process group, then SIGKILL to any still there after 20 s (the logs stay
        readable until the deployment's directory goes)."""
        for server in self.servers:
            if server.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(server.proc.pid, signal.SIGTERM)
        for server in self.servers:
            try:
                server.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(server.proc.pid, signal.SIGKILL)
                server.proc.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError):  # a work horse left behind
                os.killpg(server.proc.pid, signal.SIGKILL)
        self.servers.clear()

    def log_summary(self) -> list[str]:
        """What the servers logged at WARNING or above, counted by role, event and error class: a
        refusal the client saw has its cause here (a pool waited out, a connection lost)."""
        counts: dict[str, int] = {}
        for server in self.servers:
            for line in server.log.read_text(errors="replace").splitlines():
                if " WARNING " in line or " ERROR " in line:
                    words = line.split()
                    event = words[3] if len(words) > 3 else line
                    error = next((w for w in words if w.startswith("error=")), "")
                    key = f"{server.role}: {event} {error}".strip()
                    counts[key] = counts.get(key, 0) + 1
        return [f"{n} x {key}" for key, n in sorted(counts.items(), key=lambda kv: -kv[1])]

    async def transactions(self) -> int:
        """Transactions committed in the database so far (PostgreSQL's statistics, which lag by
        up to a second; 0 on SQLite, which keeps no such count)."""
        if self.pg_name is None:
            return 0
        conn = await asyncpg.connect(PG_ADMIN)
        try:
            await conn.execute("SELECT pg_stat_clear_snapshot()")
            found = await conn.fetchval(
                "SELECT xact_commit FROM pg_stat_database WHERE datname = $1", self.pg_name
            )
            return int(found or 0)
        finally:
            await conn.close()

    def commit_rate(self, seconds: float) -> float:
        """The database's single-row durable commit rate, measured once the servers are stopped."""
        if self.pg_name is None:
            return sqlite_commits(self.workdir / "raw.db", seconds)
        return asyncio.run(postgres_commits(self.database, seconds, 16))


def base_env(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CC_")}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(
        {
            "CC_LOG_LEVEL": "WARNING",
            "CC_WEBCHAT__SECRET": uuid.uuid4().hex * 2,  # shared: any web process takes any visitor
            "CC_WEBCHAT__UPLOAD_DIR": str(workdir / "uploads"),
            "CC_WEBCHAT__CONNECTIONS_PER_ADDRESS": "10000",
            "CC_WEBCHAT__MESSAGES_PER_SECOND": "1000",
            "CC_WEBCHAT__MESSAGE_BURST": "1000",
        }
    )
    return env


@contextlib.contextmanager
def deployed(mode: str, web: int) -> Iterator[Deployment]:
    """A running deployment of `mode`, torn down on the way out whatever happened inside."""
    with tempfile.TemporaryDirectory(prefix="cc-load-") as tmp:
        workdir = Path(tmp)
        env = base_env(workdir)
        suffix = uuid.uuid4().hex[:10]
        if mode == "one":
            database, pg_name = f"sqlite:///{workdir / 'load.db'}", None
        else:
            pg_name = f"cc_bench_load_{suffix}"
            asyncio.run(pg_admin(f'CREATE DATABASE "{pg_name}"'))
            database = PG_ADMIN.rsplit("/", 1)[0] + f"/{pg_name}"
            env.update(
                {
                    "REDIS_URL": REDIS_URL,
                    "CC_REDIS__STREAM": f"cc:bench:{suffix}:events",
                    "CC_REDIS__RQ_QUEUE": f"cc_bench_{suffix}",
                }
            )
        env["DATABASE_URL"] = database
        deployment = Deployment(mode, web, workdir, env, database, pg_name=pg_name, suffix=suffix)
        if pg_name is not None:  # named, so that a leftover can be found (tests/bench checks none is)
            print(
                f"{deployment.label}: database {pg_name}, Redis keys *{suffix}*", file=sys.stderr, flush=True
            )
        try:
            cli(env, "migrate")
            for name, role in (("bench_admin", "admin"), ("bench_integration", "integration")):
                cli(env, "users", "add", name, "--role", role, "--password", PASSWORD)
            if mode == "one":
                deployment.start("all", free_port())
            else:
                for role in BACKGROUND_ROLES:
                    deployment.start(role)
                for _ in range(web):
                    deployment.start("web", free_port())
            asyncio.run(deployment.wait_ready())
            yield deployment
        finally:
            deployment.stop()
            if pg_name is not None:
                asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
                delete_redis_keys(suffix)


def delete_redis_keys(suffix: str) -> int:
    """Every key of the namespace (stream, groups' leases, rq queue and jobs), counted."""
    client = Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"*{suffix}*", count=1000))
        if keys:
            client.delete(*keys)
        return len(keys)
    finally:
        client.close()


async def pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
