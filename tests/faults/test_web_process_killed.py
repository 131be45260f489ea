"""A web process is killed (SIGKILL) while visitors chat through it and agents answer.

Two `serve --role web` processes (A and B) and a router share PostgreSQL and Redis. Visitors chat
on A's `/chat/ws`; agents keep their desk sockets open (one on A, one on B), accept through B's
API and write on their chats. Both sides write; A is killed. The visitors reconnect to B with
their token and last sequence number and send again what A never acknowledged; the agent whose
desk was on A reconnects to B. Afterwards each visitor was shown exactly what was stored, in
order and once (their own lines once each, however often they were sent), and the lines agents
wrote while A was dead reached them once they were back; each desk shows every line once; the
desks on B kept receiving events; no agent was taken out of routing; B and the router run on.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from contact_center.bootstrap import Container, build_container
from tests.conftest import REDIS_TEST_URL, make_settings
from tests.contact_center.server_process import clean_env, cli, free_port, wait_ready
from tests.faults.chat_parties import ORIGIN, ChatVisitor, DeskAgent
from tests.faults.traffic import build_world, poll, rows, sign_in

pytestmark = pytest.mark.slow

VISITORS = 3
WRITE_EVERY_S = 0.7  # under the chat's 2 lines a second per visitor
RECONNECT_AFTER_S = 1.0  # the widget's pause before it connects again
GRACE_S = 10  # the desk watch's: an agent back within it stays available


@pytest.fixture
async def checker(fresh_postgres_url: str, redis_names: dict[str, str]) -> AsyncIterator[Container]:
    container = build_container(make_settings(fresh_postgres_url, REDIS_TEST_URL, **redis_names))
    try:
        yield container
    finally:
        await container.close()


async def test_killing_a_web_process_with_open_chats_loses_and_repeats_no_line(
    checker: Container, fresh_postgres_url: str, redis_names: dict[str, str], tmp_path: Path
) -> None:
    # Two chats at most each: both agents get work, so both desks have events to show.
    world = await build_world(checker, agents=2, offer_timeout_s=20, capacity=2)
    ports = {"a": free_port(), "b": free_port()}
    base = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    env = clean_env(
        {
            "DATABASE_URL": fresh_postgres_url,
            "REDIS_URL": REDIS_TEST_URL,
            "CC_REDIS__STREAM": redis_names["stream"],
            "CC_REDIS__RQ_QUEUE": redis_names["rq_queue"],
            "CC_HTTP__PUBLIC_BASE_URL": ORIGIN,
            "CC_WEBCHAT__SECRET": "fault-suite-secret-" + "x" * 24,
            "CC_WEBCHAT__UPLOAD_DIR": str(tmp_path / "uploads"),
            "CC_DESK__DISCONNECT_GRACE_S": str(GRACE_S),
            "CC_LOG_FORMAT": "json",
        }
    )
    logs = {role: tmp_path / f"{role}.log" for role in ("a", "b", "router")}
    procs = {
        "a": cli("serve", "--role", "web", env=env | {"CC_HTTP__PORT": str(ports["a"])}, log=logs["a"]),
        "b": cli("serve", "--role", "web", env=env | {"CC_HTTP__PORT": str(ports["b"])}, log=logs["b"]),
        "router": cli("serve", "--role", "router", env=env, log=logs["router"]),
    }
    try:
        await asyncio.gather(wait_ready(base["a"]), wait_ready(base["b"]))
        await _chat_through_the_kill(checker, world.agents, base, procs["a"])
        for role in ("b", "router"):
            assert procs[role].poll() is None, logs[role].read_text()[-3000:]
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
    for role in ("b", "router"):
        assert "Traceback" not in logs[role].read_text(), logs[role].read_text()[-4000:]
    presence = await rows(checker, "SELECT presence FROM agent WHERE id = ANY(:ids)", ids=list(world.agents))
    assert [p for (p,) in presence] == ["available"] * len(world.agents)


async def _chat_through_the_kill(
    checker: Container, agents: dict[int, str], base: dict[str, str], web_a: subprocess.Popen[bytes]
) -> None:
    stop_writing, stop_desks = asyncio.Event(), asyncio.Event()
    async with aiohttp.ClientSession() as http:
        desks = [
            DeskAgent(aid, await sign_in(http, base["b"], name), base["b"]) for aid, name in agents.items()
        ]
        await desks[0].open_desk(http, base["a"])
        await desks[1].open_desk(http, base["b"])
        visitors = [ChatVisitor(f"visitor {i}") for i in range(VISITORS)]
        for visitor in visitors:
            await visitor.connect(http, base["a"])
        killed_at: list[float] = []

        async def chat(visitor: ChatVisitor) -> None:
            while not stop_writing.is_set():
                if not visitor.is_connected and killed_at:
                    await asyncio.sleep(RECONNECT_AFTER_S)
                    await visitor.connect(http, base["b"])  # the balancer's next process
                await visitor.write(f"{visitor.name} line {len(visitor.written) + 1}")
                await asyncio.sleep(WRITE_EVERY_S)

        async def reopen_desks() -> None:
            while not stop_desks.is_set():
                for desk in desks:
                    if not desk.desk_is_open and killed_at:
                        await asyncio.sleep(RECONNECT_AFTER_S)
                        await desk.open_desk(http, base["b"])
                await asyncio.sleep(0.1)

        tasks = [asyncio.create_task(chat(v)) for v in visitors]
        tasks += [asyncio.create_task(d.work(http, stop_desks, WRITE_EVERY_S)) for d in desks]
        tasks.append(asyncio.create_task(reopen_desks()))
        try:
            # Both sides have written a few lines on every chat: kill A mid-conversation.
            await poll(lambda: _all_answered(visitors, lines=2), within_s=60, what="the chats are under way")
            web_a.send_signal(signal.SIGKILL)
            web_a.wait(timeout=10)
            killed_at.append(time.monotonic())
            await poll(lambda: _all_back(visitors, killed_at[0]), within_s=20, what="the visitors are back")
            await asyncio.sleep(4 * WRITE_EVERY_S)  # the conversations go on through B
            stop_writing.set()
            await asyncio.gather(*tasks[:VISITORS])
            await poll(lambda: _settled(checker, visitors, desks), within_s=30, what="both sides show it all")
        finally:
            stop_writing.set()
            stop_desks.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            for visitor in visitors:
                await visitor.close()

    written_meanwhile = 0
    for visitor in visitors:
        assert visitor.repeats == 0 and not visitor.unacked, visitor
        assert visitor.errors == [], visitor.errors
        # What the agents wrote on this chat while A was dead reached the visitor back on B.
        back, shown = visitor.connected_at[-1], {m["seq"] for m in visitor.transcript}
        meanwhile = [
            mid
            for d in desks
            for at, iid, mid in d.wrote
            if iid == visitor.interaction_id and killed_at[0] < at < back
        ]
        assert all(mid in shown for mid in meanwhile), (meanwhile, visitor.transcript)
        written_meanwhile += len(meanwhile)
    assert written_meanwhile > 0  # the agents did write while the visitors were away
    for desk in desks:
        assert desk.repeats == 0
        assert "message.added" in desk.events_after(killed_at[0] + RECONNECT_AFTER_S), [
            (round(at - killed_at[0], 2), kind) for at, kind in desk.frames
        ]  # desks on B


async def _all_answered(visitors: list[ChatVisitor], lines: int) -> bool:
    return all(sum(1 for m in v.transcript if m["author"] == "agent") >= lines for v in visitors)


async def _all_back(visitors: list[ChatVisitor], killed_at: float) -> bool:
    return all(v.is_connected and v.connected_at[-1] > killed_at for v in visitors)


async def _stored(checker: Container, interaction_id: int) -> list[tuple[int, str, str]]:
    """A visitor's conversation as stored: every chat message of the customer, in order."""
    sql = (
        "SELECT m.id, m.author_kind, m.body FROM message m JOIN interaction i ON i.id = m.interaction_id "
        "WHERE i.customer_id = (SELECT customer_id FROM interaction WHERE id = :i) AND i.channel = 'chat' "
        "ORDER BY m.id"
    )
    return [
        (int(mid), str(author), str(body)) for mid, author, body in await rows(checker, sql, i=interaction_id)
    ]


async def _settled(checker: Container, visitors: list[ChatVisitor], desks: list[DeskAgent]) -> bool:
    """Each side shows exactly what was stored, once each, in order; every line written stored once."""
    for visitor in visitors:
        if visitor.interaction_id is None or visitor.unacked:
            return False
        stored = await _stored(checker, visitor.interaction_id)
        shown = [(m["seq"], m["author"], m["body"]) for m in visitor.transcript]
        if shown != stored:
            return False
        own = [body for _, author, body in stored if author == "customer"]
        assert sorted(own) == sorted(visitor.written.values()), (own, visitor.written)  # once each
        desk_view: list[Any] = [
            (m["id"], m["author_kind"], m["body"])
            for d in desks
            for m in d.threads.get(visitor.interaction_id, [])
        ]
        if desk_view != stored:
            return False
    return True
