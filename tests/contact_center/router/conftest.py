"""A running router over a real database: the container, its dispatcher and `RouterService.run`."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TypeVar

import pytest
from sqlalchemy import update
from sqlmodel import col

from contact_center.bootstrap import Container, build_container
from contact_center.domain.commands import CreateAgent, CreateQueue, ReceiveInbound, SetPresence
from contact_center.domain.enums import Channel, Presence, Role
from contact_center.domain.interactions import Interaction
from contact_center.domain.routing import Offer, OfferState
from contact_center.roles import build_router
from contact_center.router.service import RouterService
from contact_center.storage.outbox import OutboxEvent
from tests.conftest import make_settings, unique

T = TypeVar("T")


async def polled(probe: Callable[[], Awaitable[T]], *, within_s: float = 15.0) -> T:
    """Poll `probe` until it returns something truthy, or fail at the deadline."""
    deadline = time.monotonic() + within_s
    while True:
        value = await probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within_s}s (last value {value!r})")
        await asyncio.sleep(0.05)


@dataclass
class Routed:
    container: Container
    router: RouterService
    queue: str
    skill: str

    async def agent(
        self,
        *,
        level: int = 5,
        presence: Presence = Presence.AVAILABLE,
        capacity: dict[str, int] | None = None,
    ) -> int:
        agent_id: int = await self.container.bus.handle(
            CreateAgent(
                username=unique("ag"),
                role=Role.AGENT,
                skills=((self.skill, level),),
                capacity=tuple((capacity or {}).items()),
            )
        )
        await self.container.bus.handle(SetPresence(agent_id=agent_id, presence=presence))
        return agent_id

    async def inbound(self, channel: Channel = Channel.CHAT) -> int:
        """A contact from a new customer into this queue; returns its interaction id."""
        sender = unique("visitor") if channel is Channel.CHAT else f"{unique('c')}@example.com"
        received = await self.container.bus.handle(
            ReceiveInbound(channel=channel, sender=sender, body="hello", queue=self.queue)
        )
        return int(received.interaction_id)

    async def offer_timeout(self, seconds: float) -> None:
        """Change the queue's offer timeout and rebuild the router, as a queue update would."""
        await _set_offer_timeout(self.container, self.queue, seconds)
        await self.router.rebuild()


async def _set_offer_timeout(container: Container, queue: str, seconds: float) -> None:
    async with container.uow() as uow:
        q = await uow.queues.named(queue)
        q.routing = {"offer_timeout_s": seconds}
        uow.session.add(q)
        await uow.commit()


@pytest.fixture
async def routed(database_url: str) -> AsyncIterator[Routed]:
    """A fresh queue needing its own skill at level 3, a 60 s offer timeout, and a router leading.

    Offers stay open while a test looks, however loaded the machine; a test of expiry sets its
    own short timeout (`Routed.offer_timeout`).

    Tests share the database, so every agent made here has only this queue's skill.
    """
    async with running_router(database_url) as started:
        yield started


@asynccontextmanager
async def running_router(database_url: str, *, inbox_size: int = 10_000) -> AsyncIterator[Routed]:
    """What `routed` gives, for a test that needs the router built otherwise (a tiny inbox)."""
    container = build_container(make_settings(database_url))
    skill = unique("skill")
    queue = unique("q")
    router = build_router(container, inbox_size=inbox_size)
    await container.bus.handle(
        CreateQueue(
            name=queue, channels=(Channel.CHAT, Channel.VOICE, Channel.EMAIL), required_skills=((skill, 3),)
        )
    )
    await _set_offer_timeout(container, queue, 60.0)
    await forget_other_tests_work(container)
    await container.start()
    task = asyncio.create_task(router.run())
    try:
        await polled(lambda: _leading(router))
        yield Routed(container, router, queue, skill)
    finally:
        try:
            await _within(router.stop(task), "stopping the router")
        finally:
            await _within(container.close(), "closing the container")


async def _within(step: Awaitable[None], what: str, limit_s: float = 5.0) -> None:
    """Fail with every task's stack when a teardown step takes longer than `limit_s`.

    The step's own cancellation handling cannot hide a stall: `asyncio.wait` returns at the
    deadline whatever the step does with a cancel (`RouterService.stop` swallows one), and the
    elapsed time is checked even when the step finishes.
    """
    started = time.monotonic()
    running = asyncio.ensure_future(step)
    await asyncio.wait({running}, timeout=limit_s)
    elapsed = time.monotonic() - started
    if running.done() and elapsed <= limit_s:
        running.result()
        return
    stacks = io.StringIO()
    for t in asyncio.all_tasks():
        print(f"task {t.get_name()}:", file=stacks)
        t.print_stack(limit=15, file=stacks)
    running.cancel()
    await asyncio.wait({running}, timeout=1.0)
    raise AssertionError(f"{what} took {elapsed:.1f}s, over {limit_s}s:\n{stacks.getvalue()}")


async def forget_other_tests_work(container: Container) -> None:
    """Start a router test from a quiet database.

    Tests share it, and a router routes whatever waits: another test's queued call in a queue
    with no skill requirement would be offered to this test's agents (as it should be, in real
    life). So earlier tests' waiting interactions are abandoned, their open offers withdrawn, and
    their undispatched events marked sent.
    """
    async with container.uow() as uow:
        now = uow.now()
        for stmt in (
            update(Offer)
            .where(Offer.state == OfferState.OPEN)
            .values(state=OfferState.WITHDRAWN, closed_at=now),
            update(Interaction)
            .where(col(Interaction.state).in_(["queued", "offered"]))
            .values(state="abandoned", closed_at=now, state_changed_at=now),
            update(OutboxEvent).where(col(OutboxEvent.published_at).is_(None)).values(published_at=now),
        ):
            await uow.session.exec(stmt)  # type: ignore[call-overload]
        await uow.commit()


async def _leading(router: RouterService) -> bool:
    return router.engine is not None and router._leading
