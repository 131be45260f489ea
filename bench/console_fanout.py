"""Benchmark: supervisor consoles and agent desks connected together, events at a steady rate.

A server runs as its own process (`contact-center serve` on SQLite: web, router and outbox in
one). This client connects 500 agent desks (`/ws/events?desk=1`, each agent signed in with their
own token, all available) and 20 supervisor consoles (`/ws/dashboard`, supervisors of the team
whose queue takes the contacts), then posts contacts to `POST /api/v1/inbound` at a fixed rate
(200/s by default). Each contact is an event the consoles must show (it is waiting, then offered:
either way one more in the queue's "waiting now", as the desks never answer).

Event-to-screen, per console: from the moment a contact is acknowledged (stored, committed) to
the first frame that console receives whose figures include it (the queue's waiting count has
reached that contact's place in commit order), parsed as the page's script would parse it. A
frame that arrives before the client has read the acknowledgement counts as 0. The desks' figure
is the offer event's own time to its desk's socket, as in `bench/desk_push.py`.

In the same run, the peer: a bare aiohttp websocket server (its own process) with the same 520
clients, which on each push sends one small JSON frame to all 20 consoles and to one desk. Its
figure is the floor for the socket part alone; ours adds the commit, outbox, broker, the hub's
board of live figures with its reads about once a second, and per-reader policy.

    .venv/bin/python bench/console_fanout.py [--consoles 20] [--desks 500] [--rate 200] [--seconds 5]

Asserts nothing; the goal (console p99 under 100 ms) is read off the figures (docs/performance.md).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ceilings import free_port, wait_answering
from desk_push import Desks, paced, staff
from inbound import cpu_seconds, pct, token
from one_server import one_server

from contact_center.bootstrap import build_container
from contact_center.domain.commands import CreateAgent
from contact_center.domain.enums import Role
from contact_center.services.agents import create_token_for
from contact_center.settings import load_settings

QUEUE = "fanout-chat"
TEAM = "fanout"

PEER_SERVER = """
import json, sys, time
from aiohttp import web, WSMsgType
consoles, desks = set(), {}
async def socket(request):
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    if "agent" in request.query:
        desks[int(request.query["agent"])] = ws
    else:
        consoles.add(ws)
    async for message in ws:
        if message.type is WSMsgType.ERROR:
            break
    return ws
async def push(request):
    n = int(request.query["n"])
    frame = json.dumps({"at": time.time(), "n": n})
    for ws in list(consoles):
        await ws.send_str(frame)
    target = desks.get(n % max(len(desks), 1))
    if target is not None:
        await target.send_str(json.dumps({"type": "interaction.offered", "event": {"at": time.time()}}))
    return web.Response(status=204)
