"""How long a session lasts, on both databases: a token from sign-in is refused once idle past the
timeout or older than the maximum age (both from settings), a token in use stays valid with one
write a minute at most, another web process's use counts, and deactivation ends sessions for good."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import event
from sqlmodel import select

from contact_center.api.principals import LocalGeneration, SessionLimits, TokenCache
from contact_center.bootstrap import Container, build_container
from contact_center.domain.agents import ApiToken
from contact_center.domain.commands import CreateAgent, IssueToken
from contact_center.domain.enums import Role
from contact_center.domain.errors import UnauthenticatedError
from contact_center.services.agents import token_hash
from contact_center.settings import Settings
from tests.conftest import unique
from tests.contact_center.api.conftest import PASSWORD, Staff, error_of, make_client, new_agent, ok, sign_up

Client = TestClient[Any, Any]
IDLE = timedelta(minutes=5)
MAX_AGE = timedelta(minutes=30)


class SteppedClock:
    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.at


def cache_of(container: Container, clock: SteppedClock) -> TokenCache:
    """A web process's token cache over the container's database, on the test's clock."""
    return TokenCache(
        container.read_uow,
        clock,
        LocalGeneration(),
        write_uow=container.uow,
        limits=SessionLimits(idle_timeout=IDLE, max_age=MAX_AGE),
    )


async def signed_in(container: Container) -> str:
    """A token from sign-in (a session), for a new agent."""
    username = unique("ses_")
    await container.bus.handle(CreateAgent(username=username, role=Role.AGENT, password=PASSWORD))
    return str(await container.bus.handle(IssueToken(username=username, password=PASSWORD, source="t")))


@contextmanager
def token_writes(container: Container) -> Iterator[list[str]]:
    """The UPDATEs of api_token the database receives meanwhile."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE API_TOKEN"):
            seen.append(statement)

    target = container.engine.sync_engine
    event.listen(target, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(target, "before_cursor_execute", count)


async def test_a_token_idle_past_the_timeout_is_refused(container: Container) -> None:
    token, clock = await signed_in(container), SteppedClock()
    cache = cache_of(container, clock)
    await cache.principal(token)
    clock.at += IDLE - timedelta(seconds=1)
    await cache.principal(token)  # within the timeout, and counted as activity
    clock.at += IDLE + timedelta(seconds=1)
    with pytest.raises(UnauthenticatedError, match="idle"):
        await cache.principal(token)
    with pytest.raises(UnauthenticatedError):  # and for a fresh process too, from the database
        await cache_of(container, clock).principal(token)


async def test_a_token_in_use_stays_valid_with_at_most_one_write_a_minute(container: Container) -> None:
    token, clock = await signed_in(container), SteppedClock()
    cache = cache_of(container, clock)
    with token_writes(container) as writes:
        for _ in range(120):  # a request every 5 s for 10 minutes, twice the idle timeout
            await cache.principal(token)
            clock.at += timedelta(seconds=5)
    assert 1 <= len(writes) <= 11, len(writes)
    async with container.read_uow() as uow:
        row = (await uow.session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))).one()
    assert row.last_seen_at is not None and clock.at - row.last_seen_at <= timedelta(minutes=1, seconds=5)


async def test_use_seen_by_another_web_process_keeps_the_token_alive(container: Container) -> None:
    token, clock = await signed_in(container), SteppedClock()
    here, there = cache_of(container, clock), cache_of(container, clock)
    await here.principal(token)  # cached here, last seen now
    for _ in range(5):  # then used only in the other process, every 2 minutes
        clock.at += timedelta(minutes=2)
        await there.principal(token)
    # Here the token looks idle for 10 minutes; the database says otherwise.
    assert (await here.principal(token)).username.startswith("ses_")


async def test_a_token_past_the_maximum_age_is_refused_however_busy(container: Container) -> None:
    token, clock = await signed_in(container), SteppedClock()
    cache = cache_of(container, clock)
    while clock.at - datetime.now(UTC) < MAX_AGE - timedelta(minutes=2):
        await cache.principal(token)
        clock.at += timedelta(minutes=2)
    clock.at += timedelta(minutes=3)
    with pytest.raises(UnauthenticatedError, match="expired"):
        await cache.principal(token)


async def test_an_operator_made_token_has_no_idle_timeout_or_age(container: Container) -> None:
    user, clock = await new_agent(container), SteppedClock()  # `create_token_for`, the CLI's path
    cache = cache_of(container, clock)
    clock.at += timedelta(days=400)
    with token_writes(container) as writes:
        assert (await cache.principal(user.token)).agent_id == user.agent_id
    assert writes == []


async def test_the_idle_timeout_comes_from_settings_and_holds_over_the_api(database_url: str) -> None:
    settings = Settings.model_validate(
        {"environment": "test", "database": {"url": database_url}, "sessions": {"idle_timeout_s": 600}}
    )
    clock = SteppedClock()
    container = build_container(settings, clock=clock)
    client = await make_client(container)
    try:
        user = await sign_up(container, client)
        await ok(await client.get("/api/v1/me", headers=user.headers))
        clock.at += timedelta(seconds=599)
        await ok(await client.get("/api/v1/me", headers=user.headers))
        clock.at += timedelta(seconds=601)
        error = await error_of(await client.get("/api/v1/me", headers=user.headers), 401, "unauthenticated")
        assert "idle" in error["message"]
        again = await client.post(
            "/api/v1/auth/token", json={"username": user.username, "password": PASSWORD}
        )
        await ok(again, 201)  # signing in again is all it takes
    finally:
        await client.close()
        await container.close()


async def test_deactivating_an_agent_ends_their_sessions_for_good(
    container: Container, client: Client, staff: Staff
) -> None:
    user = await sign_up(container, client)
    await ok(await client.get("/api/v1/me", headers=user.headers))
    path = f"/api/v1/agents/{user.agent_id}"
    await ok(await client.patch(path, json={"is_active": False}, headers=staff.admin.headers))
    await error_of(await client.get("/api/v1/me", headers=user.headers), 401)
    await ok(await client.patch(path, json={"is_active": True}, headers=staff.admin.headers))
    await error_of(await client.get("/api/v1/me", headers=user.headers), 401)  # revoked, not paused
    async with container.read_uow() as uow:
        rows = (await uow.session.exec(select(ApiToken).where(ApiToken.agent_id == user.agent_id))).all()
    assert rows and all(row.revoked for row in rows)
