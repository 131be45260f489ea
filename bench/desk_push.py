"""Benchmark: offers pushed to 500 open agent desks, from the offer to the desk's socket.

A server runs as its own process (`contact-center serve` on SQLite: web, router and outbox in
one). This client opens 500 desks: 500 agents, each signed in with their own token and
connected to `/ws/events?desk=1`, all available. It then posts contacts to `POST
/api/v1/inbound` at a fixed rate (200/s by default); the router offers each to one agent, and
the offer's `interaction.offered` event reaches that agent's desk (and only it: the hub filters
every event for every one of the 500 readers). Event-to-socket is the time from the event's own
timestamp (set when the offer is made, before its commit, the outbox and the broker) to the
frame arriving on the desk's socket; both clocks are this machine's. The desks do not answer:
each agent has room for 50 chats (every offer of a short run at 200/s with 500 desks).

In the same run, the peer: a bare aiohttp websocket server (its own process) with the same 500
clients, which on each push stamps the time, finds the target among its sockets and sends one
JSON frame. Its figure is the floor for the socket part alone; ours adds the commit, outbox,
broker, per-reader policy and serialisation.

    .venv/bin/python bench/desk_push.py [--desks 500] [--rate 200] [--seconds 5]

Asserts nothing; the goal (p99 under 50 ms) is read off the figures (docs/performance.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ceilings import free_port, wait_answering
from inbound import cpu_seconds, pct, token
from one_server import one_server

from contact_center.bootstrap import build_container
from contact_center.domain.commands import CreateAgent
from contact_center.services.agents import create_token_for
from contact_center.settings import load_settings

PEER_SERVER = """
import json, sys, time
from aiohttp import web, WSMsgType
sockets = {}
async def desk(request):
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    sockets[int(request.query["agent"])] = ws
    async for message in ws:
        if message.type is WSMsgType.ERROR:
            break
    return ws
async def push(request):
    target = int(request.query["agent"])
    at = time.time()
    for agent, ws in list(sockets.items()):  # a hub's shape: every reader looked at, one matches
        if agent == target:
            frame = {"type": "interaction.offered", "event": {"agent_id": agent, "at": at}}
            await ws.send_str(json.dumps(frame))
    return web.Response(status=204)
app = web.Application()
app.router.add_get("/ws", desk)
app.router.add_post("/push", push)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
"""


async def staff(env: dict[str, str], desks: int) -> dict[int, str]:
    """The desks' agents, with tokens issued directly (no password hashing: 500 of those would
    make the setup, not the run, the long part)."""
    container = build_container(load_settings(env))
    try:
        tokens: dict[int, str] = {}
        tag = uuid.uuid4().hex[:6]
        for n in range(desks):
            agent_id = await container.bus.handle(
                CreateAgent(username=f"desk_{tag}_{n}", capacity=(("chat", 50),), actor="bench")
            )
            tokens[agent_id] = await create_token_for(container.uow(), agent_id, "bench")
        return tokens
    finally:
        await container.close()


class Desks:
    """The clients: one socket per agent, recording when each offer frame arrives."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.arrived: dict[int, float] = {}
        self.recording = False
        self.ready = 0
        self.all_ready = asyncio.Event()
        self.expected = 0
        #: Set once `awaited` distinct interactions have been offered (see `offered`).
        self.awaited = 0
        self.enough_offered = asyncio.Event()

    async def hold(self, http: aiohttp.ClientSession, url: str, headers: dict[str, str]) -> None:
        async with http.ws_connect(url, headers=headers, max_msg_size=0, heartbeat=None) as ws:
            self.ready += 1
            if self.ready >= self.expected:
                self.all_ready.set()
            async for message in ws:
                now = time.time()
                frame = json.loads(message.data)
                if frame.get("type") != "interaction.offered":
                    continue
                at = frame["event"]["at"]
                sent = at if isinstance(at, float) else datetime.fromisoformat(at).timestamp()
                if self.recording:
                    self.latencies.append(now - sent)
                if "interaction_id" in frame["event"]:
                    self.arrived[frame["event"]["interaction_id"]] = now
                    if self.awaited and len(self.arrived) >= self.awaited:
                        self.enough_offered.set()

    async def wait_ready(self) -> None:
        await self.all_ready.wait()

    async def offered(self, count: int, timeout_s: float) -> bool:
        """Wait until `count` distinct interactions have reached the desks; False on timeout."""
        self.awaited = count
        if len(self.arrived) >= count:
            return True
        try:
            await asyncio.wait_for(self.enough_offered.wait(), timeout_s)
        except TimeoutError:
            return False
        return True


async def paced(rate: float, seconds: float, send: Callable[[int], Awaitable[None]]) -> None:
    tasks = []
    start = time.perf_counter()
    for n in range(int(rate * seconds)):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(n)))
    await asyncio.gather(*tasks)