app = web.Application()
app.router.add_get("/ws", socket)
app.router.add_post("/push", push)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
"""


def waiting_in(frame: dict[str, Any], queue: str) -> int | None:
    """The queue's "waiting now" as the console page reads it from a pushed frame (None: the
    frame does not carry that queue)."""
    for row in frame.get("queues", ()):
        if row.get("name") == queue:
            return int(row["waiting"])
    return None


class Console:
    """One supervisor console: when each frame came and how many it showed waiting."""

    def __init__(self) -> None:
        self.frames: list[tuple[float, int]] = []

    async def hold(
        self, http: aiohttp.ClientSession, url: str, headers: dict[str, str], ready: asyncio.Event
    ) -> None:
        async with http.ws_connect(url, headers=headers, max_msg_size=0, heartbeat=None) as ws:
            ready.set()
            async for message in ws:
                now = time.time()
                waiting = waiting_in(json.loads(message.data), QUEUE)
                if waiting is not None:
                    self.frames.append((now, waiting))

    def latencies(self, acked: list[float], base: int) -> tuple[list[float], int]:
        """Per contact, from its acknowledgement to the first frame showing it; and how many it
        never showed."""
        out: list[float] = []
        missed = 0
        shown = [w for _, w in self.frames]
        best = 0
        running = []
        for waiting in shown:  # figures may dip (a frame computed a moment earlier): keep the high mark
            best = max(best, waiting)
            running.append(best)
        for k, at in enumerate(acked, start=1):
            i = bisect.bisect_left(running, base + k)
            if i == len(running):
                missed += 1
                continue
            out.append(max(0.0, self.frames[i][0] - at))
        return out, missed


async def supervisors(env: dict[str, str], count: int) -> list[str]:
    container = build_container(load_settings(env))
    try:
        tokens = []
        tag = uuid.uuid4().hex[:6]
        for n in range(count):
            agent_id = await container.bus.handle(
                CreateAgent(username=f"sup_{tag}_{n}", role=Role.SUPERVISOR, team=TEAM, actor="bench")
            )
            tokens.append(await create_token_for(container.uow(), agent_id, "bench"))
        return tokens
    finally:
        await container.close()


async def ours(
    base: str, desk_tokens: dict[int, str], console_tokens: list[str], rate: float, seconds: float, pid: int
) -> tuple[list[Console], list[float], int, Desks, float]:
    desks = Desks()
    desks.expected = len(desk_tokens)
    consoles = [Console() for _ in console_tokens]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        admin = await token(http, base, "bench_admin")
        integration = await token(http, base, "bench_integration")
        body = {"name": QUEUE, "channels": ["chat"], "team": TEAM}
        async with http.post(f"{base}/api/v1/queues", json=body, headers=admin) as r:
            assert r.status in (201, 409), await r.text()
        ws = base.replace("http", "ws")
        holders = [
            asyncio.create_task(desks.hold(http, f"{ws}/ws/events?desk=1", {"Authorization": f"Bearer {t}"}))
            for t in desk_tokens.values()
        ]
        await desks.wait_ready()
        readies = [asyncio.Event() for _ in consoles]
        holders += [
            asyncio.create_task(c.hold(http, f"{ws}/ws/dashboard", {"Authorization": f"Bearer {t}"}, ready))
            for c, t, ready in zip(consoles, console_tokens, readies, strict=True)
        ]
        await asyncio.gather(*(r.wait() for r in readies))
        sem = asyncio.Semaphore(16)

        async def available(agent_id: int, t: str) -> None:
            url = f"{base}/api/v1/agents/{agent_id}/presence"
            headers = {"Authorization": f"Bearer {t}"}
            async with sem, http.put(url, json={"presence": "available"}, headers=headers) as r:
                assert r.status == 200, await r.text()

        await asyncio.gather(*(available(a, t) for a, t in desk_tokens.items()))
        acked: list[float] = []
        refused: list[int] = []
        counting = False

        async def contact(n: int) -> None:
            body = {"channel": "chat", "sender": f"v-{uuid.uuid4().hex}", "body": "hello", "queue": QUEUE}
            async with http.post(f"{base}/api/v1/inbound", json=body, headers=integration) as r:
                if r.status != 201:
                    refused.append(r.status)
                elif counting:
                    acked.append(time.time())

        await paced(rate, 1.0, contact)  # warm-up
        # Recording starts once every warm-up contact has reached its desk: 500 agents just made
        # available and a burst of contacts can keep the router busy past a fixed pause, and
        # warm-up offers arriving late would be counted as the measured ones.
        warm, settled = int(rate), time.perf_counter()
        await desks.offered(warm, timeout_s=30)
        took = time.perf_counter() - settled
        print(f"  warm-up: {len(desks.arrived)} of {warm} contacts offered {took:.1f} s after the last")
        await asyncio.sleep(1.0)
        base_waiting = max((c.frames[-1][1] for c in consoles if c.frames), default=0)
        counting, desks.recording = True, True
        cpu = cpu_seconds(pid)
        await paced(rate, seconds, contact)
        await asyncio.sleep(3.0)
        desks.recording = False
        cpu_ms = (cpu_seconds(pid) - cpu) * 1000 / (rate * seconds)
        for h in holders:
            h.cancel()
        await asyncio.gather(*holders, return_exceptions=True)
    acked.sort()
    if refused:
        print(f"  contacts refused: {len(refused)} {sorted(set(refused))}")
    return consoles, acked, base_waiting, desks, cpu_ms


async def peer(
    port: int, consoles: int, desks: int, rate: float, seconds: float
) -> tuple[list[float], Desks]:
    base = f"http://127.0.0.1:{port}"
    desk_clients = Desks()
    desk_clients.expected = desks
    console_latency: list[float] = []
    recording = False

    async def console(http: aiohttp.ClientSession, ready: asyncio.Event) -> None:
        async with http.ws_connect(f"{base}/ws", max_msg_size=0) as ws:
            ready.set()
            async for message in ws:
                if recording:
                    console_latency.append(time.time() - json.loads(message.data)["at"])

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        holders = [
            asyncio.create_task(desk_clients.hold(http, f"{base}/ws?agent={n}", {})) for n in range(desks)
        ]
        await desk_clients.wait_ready()
        readies = [asyncio.Event() for _ in range(consoles)]
        holders += [asyncio.create_task(console(http, r)) for r in readies]
        await asyncio.gather(*(r.wait() for r in readies))

        async def push(n: int) -> None:
            async with http.post(f"{base}/push?n={n}") as r:
                await r.read()

        await paced(rate, 1.0, push)
        recording, desk_clients.recording = True, True
        await paced(rate, seconds, push)
        await asyncio.sleep(0.5)
        for h in holders:
            h.cancel()
        await asyncio.gather(*holders, return_exceptions=True)
    return console_latency, desk_clients


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--consoles", type=int, default=20)
    parser.add_argument("--desks", type=int, default=500)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    print(
        f"console fan-out: {args.consoles} consoles and {args.desks} desks, contacts at {args.rate:.0f}/s"
        f" for {args.seconds:.0f} s; {os.cpu_count()} cores shared by client, server and peer"
    )
    tokens: dict[str, Any] = {}

    def prepare(env: dict[str, str]) -> None:
        tokens["desks"] = asyncio.run(staff(env, args.desks))
        tokens["consoles"] = asyncio.run(supervisors(env, args.consoles))

    with one_server(prepare) as served:
        consoles, acked, base_waiting, desks, cpu_ms = asyncio.run(
            ours(served.base, tokens["desks"], tokens["consoles"], args.rate, args.seconds, served.pid)
        )
    peer_port = free_port()
    bare = subprocess.Popen([sys.executable, "-c", PEER_SERVER, str(peer_port)])
    try:
        asyncio.run(wait_answering(f"http://127.0.0.1:{peer_port}/ws"))
        peer_consoles, peer_desks = asyncio.run(
            peer(peer_port, args.consoles, args.desks, args.rate, args.seconds)
        )
    finally:
        bare.terminate()
        bare.wait(timeout=10)
    latency: list[float] = []
    missed = 0
    for console in consoles:
        got, lost = console.latencies(acked, base_waiting)
        latency += got
        missed += lost
    frames = sum(len(c.frames) for c in consoles) / max(len(consoles), 1)
    print("                                         samples  p50 ms  p99 ms  max ms")
    rows = (
        ("consoles: contact to screen (ours)", latency),
        ("consoles: bare aiohttp push (peer)", peer_consoles),
        ("desks: offer to socket (ours)", desks.latencies),
        ("desks: bare aiohttp push (peer)", peer_desks.latencies),
    )
    for name, values in rows:
        top = max(values, default=0) * 1000
        print(
            f"  {name:<37} {len(values):>7}  {pct(values, 0.5):>6.1f}  {pct(values, 0.99):>6.1f}  {top:>6.1f}"
        )
    print(
        f"  contacts acknowledged {len(acked)}; frames per console {frames:.0f};"
        f" contacts a console never showed {missed}; server CPU per contact {cpu_ms:.2f} ms"
    )


if __name__ == "__main__":
    main()
