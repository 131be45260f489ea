"""Signals between processes: a typing mark published in one process reaches another's listeners
through Redis pub/sub, and a malformed one is dropped without stopping the listener."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from contact_center.signals import RedisSignals, Signal
from tests.conftest import REDIS_TEST_URL, unique


async def test_a_signal_crosses_processes_through_redis() -> None:
    channel = unique("cc:test:signals:")
    one, two = Redis.from_url(REDIS_TEST_URL), Redis.from_url(REDIS_TEST_URL)
    sender, receiver = RedisSignals(one, channel), RedisSignals(two, channel)
    heard: list[Signal] = []
    arrived = asyncio.Event()

    async def listen(signal: Signal) -> None:
        heard.append(signal)
        arrived.set()

    receiver.subscribe(listen)
    await receiver.start()
    try:
        await one.publish(channel, b"{not json")  # dropped, and the listener keeps listening
        await one.publish(channel, b'{"interaction_id": 1, "kind": "shout", "by": "agent"}')
        await sender.publish(Signal(42, "read", "agent", agent_id=7, up_to=99))
        await asyncio.wait_for(arrived.wait(), timeout=5)
        assert heard == [Signal(42, "read", "agent", agent_id=7, up_to=99)]
    finally:
        await receiver.stop()
        await one.aclose()
        await two.aclose()
