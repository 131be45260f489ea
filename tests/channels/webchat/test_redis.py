"""Several web processes on PostgreSQL and Redis: a reply stored by one process reaches a visitor
connected to another, and a token one process issued is good on the other (the generated secret
is shared through Redis)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
from aiohttp import web

from contact_center.api.protocol_errors import ApiRunner
from contact_center.bootstrap import Container, build_web_app
from tests.channels.webchat.conftest import Visitor, agent_reply
from tests.contact_center.conftest import make_redis_container

__all__ = ["make_redis_container"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def two_processes(
    make_redis_container: Callable[[], Container],
) -> AsyncIterator[list[tuple[str, Container]]]:
    started: list[tuple[str, Container, web.AppRunner]] = []
    for _ in range(2):
        container = make_redis_container()
        app = build_web_app(container)
        await container.start()
        runner = ApiRunner(app)
        await runner.setup()
        port = _free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        started.append((f"http://127.0.0.1:{port}", container, runner))
    try:
        yield [(base, container) for base, container, _ in started]
    finally:
        for _, _, runner in started:
            await runner.cleanup()


async def connect(http: aiohttp.ClientSession, base: str) -> Visitor:
    ws = await http.ws_connect(base.replace("http", "ws", 1) + "/chat/ws", headers={"Origin": base})
    return Visitor(ws)


async def test_a_reply_stored_by_one_process_reaches_a_visitor_on_another(
    two_processes: list[tuple[str, Container]],
) -> None:
    (base_a, _), (base_b, container_b) = two_processes
    async with aiohttp.ClientSession() as http:
        on_a = await connect(http, base_a)
        token = (await on_a.hello(site="demo"))["token"]
        ack = await on_a.say("r1", "hello from process A")
        seq = await agent_reply(container_b, ack["interaction_id"], "answered by process B")
        assert (await on_a.until("message", seq=seq))["body"] == "answered by process B"
        await on_a.close()
        on_b = await connect(http, base_b)
        welcome = await on_b.hello(site="demo", token=token, last_seq=ack["seq"])
        assert welcome["token"] == token  # process B accepts process A's token
        assert [m["seq"] for m in welcome["messages"]] == [seq]
        await on_b.close()
