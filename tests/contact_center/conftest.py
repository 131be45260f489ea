"""Fixtures and small tools shared by the contact-center storage, bus and job tests."""

from __future__ import annotations

import asyncio
import random
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select

from contact_center.bootstrap import Container, build_container
from contact_center.domain.commands import AcceptOffer, OfferInteraction
from contact_center.domain.events import Event
from contact_center.services.offers import claim_epoch, current_epoch
from tests.conftest import REDIS_TEST_URL, make_settings


async def offer_as_router(
    container: Container, interaction_id: int, agent_id: int, *, expires_at: datetime | None = None
) -> None:
    """Offer a queued interaction the one way it can be offered: an `OfferInteraction`, written as
    the leading router writes it, under a newly claimed epoch (no router runs in these tests)."""
    epoch = await current_epoch(container.uow()) + 1
    await claim_epoch(container.uow(), epoch, "test")
    expires = expires_at or container.clock() + timedelta(minutes=5)
    await container.bus.handle(
        OfferInteraction(
            interaction_id=interaction_id, agent_id=agent_id, expires_at=expires, reason="test", epoch=epoch
        )
    )


async def offer_and_accept(container: Container, interaction_id: int, agent_id: int) -> None:
    """Queued to active the way work reaches an agent: offered, then accepted by that agent."""
    await offer_as_router(container, interaction_id, agent_id)
    await container.bus.handle(AcceptOffer(interaction_id=interaction_id, agent_id=agent_id))


def random_phone() -> str:
    """A US number in E.164 no other test of this run is likely to use."""
    return f"+1628{random.randint(2_000_000, 9_999_999)}"


async def count_rows(container: Container, model: type, *where: Any) -> int:
    async with container.uow() as uow:
        stmt = select(func.count()).select_from(model)
        for clause in where:
            stmt = stmt.where(clause)
        return int((await uow.session.exec(stmt)).one())


async def eventually(check: Callable[[], bool], *, timeout_s: float = 10.0, what: str = "condition") -> None:
    """Poll `check` until it holds; fail with `what` at the deadline."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


class Collector:
    """A subscriber that records every event it is given; the same function serves both brokers."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    async def __call__(self, event: Event) -> None:
        self.events.append(event)

    def of(self, event_type: str, **fields: Any) -> list[Event]:
        return [
            e
            for e in self.events
            if e.type == event_type and all(getattr(e, k, None) == v for k, v in fields.items())
        ]


@pytest.fixture
async def redis_container(postgres_url: str, redis_names: dict[str, str]) -> AsyncIterator[Container]:
    """PostgreSQL with the Redis stream broker and rq, on this test's own stream and queue."""
    c = build_container(make_settings(postgres_url, REDIS_TEST_URL, **redis_names))
    try:
        yield c
    finally:
        await c.close()


@pytest.fixture
async def make_redis_container(
    postgres_url: str, redis_names: dict[str, str]
) -> AsyncIterator[Callable[[], Container]]:
    """Build more processes' worth of containers on the same stream; all are closed afterwards."""
    built: list[Container] = []

    def make() -> Container:
        c = build_container(make_settings(postgres_url, REDIS_TEST_URL, **redis_names))
        built.append(c)
        return c

    yield make
    await asyncio.gather(*(c.close() for c in built))


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Server processes a test started (see `server_process.py`): stopped, then reaped."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in started:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()  # reaped below: an unreaped child fails a later test with ResourceWarning
            proc.wait(timeout=10)
