"""Password guessing is stopped per account and per address, in memory and in Redis alike."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from contact_center.bootstrap import Container
from contact_center.services.sign_in_limits import (
    PER_ACCOUNT,
    WINDOW_S,
    FailureCounts,
    LocalFailureCounts,
    RedisFailureCounts,
)
from tests.conftest import REDIS_TEST_URL
from tests.contact_center.api.conftest import PASSWORD, error_of, sign_up


async def _sign_in(client: TestClient[Any, Any], username: str, password: str) -> Any:
    return await client.post("/api/v1/auth/token", json={"username": username, "password": password})


async def test_an_account_is_locked_after_ten_failures_even_for_the_right_password(
    container: Container, client: TestClient[Any, Any]
) -> None:
    target, bystander = await sign_up(container, client), await sign_up(container, client)
    for _ in range(PER_ACCOUNT - 1):
        await error_of(await _sign_in(client, target.username, "wrong-guess"), 401)
    assert (await _sign_in(client, target.username, PASSWORD)).status == 201  # a success clears it
    for _ in range(PER_ACCOUNT):
        await error_of(await _sign_in(client, target.username.upper(), "wrong-guess"), 401)
    locked = await _sign_in(client, target.username, PASSWORD)
    await error_of(locked, 429, "rate_limited")
    assert 0 < int(locked.headers["Retry-After"]) <= WINDOW_S
    assert (await _sign_in(client, bystander.username, PASSWORD)).status == 201  # only that account


async def test_guesses_spread_over_two_web_processes_lock_the_account_in_both(
    two_web_processes: tuple[Container, TestClient[Any, Any], TestClient[Any, Any]],
) -> None:
    container, one, other = two_web_processes
    target = await sign_up(container, one)
    for i in range(PER_ACCOUNT):  # half the guesses through each process
        await error_of(await _sign_in((one, other)[i % 2], target.username, "wrong-guess"), 401)
    for client in (one, other):
        await error_of(await _sign_in(client, target.username, PASSWORD), 429, "rate_limited")


async def _exercise(counts: FailureCounts, key: str) -> None:
    assert await counts.count(key) == (0, 0.0)
    await counts.add(key)
    await counts.add(key)
    n, left = await counts.count(key)
    assert n == 2 and 0 < left <= WINDOW_S
    await counts.clear(key)
    assert (await counts.count(key))[0] == 0


async def test_counts_in_memory_end_with_their_window() -> None:
    now = [1000.0]
    counts = LocalFailureCounts(now=lambda: now[0])
    await _exercise(counts, "account:a")
    await counts.add("account:b")
    now[0] += WINDOW_S - 1
    await counts.add("account:b")  # the same window: it does not move
    assert await counts.count("account:b") == (2, 1.0)
    now[0] += 1
    assert await counts.count("account:b") == (0, 0.0)


@pytest.mark.usefixtures("redis_names")
async def test_counts_in_redis_are_shared_and_expire() -> None:
    redis = Redis.from_url(REDIS_TEST_URL)
    prefix = f"cc:test:{uuid.uuid4().hex[:8]}:sign-in:"
    try:
        await _exercise(RedisFailureCounts(redis, prefix), "address:10.0.0.1")
        one, other = RedisFailureCounts(redis, prefix), RedisFailureCounts(redis, prefix)
        await one.add("account:x")
        assert (await other.count("account:x"))[0] == 1  # another process sees it
        assert 0 < await redis.ttl(prefix + "account:x") <= WINDOW_S
    finally:
        keys = [k async for k in redis.scan_iter(prefix + "*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()
