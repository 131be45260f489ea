"""An acknowledged contact is committed: kill -9 right after acknowledgements loses none.

A real server process takes contacts on `POST /api/v1/inbound` from many concurrent callers, so
the group commit stores them in batches of several. The server is killed with SIGKILL the moment
the client has read a given number of acknowledgements, while other requests are still in flight.
A fresh connection then finds every acknowledged message, with the interaction and customer the
answer named, and no message stored twice. Answering a caller before the commit that holds its
rows would fail here: the kill lands while that commit is still under way.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_ADMIN_DSN, _admin
from tests.contact_center.server_process import clean_env, cli, free_port, run_cli, wait_ready

pytestmark = pytest.mark.slow

IN_FLIGHT = 64
CONTACTS = 600
KILL_AFTER = 200  # acknowledgements read by the client
SENDERS = 250  # fewer than contacts: some messages continue a thread another one opened
PASSWORD = "pw-durable-1"

#: (message id, interaction id, customer id)
Stored = tuple[int, int, int]


@pytest.fixture(params=["sqlite", "postgres"])
async def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database of this test's own, so a killed server leaves nothing behind for the others."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'killed.db'}"
        return
    name = f"cc_test_kill_{uuid.uuid4().hex[:10]}"
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Traffic:
    """What the integration sent and what it was told, up to the kill."""

    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    answers: dict[str, list[Stored]] = field(default_factory=dict)
    acknowledged: int = 0
    in_flight: int = 0
    in_flight_at_kill: int = -1
    failed_after_kill: int = 0

    def provider_id(self, n: int) -> str:
        # Every tenth request repeats its predecessor's id (a provider's retry, often concurrent).
        return f"{self.tag}-{n - 1 if n % 10 == 9 else n}"


async def _send_until_killed(base: str, server: subprocess.Popen[bytes], headers: dict[str, str]) -> Traffic:
    traffic = Traffic()
    numbers = iter(range(CONTACTS))
    timeout = aiohttp.ClientTimeout(total=60)

    async def integration(http: aiohttp.ClientSession) -> None:
        for n in numbers:
            pid = traffic.provider_id(n)
            body = {
                "channel": "chat",
                "sender": f"visitor-{traffic.tag}-{n % SENDERS}",
                "body": "Hello, I need help",
                "provider_message_id": pid,
            }
            traffic.in_flight += 1
            try:
                async with http.post(f"{base}/api/v1/inbound", json=body, headers=headers) as resp:
                    status, answer = resp.status, await resp.json()
            except (aiohttp.ClientError, TimeoutError):
                if traffic.in_flight_at_kill < 0:
                    raise
                traffic.failed_after_kill += 1
                return
            finally:
                traffic.in_flight -= 1
            assert status == 201, answer
            stored = (answer["message_id"], answer["interaction_id"], answer["customer_id"])
            traffic.answers.setdefault(pid, []).append(stored)
            traffic.acknowledged += 1
            if traffic.acknowledged == KILL_AFTER:
                server.kill()  # SIGKILL, at once: no await between reading the answer and the kill
                traffic.in_flight_at_kill = traffic.in_flight

    async with aiohttp.ClientSession(timeout=timeout) as http:
        await asyncio.gather(*(integration(http) for _ in range(IN_FLIGHT)))
    return traffic


def _sqlite_rows(url: str, tag: str) -> list[tuple[str, int, int, int]]:
    conn = sqlite3.connect(str(make_url(url).database))
    try:
        return list(conn.execute(_STORED_SQL.format(param="?"), (f"{tag}-%",)))
    finally:
        conn.close()


async def _postgres_rows(url: str, tag: str) -> list[tuple[str, int, int, int]]:
    conn = await asyncpg.connect(url)
    try:
        return [tuple(r) for r in await conn.fetch(_STORED_SQL.format(param="$1"), f"{tag}-%")]
    finally:
        await conn.close()


_STORED_SQL = """
    SELECT m.provider_message_id, m.id, m.interaction_id, i.customer_id
    FROM message m JOIN interaction i ON i.id = m.interaction_id
    WHERE m.provider_message_id LIKE {param}
"""


async def test_kill_9_right_after_acknowledgements_loses_no_acknowledged_contact(
    fresh_database: str, processes: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    port = free_port()
    env = clean_env({"DATABASE_URL": fresh_database, "CC_HTTP__PORT": str(port), "CC_LOG_LEVEL": "WARNING"})
    for args in (
        ["migrate"],
        ["users", "add", "integration", "--role", "integration", "--password", PASSWORD],
    ):
        done = await run_cli(*args, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    server = cli("serve", env=env, log=tmp_path / "serve.log")
    processes.append(server)
    base = f"http://127.0.0.1:{port}"
    await wait_ready(base)
    async with aiohttp.ClientSession() as http:
        credentials = {"username": "integration", "password": PASSWORD}
        async with http.post(f"{base}/api/v1/auth/token", json=credentials) as resp:
            headers = {"Authorization": f"Bearer {(await resp.json())['token']}"}

    traffic = await _send_until_killed(base, server, headers)
    assert server.wait(timeout=30) == -signal.SIGKILL
    assert traffic.in_flight_at_kill > 0 and traffic.failed_after_kill > 0, "the kill came too late"

    if make_url(fresh_database).get_backend_name() == "sqlite":
        rows = await asyncio.to_thread(_sqlite_rows, fresh_database, traffic.tag)
    else:
        rows = await _postgres_rows(fresh_database, traffic.tag)
    stored: dict[str, list[Stored]] = {}
    for pid, message_id, interaction_id, customer_id in rows:
        stored.setdefault(pid, []).append((message_id, interaction_id, customer_id))
    assert [pid for pid, found in stored.items() if len(found) > 1] == []
    lost = {
        pid: (said, stored.get(pid, []))
        for pid, said in traffic.answers.items()
        if any(stored.get(pid, []) != [answer] for answer in said)
    }
    assert lost == {}, f"{len(lost)} of {len(traffic.answers)} acknowledged messages not stored as told"
