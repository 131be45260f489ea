"""Real traffic for the fault scenarios: contacts through the inbound API, agents taking offers,
a prober of `/readyz`, and the checks every scenario ends with.

Each client is what an integration or a desk does: it retries what failed with the same key,
after the pause the server asked for, and records every answer, so a scenario can say afterwards
what the outage looked like from outside (503s with Retry-After, never a 500 nor a hang).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import aiohttp
from sqlalchemy import text

from contact_center.bootstrap import Container
from contact_center.domain.commands import CreateAgent, CreateQueue, SetPresence
from contact_center.domain.enums import Channel, Presence, Role
from tests.conftest import unique

#: A request answered later than this is a hang, whatever it answers in the end.
REQUEST_TIMEOUT_S = 5.0
PASSWORD = "fault-suite-" + "p4ss-w0rd"


@dataclass
class World:
    """What the scenario set up: a chat queue, agents who can take its work, an integration."""

    queue: str
    offer_timeout_s: float
    agents: dict[int, str]  # agent id -> username
    integration_id: int
    integration: str


async def build_world(
    container: Container, *, agents: int, offer_timeout_s: float, capacity: int = 50
) -> World:
    skill, queue = unique("skill"), unique("q")
    await container.bus.handle(
        CreateQueue(name=queue, channels=(Channel.CHAT,), required_skills=((skill, 3),))
    )
    async with container.uow() as uow:
        q = await uow.queues.named(queue)
        q.routing = {"offer_timeout_s": offer_timeout_s}
        uow.session.add(q)
        await uow.commit()
    made: dict[int, str] = {}
    for _ in range(agents):
        name = unique("ag")
        agent_id = await container.bus.handle(
            CreateAgent(
                username=name,
                role=Role.AGENT,
                password=PASSWORD,
                skills=((skill, 5),),
                capacity=(("chat", capacity),),
            )
        )
        await container.bus.handle(SetPresence(agent_id=agent_id, presence=Presence.AVAILABLE))
        made[int(agent_id)] = name
    integration = unique("int")
    integration_id = await container.bus.handle(
        CreateAgent(username=integration, role=Role.INTEGRATION, password=PASSWORD)
    )
    return World(queue, offer_timeout_s, made, int(integration_id), integration)


async def sign_in(http: aiohttp.ClientSession, base: str, username: str) -> dict[str, str]:
    async with http.post(base + "/api/v1/auth/token", json={"username": username, "password": PASSWORD}) as r:
        assert r.status == 201 or r.status == 200, await r.text()
        return {"Authorization": f"Bearer {(await r.json())['token']}"}


@dataclass
class Answers:
    """Every answer the clients got, by status; the hangs and the refused connections apart."""

    statuses: Counter[int] = field(default_factory=Counter)
    hangs: int = 0
    refused: int = 0
    unavailable_without_retry_after: int = 0
    unexpected: list[str] = field(default_factory=list)

    def note(self, status: int, headers: Any, body: str) -> None:
        self.statuses[status] += 1
        if status == 503 and "Retry-After" not in headers:
            self.unavailable_without_retry_after += 1
        if status >= 500 and status != 503:
            self.unexpected.append(f"{status} {body[:300]}")


async def call(
    http: aiohttp.ClientSession, method: str, url: str, answers: Answers, **kwargs: Any
) -> tuple[int, Any, Any] | None:
    """One request with a deadline; None when it hung or the connection was refused."""
    try:
        async with asyncio.timeout(REQUEST_TIMEOUT_S):
            async with http.request(method, url, **kwargs) as resp:
                body = await resp.text()
                answers.note(resp.status, resp.headers, body)
                payload = await resp.json() if resp.content_type == "application/json" else body
                return resp.status, resp.headers, payload
    except TimeoutError:
        answers.hangs += 1
    except aiohttp.ClientConnectionError:
        answers.refused += 1
    return None


@dataclass
class Inbound:
    """Contacts arriving at a steady rate, each retried under its own key until acknowledged."""

    base: str
    headers: dict[str, str]
    queue: str
    answers: Answers = field(default_factory=Answers)
    #: Idempotency key -> the acknowledgement's body.
    acked: dict[str, dict[str, Any]] = field(default_factory=dict)
    sent: set[str] = field(default_factory=set)

    async def run(self, http: aiohttp.ClientSession, stop: asyncio.Event, every_s: float) -> None:
        contacts: list[asyncio.Task[None]] = []
        while not stop.is_set():
            contacts.append(asyncio.create_task(self._contact(http)))
            await asyncio.sleep(every_s)
        await asyncio.gather(*contacts)

    async def _contact(self, http: aiohttp.ClientSession) -> None:
        key = unique("key")
        self.sent.add(key)
        body = {"channel": "chat", "sender": unique("visitor"), "body": f"hello {key}", "queue": self.queue}
        headers = {**self.headers, "Idempotency-Key": key}
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            got = await call(
                http, "POST", self.base + "/api/v1/inbound", self.answers, json=body, headers=headers
            )
            if got is not None and got[0] in (200, 201):
                self.acked[key] = got[2]
                return
            pause = 0.5
            if got is not None and got[0] == 503 and "Retry-After" in got[1]:
                pause = min(float(got[1]["Retry-After"]), 1.0)  # asked for more; a test cannot wait it
            await asyncio.sleep(pause)


async def take_offers(
    http: aiohttp.ClientSession,
    base: str,
    headers: dict[str, str],
    answers: Answers,
    stop: asyncio.Event,
    *,
    think_s: float = 0.0,
) -> None:
    """An agent's desk, reduced to its loop: look at what is offered to me, accept it after
    `think_s` (so offers are open, and some lapse, when a fault strikes)."""
    while not stop.is_set():
        got = await call(
            http, "GET", base + "/api/v1/interactions?state=offered&limit=100", answers, headers=headers
        )
        if got is not None and got[0] == 200 and got[2]["items"]:
            await asyncio.sleep(think_s)
            accepts = [f"{base}/api/v1/interactions/{item['id']}/accept" for item in got[2]["items"]]
            await asyncio.gather(*(call(http, "POST", url, answers, headers=headers) for url in accepts))
        await asyncio.sleep(0.2)


@dataclass
class Probe:
    """`/readyz` every few hundred milliseconds: (monotonic time, status code, body)."""

    base: str
    seen: list[tuple[float, int | None, Any]] = field(default_factory=list)
    answers: Answers = field(default_factory=Answers)

    async def run(self, http: aiohttp.ClientSession, stop: asyncio.Event) -> None:
        while not stop.is_set():
            got = await call(http, "GET", self.base + "/readyz", self.answers)
            self.seen.append((time.monotonic(), got[0] if got else None, got[2] if got else None))
            await asyncio.sleep(0.3)

    def between(self, start: float, end: float) -> list[tuple[int | None, Any]]:
        return [(status, body) for at, status, body in self.seen if start <= at <= end]


async def poll(check: Callable[[], Awaitable[Any]], *, within_s: float, what: str) -> Any:
    deadline = time.monotonic() + within_s
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} (last: {value!r})")
        await asyncio.sleep(0.3)


async def rows(container: Container, sql: str, **params: Any) -> list[Any]:
    """What a plain SQL statement reads from the scenario's database."""
    async with container.engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())


async def overdue_offers(container: Container, grace_s: float) -> list[Any]:
    """Open offers past their expiry by more than `grace_s`."""
    late = (container.clock() - timedelta(seconds=grace_s)).replace(tzinfo=None)  # stored naive, in UTC
    sql = "SELECT id, interaction_id, expires_at FROM offer WHERE state = 'open' AND expires_at < :late"
    return await rows(container, sql, late=late)