async def ours(
    base: str, tokens: dict[int, str], rate: float, seconds: float, pid: int
) -> tuple[Desks, float, int]:
    desks = Desks()
    desks.expected = len(tokens)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        admin = await token(http, base, "bench_admin")
        integration = await token(http, base, "bench_integration")
        async with http.post(
            f"{base}/api/v1/queues", json={"name": "desk-chat", "channels": ["chat"]}, headers=admin
        ) as r:
            assert r.status in (201, 409), await r.text()
        ws_url = base.replace("http", "ws") + "/ws/events?desk=1"
        holders = [
            asyncio.create_task(desks.hold(http, ws_url, {"Authorization": f"Bearer {t}"}))
            for t in tokens.values()
        ]
        await desks.wait_ready()
        sem = asyncio.Semaphore(16)

        async def available(agent_id: int, t: str) -> None:
            async with (
                sem,
                http.put(
                    f"{base}/api/v1/agents/{agent_id}/presence",
                    json={"presence": "available"},
                    headers={"Authorization": f"Bearer {t}"},
                ) as r,
            ):
                assert r.status == 200, await r.text()

        await asyncio.gather(*(available(a, t) for a, t in tokens.items()))
        await asyncio.sleep(1.0)
        posted: list[int] = []
        refused: list[int] = []

        async def contact(n: int) -> None:
            sender = f"v-{uuid.uuid4().hex}"  # a new visitor each time: a new interaction, a new offer
            body = {"channel": "chat", "sender": sender, "body": "hello", "queue": "desk-chat"}
            async with http.post(f"{base}/api/v1/inbound", json=body, headers=integration) as r:
                if r.status == 201:
                    posted.append((await r.json())["interaction_id"])
                else:
                    refused.append(r.status)

        await paced(rate, 1.0, contact)  # warm-up
        await asyncio.sleep(0.5)
        desks.recording = True
        cpu = cpu_seconds(pid)
        await paced(rate, seconds, contact)
        await asyncio.sleep(2.0)
        desks.recording = False
        cpu_ms = (cpu_seconds(pid) - cpu) * 1000 / (rate * seconds)
        missing = sum(1 for i in posted if i not in desks.arrived)
        print(
            f"  contacts acknowledged {len(posted)}, refused {len(refused)} {sorted(set(refused))};"
            f" offers seen {len(desks.arrived)}"
        )
        for h in holders:
            h.cancel()
        await asyncio.gather(*holders, return_exceptions=True)
    return desks, cpu_ms, missing


async def peer(port: int, count: int, rate: float, seconds: float) -> Desks:
    base = f"http://127.0.0.1:{port}"
    desks = Desks()
    desks.expected = count
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        holders = [asyncio.create_task(desks.hold(http, f"{base}/ws?agent={n}", {})) for n in range(count)]
        await desks.wait_ready()

        async def push(n: int) -> None:
            async with http.post(f"{base}/push?agent={n % count}") as r:
                await r.read()

        await paced(rate, 1.0, push)
        desks.recording = True
        await paced(rate, seconds, push)
        await asyncio.sleep(0.5)
        for h in holders:
            h.cancel()
        await asyncio.gather(*holders, return_exceptions=True)
    return desks


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--desks", type=int, default=500)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    print(f"desk push: {args.desks} desks, offers at {args.rate:.0f}/s for {args.seconds:.0f} s;", end=" ")
    print(f"{os.cpu_count()} cores shared by client, server and peer")
    tokens: dict[int, str] = {}

    def prepare(env: dict[str, str]) -> None:
        tokens.update(asyncio.run(staff(env, args.desks)))

    with one_server(prepare) as served:
        desks, cpu_ms, missing = asyncio.run(ours(served.base, tokens, args.rate, args.seconds, served.pid))
    peer_port = free_port()
    bare = subprocess.Popen([sys.executable, "-c", PEER_SERVER, str(peer_port)])
    try:
        asyncio.run(wait_answering(f"http://127.0.0.1:{peer_port}/ws"))
        floor = asyncio.run(peer(peer_port, args.desks, args.rate, args.seconds))
    finally:
        bare.terminate()
        bare.wait(timeout=10)
    print("                                   offers  p50 ms  p99 ms  max ms")
    for name, d in (("our hub (offer event -> desk)", desks), ("bare aiohttp push (peer)", floor)):
        lat, top = d.latencies, max(d.latencies, default=0) * 1000
        print(f"  {name:<31} {len(lat):>7}  {pct(lat, 0.5):>6.1f}  {pct(lat, 0.99):>6.1f}  {top:>6.1f}")
    print(f"  offers that never reached their desk: {missing}; server CPU per offer {cpu_ms:.2f} ms")


if __name__ == "__main__":
    main()
