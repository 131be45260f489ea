"""Authentication and roles on /api/v1: tokens, sign-in, and who may do what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlmodel import select

from contact_center.api.principals import LocalGeneration, SessionLimits, TokenCache
from contact_center.bootstrap import Container
from contact_center.domain.agents import ApiToken
from contact_center.domain.commands import RevokeTokens
from contact_center.domain.enums import Role
from contact_center.domain.errors import UnauthenticatedError
from contact_center.services.agents import token_hash
from tests.conftest import unique
from tests.contact_center.api.conftest import PASSWORD, Staff, error_of, new_agent, ok, sign_up

Client = TestClient[Any, Any]


async def test_request_without_token_is_401_json(client: Client) -> None:
    await error_of(await client.get("/api/v1/customers"), 401, "unauthenticated")
    await error_of(await client.get("/api/v1/me", headers={"Authorization": "Bearer "}), 401)
    await error_of(await client.get("/api/v1/me", headers={"Authorization": "Basic abc"}), 401)


async def test_unknown_token_is_401(client: Client) -> None:
    resp = await client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    await error_of(resp, 401, "unauthenticated")


async def test_expired_token_is_401(container: Container, client: Client) -> None:
    user = await new_agent(container)
    async with container.uow() as uow:
        row = (
            await uow.session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(user.token)))
        ).one()
        row.expires_at = uow.now() - timedelta(seconds=1)
        uow.session.add(row)
        await uow.commit()
    await error_of(await client.get("/api/v1/me", headers=user.headers), 401, "unauthenticated")


async def test_a_cached_token_is_refused_once_it_expires(container: Container) -> None:
    user = await new_agent(container)
    async with container.uow() as uow:
        row = (
            await uow.session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(user.token)))
        ).one()
        row.expires_at = uow.now() + timedelta(minutes=5)
        uow.session.add(row)
        await uow.commit()
    now = [datetime.now(UTC)]
    limits = SessionLimits(idle_timeout=timedelta(hours=8), max_age=timedelta(days=30))
    cache = TokenCache(
        container.read_uow, lambda: now[0], LocalGeneration(), write_uow=container.uow, limits=limits
    )
    assert (await cache.principal(user.token)).agent_id == user.agent_id
    now[0] += timedelta(minutes=6)
    with pytest.raises(UnauthenticatedError):
        await cache.principal(user.token)


async def test_revoked_token_and_deactivated_agent_are_401(
    container: Container, client: Client, staff: Staff
) -> None:
    first = await new_agent(container)
    second = await new_agent(container)
    await ok(await client.get("/api/v1/me", headers=first.headers))
    # Revoked by a command outside this web application (the CLI, say): its event drops the entry.
    await container.bus.handle(RevokeTokens(agent_id=first.agent_id, token_hash=token_hash(first.token)))
    await container.dispatcher.drain()
    await error_of(await client.get("/api/v1/me", headers=first.headers), 401)
    await ok(await client.get("/api/v1/me", headers=second.headers))
    resp = await client.patch(
        f"/api/v1/agents/{second.agent_id}", json={"is_active": False}, headers=staff.admin.headers
    )
    assert (await ok(resp))["is_active"] is False
    await error_of(await client.get("/api/v1/me", headers=second.headers), 401)


async def test_sign_in_gives_a_token_for_me(container: Container, client: Client) -> None:
    user = await sign_up(container, client, Role.SUPERVISOR)
    me = await ok(await client.get("/api/v1/me", headers=user.headers))
    assert me["username"] == user.username and me["role"] == "supervisor"
    assert "password_hash" not in me


async def test_wrong_password_and_unknown_user_get_the_same_401(container: Container, client: Client) -> None:
    user = await sign_up(container, client)
    wrong = await client.post("/api/v1/auth/token", json={"username": user.username, "password": "nope"})
    unknown = await client.post(
        "/api/v1/auth/token", json={"username": unique("ghost"), "password": PASSWORD}
    )
    first = await error_of(wrong, 401, "unauthenticated")
    second = await error_of(unknown, 401, "unauthenticated")
    assert first["message"] == second["message"]


async def test_agent_cannot_create_agents_queues_or_merge(client: Client, staff: Staff) -> None:
    headers = staff.agent.headers
    resp = await client.post("/api/v1/agents", json={"username": unique("a_")}, headers=headers)
    await error_of(resp, 403, "forbidden")
    await error_of(await client.post("/api/v1/queues", json={"name": unique("q")}, headers=headers), 403)
    await error_of(await client.post("/api/v1/customers/1/merge", json={"merge_id": 2}, headers=headers), 403)
    for role in ("supervisor", "planner"):
        other = getattr(staff, role).headers
        await error_of(await client.post("/api/v1/queues", json={"name": unique("q")}, headers=other), 403)


async def test_admin_can_create_agents_and_queues(client: Client, staff: Staff) -> None:
    username = unique("new_")
    resp = await client.post(
        "/api/v1/agents",
        json={"username": username, "role": "supervisor", "skills": {"billing": 3}},
        headers=staff.admin.headers,
    )
    created = await ok(resp, 201)
    assert created["username"] == username and created["skills"] == {"billing": 3}
    assert "password_hash" not in created
    queue = await ok(
        await client.post("/api/v1/queues", json={"name": unique("q")}, headers=staff.admin.headers), 201
    )
    assert queue["sl_target"] == 0.8


async def test_agent_sets_own_presence_but_not_another(
    container: Container, client: Client, staff: Staff
) -> None:
    me = await new_agent(container)
    other = staff.agent
    resp = await client.put(
        f"/api/v1/agents/{me.agent_id}/presence", json={"presence": "available"}, headers=me.headers
    )
    assert (await ok(resp))["presence"] == "available"
    resp = await client.put(
        f"/api/v1/agents/{other.agent_id}/presence", json={"presence": "away"}, headers=me.headers
    )
    await error_of(resp, 404, "not_found")  # another agent is out of an agent's view
    resp = await client.put(
        f"/api/v1/agents/{me.agent_id}/presence",
        json={"presence": "away", "reason": "lunch"},
        headers=staff.supervisor.headers,
    )
    doc = await ok(resp)
    assert doc["presence"] == "away" and doc["presence_reason"] == "lunch"
    resp = await client.put(
        f"/api/v1/agents/{me.agent_id}/presence", json={"presence": "asleep"}, headers=me.headers
    )
    await error_of(resp, 422)


async def test_agent_lists_but_cannot_patch_agents(client: Client, staff: Staff) -> None:
    listed = await ok(await client.get("/api/v1/agents", headers=staff.agent.headers))
    assert staff.agent.agent_id in {a["id"] for a in listed["items"]}
    assert all("password_hash" not in a for a in listed["items"])
    resp = await client.patch(
        f"/api/v1/agents/{staff.agent.agent_id}", json={"role": "admin"}, headers=staff.agent.headers
    )
    await error_of(resp, 403)


async def test_a_username_that_only_looks_different_is_taken_and_signs_in(
    client: Client, staff: Staff
) -> None:
    base = unique("case")
    created = await ok(
        await client.post(
            "/api/v1/agents",
            json={"username": base.upper(), "password": PASSWORD},
            headers=staff.admin.headers,
        ),
        201,
    )
    assert created["username"] == base  # stored in its one spelling
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in base)
    for lookalike in (base, base.title(), full_width):
        resp = await client.post(
            "/api/v1/agents", json={"username": lookalike, "password": PASSWORD}, headers=staff.admin.headers
        )
        await error_of(resp, 409, "conflict")
    for spelled in (base.upper(), full_width):  # any spelling of the name signs in
        signed = await client.post("/api/v1/auth/token", json={"username": spelled, "password": PASSWORD})
        assert signed.status == 201, await signed.text()


async def test_a_new_password_has_at_least_eight_characters(client: Client, staff: Staff) -> None:
    short = {"username": unique("short"), "password": "1234567"}
    await error_of(await client.post("/api/v1/agents", json=short, headers=staff.admin.headers), 422)
    agent = staff.agent
    await error_of(
        await client.patch(
            f"/api/v1/agents/{agent.agent_id}", json={"password": "x"}, headers=staff.admin.headers
        ),
        422,
    )


async def test_a_password_change_ends_every_session_made_with_the_old_one(
    container: Container, client: Client, staff: Staff
) -> None:
    user = await sign_up(container, client)
    other_device = await ok(
        await client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD}), 201
    )
    await ok(await client.get("/api/v1/me", headers=user.headers))  # cached now
    changed = "a-new-password-1"
    resp = await client.patch(
        f"/api/v1/agents/{user.agent_id}", json={"password": changed}, headers=staff.admin.headers
    )
    await ok(resp)
    for token in (user.token, other_device["token"]):
        await error_of(await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401)
    old = await client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD})
    await error_of(old, 401)
    await ok(
        await client.post("/api/v1/auth/token", json={"username": user.username, "password": changed}), 201
    )
