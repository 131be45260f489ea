"""The password policy over the API, on both databases: at sign-up and at an administrator's reset,
a weak password is a 422 that says why, and changes nothing."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from contact_center.bootstrap import Container
from tests.conftest import unique
from tests.contact_center.api.conftest import PASSWORD, Staff, error_of, ok, sign_up

Client = TestClient[Any, Any]


async def test_sign_up_refuses_a_common_password_or_one_holding_the_username(
    client: Client, staff: Staff
) -> None:
    username = unique("pol")
    for password, says in (("iloveyou1", "most common"), (f"my-{username}-pw", "username")):
        body = {"username": username, "password": password}
        error = await error_of(
            await client.post("/api/v1/agents", json=body, headers=staff.admin.headers), 422, "weak_password"
        )
        assert says in error["message"]
    # nothing was made: the name is still free, and a sound password takes it
    body = {"username": username, "password": "kettle-drum-49"}
    await ok(await client.post("/api/v1/agents", json=body, headers=staff.admin.headers), 201)


async def test_a_reset_to_a_weak_password_is_refused_and_the_old_one_still_works(
    container: Container, client: Client, staff: Staff
) -> None:
    user = await sign_up(container, client)
    for password in ("password123", user.username.upper() + "!"):
        await error_of(
            await client.patch(
                f"/api/v1/agents/{user.agent_id}", json={"password": password}, headers=staff.admin.headers
            ),
            422,
            "weak_password",
        )
    await ok(await client.get("/api/v1/me", headers=user.headers))  # no session ended either
    credentials = {"username": user.username, "password": PASSWORD}
    await ok(await client.post("/api/v1/auth/token", json=credentials), 201)
