"""PostgreSQL refuses connections for ten seconds while contacts arrive and agents take them.

A web process and a router process (`serve --role web`, `--role router`) run on a private
PostgreSQL cluster and a private Redis. Contacts arrive through `POST /api/v1/inbound` at a
steady rate, each retried under its Idempotency-Key until acknowledged; agents accept what is
offered to them through the API; a prober asks `/readyz`. The cluster is stopped as in a crash,
and started again ten seconds later. Meanwhile the API answers 503 with Retry-After (never a 500,
nor a hang), `/readyz` says the database is unavailable; afterwards every acknowledged contact is
stored once and whole, routed and taken, no offer outlives its expiry, `/readyz` is ready again
and neither process was restarted.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from contact_center.bootstrap import Container, build_container
from tests.conftest import make_settings, unique
from tests.contact_center.server_process import clean_env, cli, free_port, wait_ready
from tests.faults.conftest import PrivatePostgres, PrivateRedis
from tests.faults.traffic import (
    Answers,
    Inbound,
    Probe,
    World,
    build_world,
    overdue_offers,
    poll,
    rows,
    sign_in,
    take_offers,
)

pytestmark = pytest.mark.slow

OUTAGE_S = 10.0
OFFER_TIMEOUT_S = 5.0  # offers made before the outage lapse during it
#: How far past its expiry an open offer may be seen once the database answers again.
EXPIRY_GRACE_S = 4.0
#: How long the processes may take to notice that the database is back (their retries back off
#: to five seconds at most).
RECOVERY_S = 6.0


@pytest.fixture
async def checker(private_postgres: PrivatePostgres, private_redis: PrivateRedis) -> AsyncIterator[Container]:
    """This test's own view of the database: sets the world up and reads what was stored."""
    container = build_container(
        make_settings(private_postgres.url, private_redis.url, stream=unique("cc:f:"))
    )
    try:
        yield container
    finally:
        await container.close()


