"""Redis goes away for several seconds and comes back empty, while contacts keep arriving.

A router process (`serve --role router`) and this test's own process (playing the web side:
inbound contacts through the bus, the outbox dispatcher publishing to Redis) share PostgreSQL and
a private Redis. Before the fix, both routers exited within half a second of the outage and the
contacts queued meanwhile were never offered. Now: the router stays up, logs the outage once, and
once Redis is back every contact is offered, the one received during the outage included, and no
offer outlives its expiry by more than a few seconds.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import subprocess
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlmodel import col, select

from contact_center.bootstrap import Container, build_container
from contact_center.bus import RedisStreamBroker
from contact_center.dispatcher import OutboxDispatcher
from contact_center.domain.commands import CreateAgent, CreateQueue, ReceiveInbound, SetPresence
from contact_center.domain.enums import Channel, Presence, Role
from contact_center.domain.routing import Offer, OfferState
from contact_center.outage import DEGRADED
from contact_center.storage.migrate import upgrade
from contact_center.storage.outbox import mark_published, unpublished
from tests.conftest import make_settings, unique
from tests.contact_center.router.conftest import forget_other_tests_work, polled
from tests.contact_center.server_process import clean_env, cli
from tests.faults.conftest import PrivateRedis

pytestmark = pytest.mark.slow

OUTAGE_S = 8.0  # over two lease times: the lease lapses and nobody may lead meanwhile
OFFER_TIMEOUT_S = 2.0


@pytest.fixture
async def web_side(postgres_url: str, private_redis: PrivateRedis) -> AsyncIterator[Container]:
    container = build_container(make_settings(postgres_url, private_redis.url, stream=unique("cc:f:")))
    await forget_other_tests_work(container)
    await container.start()
    try:
        yield container
    finally:
        await container.close()


async def test_routing_survives_a_redis_outage_and_a_redis_that_comes_back_empty(
    web_side: Container, postgres_url: str, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    container = web_side
    skill, queue = unique("skill"), unique("q")
    await container.bus.handle(
        CreateQueue(name=queue, channels=(Channel.CHAT,), required_skills=((skill, 3),))
    )
    async with container.uow() as uow:
        q = await uow.queues.named(queue)
        q.routing = {"offer_timeout_s": OFFER_TIMEOUT_S}
        uow.session.add(q)
        await uow.commit()
    agent_id = await container.bus.handle(
        CreateAgent(username=unique("ag"), role=Role.AGENT, skills=((skill, 5),), capacity=(("chat", 10),))
    )
    await container.bus.handle(SetPresence(agent_id=agent_id, presence=Presence.AVAILABLE))

    async def offers(interaction_id: int) -> list[Offer]:
        async with container.uow() as uow:
            stmt = select(Offer).where(Offer.interaction_id == interaction_id).order_by(col(Offer.id))
            return list((await uow.session.exec(stmt)).all())

    async def contact() -> int:
        received = await container.bus.handle(
            ReceiveInbound(channel=Channel.CHAT, sender=unique("v"), body="hi", queue=queue)
        )
        return int(received.interaction_id)

    env = clean_env(
        {
            "DATABASE_URL": postgres_url,
            "REDIS_URL": private_redis.url,
            "CC_REDIS__STREAM": container.settings.redis.stream,
            "CC_LOG_FORMAT": "json",
        }
    )
    log = tmp_path / "router.log"
    router = cli("serve", "--role", "router", env=env, log=log)
    try:
        before = await contact()
        await polled(lambda: offers(before), within_s=30)  # the router leads and routes

        private_redis.kill()
        during = await contact()  # stored and acknowledged: the database is up
        await asyncio.sleep(OUTAGE_S)
        assert router.poll() is None, log.read_text()[-3000:]
        private_redis.start()  # empty: no stream, no groups, no lease, no epoch counter

        after = await contact()
        for interaction_id in (during, after):
            await polled(lambda iid=interaction_id: offers(iid), within_s=30)  # type: ignore[misc]

        # Offers made before or during the outage lapse on schedule once a router leads again.
        async def overdue() -> list[Offer]:
            async with container.uow() as uow:
                late = uow.now() - timedelta(seconds=OFFER_TIMEOUT_S + 3)
                stmt = select(Offer).where(Offer.state == OfferState.OPEN, col(Offer.expires_at) < late)
                return list((await uow.session.exec(stmt)).all())

        await asyncio.sleep(OFFER_TIMEOUT_S + 1)
        assert await overdue() == []
        assert router.poll() is None, log.read_text()[-3000:]
    finally:
        if router.poll() is None:
            router.send_signal(signal.SIGTERM)
            try:
                router.wait(timeout=15)
            except subprocess.TimeoutExpired:
                router.kill()
                router.wait(timeout=5)
    text = log.read_text()
    assert "Traceback" not in text, text[-3000:]
    # Logged once per outage and per loop, not once a second for as long as it lasts. Counted per
    # loop: a total goes stale whenever a consumer group is added (the transcripts' made it 7).
    events = [json.loads(line)["event"] for line in text.splitlines() if line.startswith("{")]
    unavailable = Counter(event for event in events if event.endswith(".unavailable"))
    assert unavailable and max(unavailable.values()) == 1, unavailable
    assert text.count(".recovered") >= 1, text[-3000:]


async def test_the_outbox_says_redis_is_back_only_once_redis_answers(
    private_redis: PrivateRedis, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Another process may publish the rows this one failed on (rows are shared, locked as they
    go): a round that then finds nothing to publish has not reached Redis, and must not say the
    outage is over while it is not (it once did, and logged the outage a second time a second later)."""
    url = f"sqlite:///{tmp_path / 'cc.db'}"
    upgrade(url)
    container = build_container(make_settings(url), outbound=[])  # not started: its rows stay unpublished
    redis = Redis.from_url(private_redis.url)
    dispatcher = OutboxDispatcher(container.sessions, RedisStreamBroker(redis), poll_interval_s=0.05)
    caplog.set_level(logging.WARNING, logger="contact_center.dispatcher")

    def logged(name: str) -> int:
        return sum(r.getMessage() == name for r in caplog.records)

    async def logged_once(name: str) -> bool:
        return logged(name) == 1

    private_redis.kill()
    await container.bus.handle(CreateQueue(name=unique("q"), channels=(Channel.CHAT,)))
    dispatcher.start()
    try:
        await polled(lambda: logged_once("outbox.unavailable"))
        async with container.sessions() as session:  # another dispatcher published them meanwhile
            ids = [row.id or 0 for row in await unpublished(session, 100)]
            assert ids
            await mark_published(session, ids, datetime.now(UTC))
            await session.commit()
        await asyncio.sleep(1.0)  # idle rounds, Redis still away
        assert logged("outbox.recovered") == 0
        assert "outbox" in DEGRADED.now()
        private_redis.start()
        await polled(lambda: logged_once("outbox.recovered"))
        assert logged("outbox.unavailable") == 1 and "outbox" not in DEGRADED.now()
    finally:
        await dispatcher.stop()
        await redis.aclose()
        await container.close()
