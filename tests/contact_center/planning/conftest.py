"""Fixtures for the planning tests: a container on each database whose clock the test moves, and
small builders for queues, agents and contacts that go through the service layer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from contact_center.bootstrap import Container, build_container
from contact_center.demo import MovableClock
from contact_center.domain.commands import (
    AcceptOffer,
    CreateAgent,
    CreateCustomer,
    CreateQueue,
    ReceiveInbound,
    TransitionInteraction,
)
from contact_center.domain.enums import Channel, InteractionState, Role
from contact_center.planning.seed import HistoryProfile, seed_history
from tests.conftest import make_settings, unique
from tests.contact_center.conftest import offer_as_router, random_phone

NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # a Wednesday
JOB_DEADLINE_S = 120.0


async def job_of_build(
    client: TestClient[Any, Any], headers: dict[str, str], queue_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """Start a schedule build through the API (202 and a Location) and poll the job until it
    has ended; returns the job's last document."""
    resp = await client.post(f"/api/v1/planning/queues/{queue_id}/schedules", json=body, headers=headers)
    started = await resp.json()
    assert resp.status == 202, started
    location = resp.headers["Location"]
    assert location == started["links"]["job"] == f"/api/v1/jobs/{started['job_id']}"
    deadline = time.monotonic() + JOB_DEADLINE_S
    while True:
        got = await client.get(location, headers=headers)
        job: dict[str, Any] = await got.json()
        assert got.status == 200, job
        if job["status"] in ("finished", "failed"):
            return job
        assert time.monotonic() < deadline, f"job still {job['status']} at the deadline"
        await asyncio.sleep(0.05)


async def schedule_built_by_job(
    client: TestClient[Any, Any], headers: dict[str, str], queue_id: int, body: dict[str, Any]
) -> int:
    job = await job_of_build(client, headers, queue_id, body)
    assert job["status"] == "finished", job
    schedule_id: int = job["result"]["schedule_id"]
    assert job["links"]["schedule"] == f"/api/v1/planning/schedules/{schedule_id}"
    return schedule_id


@dataclass
class Planning:
    container: Container
    clock: MovableClock

    async def queue(
        self,
        *,
        timezone: str = "UTC",
        interval: int = 30,
        channels: tuple[Channel, ...] = (Channel.VOICE, Channel.CHAT),
        skills: tuple[tuple[str, int], ...] = (),
    ) -> tuple[int, str]:
        name = unique("plan_q")
        queue_id = await self.container.bus.handle(
            CreateQueue(
                name=name,
                channels=channels,
                timezone=timezone,
                interval_minutes=interval,
                required_skills=skills,
            )
        )
        return int(queue_id), name

    async def agent(self, *, skills: tuple[tuple[str, int], ...] = ()) -> int:
        return int(
            await self.container.bus.handle(
                CreateAgent(username=unique("plan_a"), role=Role.AGENT, skills=skills)
            )
        )

    async def customer(self) -> int:
        return int(await self.container.bus.handle(CreateCustomer(name=unique("Plan "))))

    async def offer(self, queue: str, at: datetime, channel: Channel = Channel.VOICE) -> int:
        """A contact entering `queue` at `at`; returns the interaction id."""
        self.clock.at = at
        sender = random_phone() if channel is Channel.VOICE else unique("visitor")
        received = await self.container.bus.handle(
            ReceiveInbound(channel=channel, sender=sender, body="hi", queue=queue, received_at=at)
        )
        return int(received.interaction_id)

    async def move(
        self,
        interaction_id: int,
        target: InteractionState,
        at: datetime,
        agent_id: int | None = None,
        queue: str | None = None,
    ) -> None:
        self.clock.at = at
        await self.container.bus.handle(
            TransitionInteraction(
                interaction_id=interaction_id, target=target, agent_id=agent_id, queue=queue
            )
        )

    async def offer_to(self, interaction_id: int, at: datetime, agent_id: int) -> None:
        """The router's offer, at `at` (the one way an interaction becomes offered)."""
        self.clock.at = at
        await offer_as_router(self.container, interaction_id, agent_id, expires_at=at + timedelta(minutes=5))

    async def accept(self, interaction_id: int, at: datetime, agent_id: int) -> None:
        self.clock.at = at
        await self.container.bus.handle(AcceptOffer(interaction_id=interaction_id, agent_id=agent_id))

    async def handle(
        self, interaction_id: int, at: datetime, agent_id: int, talk_s: float, wrap_s: float
    ) -> None:
        """Offer, answer after 10 s, talk `talk_s`, wrap up `wrap_s`, close."""
        answered = at + timedelta(seconds=10)
        await self.offer_to(interaction_id, at, agent_id)
        await self.accept(interaction_id, answered, agent_id)
        await self.move(
            interaction_id, InteractionState.WRAP_UP, answered + timedelta(seconds=talk_s), agent_id
        )
        closed = answered + timedelta(seconds=talk_s + wrap_s)
        await self.move(interaction_id, InteractionState.CLOSED, closed, agent_id)


@pytest.fixture
async def planning(database_url: str) -> AsyncIterator[Planning]:
    clock = MovableClock(NOW)
    container = build_container(make_settings(database_url), clock=clock)
    try:
        yield Planning(container, clock)
    finally:
        await container.close()


@dataclass(frozen=True, slots=True)
class SeededQueue:
    queue_id: int
    name: str
    skill: str
    agent_ids: tuple[int, ...]


_SEEDED: dict[str, SeededQueue] = {}
NEXT_MONDAY = date(2026, 3, 23)


async def seeded_queue(planning: Planning, database_url: str) -> SeededQueue:
    """A queue with 8 weeks of synthetic history before NOW's week and 6 agents with its skill,
    made once per database (rows are only added by the tests that use it)."""
    if database_url not in _SEEDED:
        skill = unique("skill")
        queue_id, name = await planning.queue(skills=((skill, 3),))
        agents = tuple([await planning.agent(skills=((skill, 5),)) for _ in range(6)])
        await planning.customer()
        profile = HistoryProfile(6.0, {"voice": 0.7, "chat": 0.3})
        await seed_history(planning.container.uow, weeks=8, now=NOW, profiles={name: profile})
        _SEEDED[database_url] = SeededQueue(queue_id, name, skill, agents)
    planning.clock.at = NOW
    return _SEEDED[database_url]
