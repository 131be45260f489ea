"""A Redis and a PostgreSQL of the test's own, to break: started on a free port, stopped and
started again at will.

The shared Redis and PostgreSQL of the machine serve every other test and session, so an outage
is staged on a private `redis-server` (no persistence: a restart comes back empty, the harder case)
and a private PostgreSQL cluster (stopped as a crash would: no goodbye to its clients; its data
kept, as a database's is)."""

from __future__ import annotations

import asyncio
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.contact_center.server_process import free_port


class PrivateRedis:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._workdir = workdir
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed for the fault tests"
        command = [
            binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        self._process = subprocess.Popen(
            command, cwd=self._workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def kill(self) -> None:
        """As a crash or a network cut: no goodbye to the clients, no data kept."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


def _postgres_bin() -> Path:
    """The newest installed server's binaries (Debian keeps them off the PATH), else the PATH's."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb") or (
        "/usr/local/bin/initdb" if Path("/usr/local/bin/initdb").exists() else None
    )
    assert initdb, "PostgreSQL's initdb is needed for the database fault tests"
    return Path(initdb).resolve().parent


class PrivatePostgres:
    """A throw-away cluster: `initdb` into a directory of its own, served on a free port.

    initdb and the server refuse to run as root (as the tests run on CI): then they run as the
    `postgres` user, in a directory that user owns. Not under pytest's `tmp_path`: that sits in a
    directory only its owner may enter, and its long path would not fit a Unix socket's name."""

    def __init__(self) -> None:
        self.port = free_port()
        self._bin = _postgres_bin()
        self._as: list[str] = []
        self.home = Path(tempfile.mkdtemp(prefix="cc-fault-pg-"))
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.home, owner.pw_uid, owner.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        self._data = self.home / "data"
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/cc"

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            [*self._as, str(self._bin / tool), *args], capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == 0, f"{tool} failed: {done.stdout}{done.stderr}"

    def create(self) -> None:
        self._run("initdb", "-D", str(self._data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "cc")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 "
            "-c fsync=off"  # safe here: a stopped server, not a lost machine, is the fault staged
        )
        self._run("pg_ctl", "start", "-w", "-D", str(self._data), "-l", str(self.home / "log"), "-o", options)

    def stop(self) -> None:
        """As a crash: every backend ends at once, nothing is flushed; connections are refused
        until `start` (which recovers from the WAL, as after a power cut)."""
        self._run("pg_ctl", "stop", "-w", "-m", "immediate", "-D", str(self._data))

    def remove(self) -> None:
        if (self._data / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-w", "-m", "immediate", "-D", str(self._data))
        shutil.rmtree(self.home, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """Created and migrated; removed afterwards, whatever state the test left it in."""
    from contact_center.storage.migrate import upgrade

    server = PrivatePostgres()
    try:
        server.create()
        upgrade(server.url)
        yield server
    finally:
        server.remove()


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    """A database of the test's own on the machine's PostgreSQL, migrated; dropped afterwards.
    For scenarios that break processes, not the database, and run a router: a router on the
    session's shared database would route every other test's work too."""
    from contact_center.storage.migrate import upgrade
    from tests.conftest import PG_ADMIN_DSN, _admin

    name = f"cc_fault_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        url = PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
        upgrade(url)
        yield url
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
