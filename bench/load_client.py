"""The client side of `load.py`: an integration, web chat visitors and agents' desks, at once.

Every request goes to the deployment's web processes in turn (no balancer in between). The agents
are made through the API (capacity for several chats each), sign in, open their desk socket
(`/ws/events?desk=1`) on a web process of their own, and become available. Each offer that
reaches a desk is accepted at once through the API; after the handling time the interaction is
wrapped up and closed, so the agent's capacity frees up. Visitors hold `/chat/ws` sockets and
send messages, each acknowledged after its commit. `Load.phase` offers contacts and chat
messages at fixed rates for a while and returns what it saw.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from inbound import PASSWORD, token

QUEUE = "bench-load"


@dataclass
class Phase:
    """What one phase at a fixed rate saw."""

    rate: float
    chat_rate: float
    seconds: float
    contacts: int = 0
    contacts_per_s: float = 0.0
    chat_per_s: float = 0.0
    acks: list[float] = field(default_factory=list)
    chat_acks: list[float] = field(default_factory=list)
    to_offer: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    #: CPU seconds by server role over the phase (the web processes summed), and the client's own.
    cpu: dict[str, float] = field(default_factory=dict)
    web_processes: int = 1
    #: Transactions the database committed over the phase, every process's (PostgreSQL; 0: unknown).
    transactions: int = 0

    def error(self, kind: str, n: int = 1) -> None:
        if n:
            self.errors[kind] = self.errors.get(kind, 0) + n

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


@dataclass
class Agent:
    agent_id: int
    headers: dict[str, str]
    base: str
    taken: set[int] = field(default_factory=set)


class Load:
    """One deployment's client, set up once and driven through any number of phases."""

    def __init__(self, http: aiohttp.ClientSession, bases: list[str], handle_s: float) -> None:
        self.http, self.bases, self.handle_s = http, bases, handle_s
        self.agents: list[Agent] = []
        self.visitors: list[aiohttp.ClientWebSocketResponse] = []
        self.tasks: set[asyncio.Task[None]] = set()
        self.offered_at: dict[int, float] = {}
        self.chat_sent: dict[str, float] = {}
        self.chat_acked: dict[str, float] = {}
        self.phase = Phase(0, 0, 0)
        self.in_hand = 0

    def spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def prepare(self, agents: int, capacity: int, visitors: int) -> None:
        base = self.bases[0]
        admin = await token(self.http, base, "bench_admin")
        self.integration = await token(self.http, base, "bench_integration")
        body = {"name": QUEUE, "channels": ["chat"]}
        async with self.http.post(f"{base}/api/v1/queues", json=body, headers=admin) as r:
            assert r.status in (201, 409), await r.text()
        gate = asyncio.Semaphore(4)  # sign-in hashes a password: a few at a time

        async def staff(n: int) -> Agent:
            async with gate:
                name = f"load_agent_{uuid.uuid4().hex[:8]}"
                body = {"username": name, "password": PASSWORD, "capacity": {"chat": capacity}}
                async with self.http.post(f"{base}/api/v1/agents", json=body, headers=admin) as r:
                    assert r.status == 201, await r.text()
                    agent_id = (await r.json())["id"]
                return Agent(agent_id, await token(self.http, base, name), self.bases[n % len(self.bases)])

        self.agents = list(await asyncio.gather(*(staff(n) for n in range(agents))))
        opened = [asyncio.Event() for _ in self.agents]
        for agent, ready in zip(self.agents, opened, strict=True):
            self.spawn(self.desk(agent, ready))
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in opened)), 60)
        for agent in self.agents:
            url = f"{agent.base}/api/v1/agents/{agent.agent_id}/presence"
            async with self.http.put(url, json={"presence": "available"}, headers=agent.headers) as r:
                assert r.status == 200, await r.text()
        for n in range(visitors):
            self.visitors.append(await self.visitor(self.bases[n % len(self.bases)]))

    async def desk(self, agent: Agent, ready: asyncio.Event) -> None:
        url = agent.base.replace("http", "ws", 1) + "/ws/events?desk=1"
        async with self.http.ws_connect(url, headers=agent.headers, max_msg_size=0) as ws:
            ready.set()
            async for message in ws:
                frame = json.loads(message.data)
                if frame.get("type") != "interaction.offered":
                    continue
                interaction_id = frame["event"]["interaction_id"]
                if interaction_id in agent.taken:
                    continue
                agent.taken.add(interaction_id)
                self.offered_at.setdefault(interaction_id, time.perf_counter())
                self.spawn(self.handle(agent, interaction_id))

    async def handle(self, agent: Agent, interaction_id: int) -> None:
        """Accept, talk for the handling time, wrap up, close: what a desk does with an offer."""
        url = f"{agent.base}/api/v1/interactions/{interaction_id}"
        self.in_hand += 1
        try:
            if not await self.post(url + "/accept", {}, agent.headers, "accept refused"):
                return
            await asyncio.sleep(self.handle_s)
            for target in ("wrap_up", "closed"):
                if not await self.post(url + "/transitions", {"to": target}, agent.headers, "close refused"):
                    return
        finally:
            self.in_hand -= 1

    async def post(self, url: str, body: dict[str, object], headers: dict[str, str], kind: str) -> bool:
        try:
            async with self.http.post(url, json=body, headers=headers) as resp:
                text = await resp.text()
                if resp.status < 300:
                    return True
        except aiohttp.ClientError as exc:
            text = repr(exc)
        self.phase.error(kind)
        if self.phase.errors[kind] <= 2:  # say why, once or twice: a refusal here is a finding
            print(f"  {kind}: {url}: {text[:200]}", file=sys.stderr)
        return False

    async def visitor(self, base: str) -> aiohttp.ClientWebSocketResponse:
        url = base.replace("http", "ws", 1) + "/chat/ws"
        ws = await self.http.ws_connect(url, headers={"Origin": base}, max_msg_size=0)
        await ws.send_json({"type": "hello", "site": "demo"})
        while json.loads((await ws.receive(timeout=60)).data)["type"] != "welcome":
            pass
        self.spawn(self.visitor_reader(ws))
        return ws

    async def visitor_reader(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            if message.type is not aiohttp.WSMsgType.TEXT:
                return
            frame = json.loads(message.data)
            if frame["type"] == "ack":
                self.chat_acked.setdefault(frame["client_id"], time.perf_counter())
            elif frame["type"] == "error":
                self.phase.error(f"chat {frame.get('code')}")

    async def contact(self, n: int, acked_at: dict[int, float], acks: list[float]) -> None:
        base = self.bases[n % len(self.bases)]
        body = {"channel": "chat", "sender": f"load-{uuid.uuid4().hex}", "body": "Hello", "queue": QUEUE}
        headers = self.integration | {"Idempotency-Key": uuid.uuid4().hex}
        start = time.perf_counter()
        try:
            async with self.http.post(f"{base}/api/v1/inbound", json=body, headers=headers) as resp:
                answer = await resp.json()
        except (aiohttp.ClientError, json.JSONDecodeError):
            self.phase.error("inbound failed")
            return
        if resp.status != 201:
            self.phase.error(f"inbound {resp.status}")
            return
        now = time.perf_counter()
        acks.append(now - start)
        acked_at[answer["interaction_id"]] = now

    async def chat(self, n: int) -> None:
        client_id = f"c{uuid.uuid4().hex[:16]}"
        self.chat_sent[client_id] = time.perf_counter()
        ws = self.visitors[n % len(self.visitors)]
        await ws.send_json({"type": "message", "client_id": client_id, "body": f"question {n}"})

    async def run(
        self, rate: float, chat_rate: float, seconds: float, cpu: Callable[[], dict[str, float]]
    ) -> Phase:
        """Offer contacts and chat messages at their rates for `seconds`, then wait (boundedly) for
        every acknowledgement and offer; what is still missing then counts as an error."""
        phase = self.phase = Phase(rate, chat_rate, seconds)
        self.chat_sent, self.chat_acked = {}, {}
        acked_at: dict[int, float] = {}
        before = cpu()
        start = time.perf_counter()
        sends: list[asyncio.Task[None]] = []

        async def contacts() -> None:
            for n in range(int(rate * seconds)):
                await until_due(start + n / rate)
                sends.append(asyncio.create_task(self.contact(n, acked_at, phase.acks)))

        async def chats() -> None:
            for n in range(int(chat_rate * seconds) if self.visitors else 0):
                await until_due(start + (n + 0.5) / chat_rate)  # between contacts, not with them
                await self.chat(n)

        await asyncio.gather(contacts(), chats())
        await asyncio.gather(*sends)
        await until(lambda: all(i in self.offered_at for i in acked_at) and self.chat_done(), 15)
        took = max([*acked_at.values(), *self.chat_acked.values(), start + seconds]) - start
        after = cpu()
        phase.cpu = {role: after[role] - before.get(role, 0.0) for role in after}
        phase.web_processes = len(self.bases)
        phase.contacts = len(acked_at)
        phase.contacts_per_s = len(acked_at) / took
        phase.chat_acks = [self.chat_acked[c] - t for c, t in self.chat_sent.items() if c in self.chat_acked]
        phase.chat_per_s = len(phase.chat_acks) / took  # a late ack of the phase before is not this one's
        phase.to_offer = [
            max(0.0, self.offered_at[i] - t) for i, t in acked_at.items() if i in self.offered_at
        ]
        phase.error("contact never offered", sum(i not in self.offered_at for i in acked_at))
        phase.error("chat never acknowledged", len(self.chat_sent) - len(phase.chat_acks))
        return phase

    def chat_done(self) -> bool:
        return all(c in self.chat_acked for c in self.chat_sent)

    async def settle(self, timeout_s: float) -> None:
        """Until every interaction in hand is closed: the next phase starts with free agents."""
        await until(lambda: self.in_hand == 0, timeout_s)

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await asyncio.gather(*(ws.close() for ws in self.visitors), return_exceptions=True)


async def until_due(at: float) -> None:
    delay = at - time.perf_counter()
    if delay > 0:
        await asyncio.sleep(delay)


async def until(check: Callable[[], bool], timeout_s: float) -> None:
    """Poll `check` until it holds or `timeout_s` passed (the figures then show what is missing)."""
    for _ in range(int(timeout_s / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
