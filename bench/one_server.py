"""A one-process server (`contact-center serve` on a SQLite file of its own) for a benchmark run.

The desk and console benchmarks each start one the same way: a fresh database, an admin and an
integration user with the benchmarks' password, the server's own process (so its CPU is counted
apart from the client's), and everything removed afterwards.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ceilings import free_port, wait_answering
from inbound import PASSWORD, cli


@dataclass(frozen=True)
class Served:
    base: str
    pid: int


@contextmanager
def one_server(prepare: Callable[[dict[str, str]], None] = lambda env: None) -> Iterator[Served]:
    """Yield a running server; `prepare(env)` runs first, with the database migrated and the two
    users made (to create agents and tokens through the package, say)."""
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("CC_")}
        env.update(
            {
                "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
                "CC_HTTP__PORT": str(port),
                "CC_LOG_LEVEL": os.environ.get("CC_BENCH_LOG_LEVEL", "WARNING"),
            }
        )
        env.pop("REDIS_URL", None)
        cli(env, "migrate")
        for name, role in (("bench_admin", "admin"), ("bench_integration", "integration")):
            cli(env, "users", "add", name, "--role", role, "--password", PASSWORD)
        prepare(env)
        command = [sys.executable, "-m", "contact_center.cli", "serve"]
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            asyncio.run(wait_answering(base + "/readyz"))
            yield Served(base, server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
