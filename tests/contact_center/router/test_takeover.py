"""Two router processes on PostgreSQL and Redis: one leads, the other takes over when it is killed.

Killed with SIGKILL, so the leader cannot release its lease: the standby must wait it out, take a
newer epoch, rebuild from the database (keeping the dead leader's pending offer and its expiry)
and go on routing, without any interaction ever holding two open offers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from contact_center.bootstrap import Container, build_container
from contact_center.domain.commands import CreateAgent, CreateQueue, ReceiveInbound, SetPresence
from contact_center.domain.enums import Channel, Presence, Role
from contact_center.domain.routing import Offer, OfferState, RouterLease
from tests.conftest import REDIS_TEST_URL, make_settings, unique
from tests.contact_center.router.conftest import forget_other_tests_work, polled

pytestmark = pytest.mark.slow


@pytest.fixture
async def distributed(postgres_url: str, redis_names: dict[str, str]) -> AsyncIterator[Container]:
    container = build_container(make_settings(postgres_url, REDIS_TEST_URL, **redis_names))
    await forget_other_tests_work(container)
    await container.start()
    try:
        yield container
    finally:
        await container.close()


def _router(postgres_url: str, redis_names: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CC_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        {
            "DATABASE_URL": postgres_url,
            "REDIS_URL": REDIS_TEST_URL,
            "CC_REDIS__STREAM": redis_names["stream"],
            "CC_REDIS__RQ_QUEUE": redis_names["rq_queue"],
        }
    )
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "contact_center.cli", "serve", "--role", "router"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def test_a_standby_router_takes_over_from_a_killed_leader_without_double_offers(
    distributed: Container, postgres_url: str, redis_names: dict[str, str], tmp_path: Path
) -> None:
    container = distributed
    skill, queue = unique("skill"), unique("q")
    await container.bus.handle(
        CreateQueue(name=queue, channels=(Channel.CHAT,), required_skills=((skill, 3),))
    )
    async with container.uow() as uow:
        q = await uow.queues.named(queue)
        q.routing = {"offer_timeout_s": 3.0}
        uow.session.add(q)
        await uow.commit()
    agents = []
    for _ in range(2):
        agent_id = await container.bus.handle(
            CreateAgent(username=unique("ag"), role=Role.AGENT, skills=((skill, 5),), capacity=(("chat", 1),))
        )
        await container.bus.handle(SetPresence(agent_id=agent_id, presence=Presence.AVAILABLE))
        agents.append(agent_id)

    async def lease() -> RouterLease | None:
        async with container.uow() as uow:
            return (await uow.session.exec(select(RouterLease).where(RouterLease.id == 1))).first()

    async def offers(interaction_id: int) -> list[Offer]:
        async with container.uow() as uow:
            stmt = select(Offer).where(Offer.interaction_id == interaction_id).order_by(col(Offer.id))
            return list((await uow.session.exec(stmt)).all())

    before = await lease()
    first_router = _router(postgres_url, redis_names, tmp_path / "a.log")
    try:
        leading = await polled(lambda: _newer(lease, before.epoch if before else 0), within_s=30)
        second_router = _router(postgres_url, redis_names, tmp_path / "b.log")
        try:
            chat = await container.bus.handle(
                ReceiveInbound(channel=Channel.CHAT, sender=unique("v"), body="hi", queue=queue)
            )
            first_offer = (await polled(lambda: offers(chat.interaction_id), within_s=20))[0]
            assert first_offer.router_epoch == leading.epoch

            first_router.send_signal(signal.SIGKILL)
            first_router.wait(timeout=10)
            taken = await polled(lambda: _newer(lease, leading.epoch), within_s=20)
            assert taken.holder != leading.holder

            # The dead leader's offer expires on its original schedule, under the new leader.
            expired = await polled(
                lambda: _state_is(offers, chat.interaction_id, 0, OfferState.EXPIRED), within_s=20
            )
            assert expired[0].router_epoch == leading.epoch
            reoffered = await polled(
                lambda: _state_is(offers, chat.interaction_id, 1, OfferState.OPEN), within_s=20
            )
            assert reoffered[1].router_epoch == taken.epoch
            assert reoffered[1].agent_id != reoffered[0].agent_id  # the one who missed it is excluded

            another = await container.bus.handle(
                ReceiveInbound(channel=Channel.CHAT, sender=unique("v"), body="hi", queue=queue)
            )
            routed = await polled(lambda: offers(another.interaction_id), within_s=20)
            assert routed[0].router_epoch == taken.epoch
            assert second_router.poll() is None, (tmp_path / "b.log").read_text()
        finally:
            if second_router.poll() is None:
                second_router.send_signal(signal.SIGTERM)
                second_router.wait(timeout=15)
    finally:
        if first_router.poll() is None:
            first_router.kill()
            first_router.wait(timeout=10)

    async with container.uow() as uow:
        open_rows = (
            await uow.session.exec(
                select(Offer.interaction_id).where(
                    Offer.state == OfferState.OPEN, col(Offer.agent_id).in_(agents)
                )
            )
        ).all()
    assert len(open_rows) == len(set(open_rows))


async def _newer(lease: object, epoch: int) -> RouterLease | None:
    current = await lease()  # type: ignore[operator]
    return current if current is not None and current.epoch > epoch else None


async def _state_is(offers: object, interaction_id: int, index: int, state: OfferState) -> list[Offer] | None:
    found: list[Offer] = await offers(interaction_id)  # type: ignore[operator]
    return found if len(found) > index and found[index].state == state else None