async def test_a_database_refusing_connections_for_ten_seconds_loses_and_repeats_nothing(
    checker: Container, private_postgres: PrivatePostgres, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    world = await build_world(checker, agents=4, offer_timeout_s=OFFER_TIMEOUT_S)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = clean_env(
        {
            "DATABASE_URL": private_postgres.url,
            "REDIS_URL": private_redis.url,
            "CC_HTTP__PORT": str(port),
            "CC_REDIS__STREAM": checker.settings.redis.stream,
            "CC_LOG_FORMAT": "json",
        }
    )
    logs = {role: tmp_path / f"{role}.log" for role in ("web", "router")}
    procs = {role: cli("serve", "--role", role, env=env, log=logs[role]) for role in logs}
    pids = {role: proc.pid for role, proc in procs.items()}
    try:
        await wait_ready(base)
        await _run_outage(checker, private_postgres, world, base)
        for role, proc in procs.items():
            assert proc.poll() is None and proc.pid == pids[role], logs[role].read_text()[-3000:]
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
    for role, log in logs.items():
        _check_log(role, log.read_text())


async def _run_outage(checker: Container, postgres: PrivatePostgres, world: World, base: str) -> None:
    contacts_stop, desks_stop = asyncio.Event(), asyncio.Event()
    async with aiohttp.ClientSession() as http:
        inbound = Inbound(base, await sign_in(http, base, world.integration), world.queue)
        desks = Answers()
        agents = [await sign_in(http, base, name) for name in world.agents.values()]
        probe = Probe(base)
        contacts = asyncio.create_task(inbound.run(http, contacts_stop, every_s=0.25))
        others = [
            asyncio.create_task(probe.run(http, desks_stop)),
            *(
                asyncio.create_task(take_offers(http, base, h, desks, desks_stop, think_s=1.0))
                for h in agents
            ),
        ]
        overdue: list[Any] = []
        try:
            await poll(lambda: _acked_and_taken(checker, inbound, 5), within_s=30, what="traffic flows")
            await asyncio.to_thread(postgres.stop)  # the traffic goes on meanwhile
            down_at = time.monotonic()
            await asyncio.sleep(OUTAGE_S)
            restart_at = time.monotonic()
            await asyncio.to_thread(postgres.start)  # returns once it accepts connections
            up_at = time.monotonic()
            await checker.database.dispose()  # its pooled connections died with the server
            await asyncio.sleep(3)
            contacts_stop.set()
            await contacts
            # Every acknowledged contact is taken in the end (four agents of 50 chats are never
            # full), and from a few seconds after the database is back no offer is overdue.
            await asyncio.sleep(max(0.0, up_at + RECOVERY_S - time.monotonic()))
            deadline = time.monotonic() + 30
            while not await _all_taken(checker, inbound):
                overdue += await overdue_offers(checker, EXPIRY_GRACE_S)
                assert time.monotonic() < deadline, (
                    await _not_taken(checker, inbound),
                    await rows(checker, "SELECT id, presence, presence_reason FROM agent"),
                )
                await asyncio.sleep(0.5)
            overdue += await overdue_offers(checker, EXPIRY_GRACE_S)
            ready = await wait_ready(base, deadline_s=10)
        finally:
            contacts_stop.set()
            desks_stop.set()
            await asyncio.gather(contacts, *others, return_exceptions=True)

    assert overdue == []
    assert inbound.sent == set(inbound.acked), "a contact was never acknowledged"
    for answers in (inbound.answers, desks, probe.answers):
        assert answers.hangs == 0 and answers.unexpected == [], answers
    for answers in (inbound.answers, desks):  # an API call is told when to try again
        assert answers.unavailable_without_retry_after == 0, answers
    assert inbound.answers.statuses[503] > 0, inbound.answers  # the outage was seen from outside
    during = probe.between(down_at + 0.5, restart_at)
    assert during and all(status == 503 for status, _ in during), during
    assert all(body["checks"]["database"] == "unavailable" for _, body in during), during
    assert all("database" in body["degraded"] for _, body in during), during
    assert ready["status"] == "ready", ready
    await _check_stored_once(checker, world, inbound)
    # Offers that lapsed while nobody could accept them are not the agents' misses: nobody was
    # set away for the outage.
    presence = await rows(checker, "SELECT presence FROM agent WHERE id = ANY(:ids)", ids=list(world.agents))
    assert [p for (p,) in presence] == ["available"] * len(world.agents)


async def _acked_and_taken(checker: Container, inbound: Inbound, at_least: int) -> bool:
    ids = [a["interaction_id"] for a in inbound.acked.values()]
    if len(ids) < at_least:
        return False
    found = await rows(
        checker, "SELECT count(*) FROM interaction WHERE id = ANY(:ids) AND state = 'active'", ids=ids
    )
    return int(found[0][0]) >= at_least


async def _not_taken(checker: Container, inbound: Inbound) -> list[Any]:
    ids = [a["interaction_id"] for a in inbound.acked.values()]
    sql = "SELECT id, state, agent_id FROM interaction WHERE id = ANY(:ids) AND state <> 'active'"
    return await rows(checker, sql, ids=ids)


async def _all_taken(checker: Container, inbound: Inbound) -> bool:
    return not await _not_taken(checker, inbound)


async def _check_stored_once(checker: Container, world: World, inbound: Inbound) -> None:
    prefix = f"idempotency:{world.integration_id}:"
    stored: dict[str, list[tuple[int, int]]] = {}
    sql = "SELECT provider_message_id, interaction_id, id FROM message WHERE provider_message_id LIKE :p"
    for provider_id, interaction_id, message_id in await rows(checker, sql, p=prefix + "%"):
        stored.setdefault(provider_id.removeprefix(prefix), []).append((interaction_id, message_id))
    # Each acknowledged contact once, as it was acknowledged; nothing stored that was not.
    assert set(stored) == set(inbound.acked)
    for key, ack in inbound.acked.items():
        assert stored[key] == [(ack["interaction_id"], ack["message_id"])], key
    # No interaction without its inbound message, nor without the event that queued it; no event
    # left unpublished.
    orphans = (
        "SELECT i.id FROM interaction i JOIN queue q ON q.id = i.queue_id WHERE q.name = :q "
        "AND NOT EXISTS (SELECT 1 FROM message m WHERE m.interaction_id = i.id)"
    )
    assert await rows(checker, orphans, q=world.queue) == []
    sql = "SELECT payload FROM outbox_event WHERE event_type = 'interaction.queued'"
    queued = Counter(json.loads(payload)["interaction_id"] for (payload,) in await rows(checker, sql))
    assert all(queued[ack["interaction_id"]] >= 1 for ack in inbound.acked.values())
    assert await rows(checker, "SELECT id FROM outbox_event WHERE published_at IS NULL") == []


def _check_log(role: str, log: str) -> None:
    """No stack trace; each long-lived loop says `unavailable` once per outage, not per try."""
    assert "Traceback" not in log, f"{role}: {log[-4000:]}"
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    warned = [line["event"] for line in lines if line["level"] in ("warning", "error")]
    unavailable = Counter(event for event in warned if event.endswith(".unavailable"))
    assert unavailable, f"{role}: the outage was not logged"
    assert all(n <= 2 for n in unavailable.values()), f"{role}: {unavailable}"
