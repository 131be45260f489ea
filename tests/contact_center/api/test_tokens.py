"""Signing out and revoking: a revoked token is refused at once, in this process and in others."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from contact_center.bootstrap import Container
from contact_center.domain.enums import Role
from contact_center.services.agents import create_token_for
from tests.contact_center.api.conftest import Staff, error_of, new_agent, ok

Client = TestClient[Any, Any]


async def test_signing_out_refuses_that_token_at_once_and_keeps_the_others(
    container: Container, client: Client
) -> None:
    user = await new_agent(container)
    other = {"Authorization": f"Bearer {await create_token_for(container.uow(), user.agent_id, 'phone')}"}
    await ok(await client.get("/api/v1/me", headers=user.headers))  # now cached
    await ok(await client.delete("/api/v1/auth/token", headers=user.headers))
    await error_of(await client.get("/api/v1/me", headers=user.headers), 401)
    assert (await ok(await client.get("/api/v1/me", headers=other)))["id"] == user.agent_id


async def test_an_admin_revokes_every_token_of_an_agent(
    container: Container, client: Client, staff: Staff
) -> None:
    user = await new_agent(container)
    second = {"Authorization": f"Bearer {await create_token_for(container.uow(), user.agent_id, 'b')}"}
    for headers in (user.headers, second):
        await ok(await client.get("/api/v1/me", headers=headers))
    path = f"/api/v1/agents/{user.agent_id}/revoke-tokens"
    await error_of(await client.post(path, headers=staff.supervisor.headers), 403)
    assert (await ok(await client.post(path, headers=staff.admin.headers)))["revoked"] == 2
    for headers in (user.headers, second):
        await error_of(await client.get("/api/v1/me", headers=headers), 401)


async def test_a_deactivated_agent_is_refused_at_once(
    container: Container, client: Client, staff: Staff
) -> None:
    user = await new_agent(container)
    await ok(await client.get("/api/v1/me", headers=user.headers))
    patch = {"is_active": False}
    await ok(await client.patch(f"/api/v1/agents/{user.agent_id}", json=patch, headers=staff.admin.headers))
    await error_of(await client.get("/api/v1/me", headers=user.headers), 401)


async def test_a_token_revoked_through_one_web_process_is_refused_by_another(
    two_web_processes: tuple[Container, Client, Client],
) -> None:
    container, one, other = two_web_processes
    user = await new_agent(container, Role.AGENT)
    await ok(await other.get("/api/v1/me", headers=user.headers))  # the other process caches it
    await ok(await one.delete("/api/v1/auth/token", headers=user.headers))
    await error_of(await other.get("/api/v1/me", headers=user.headers), 401)
