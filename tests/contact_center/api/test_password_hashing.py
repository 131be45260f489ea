"""Argon2 runs off the event loop: sign-ins that hash do not hold up cheap requests."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient

from contact_center.bootstrap import Container
from contact_center.domain.commands import CreateAgent
from contact_center.domain.enums import Role
from contact_center.services.agents import hash_password, verify_password
from tests.conftest import unique
from tests.contact_center.api.conftest import PASSWORD

Client = TestClient[Any, Any]
BAD_SIGN_INS = 8


async def test_health_checks_keep_answering_while_bad_sign_ins_are_verified(
    container: Container, client: Client
) -> None:
    """On the loop, each verification would stall everything for its whole run, so at most about
    a few health checks could slip in between two of them; off the loop they keep flowing."""
    username = unique("hash_")
    await container.bus.handle(CreateAgent(username=username, role=Role.AGENT, password=PASSWORD))

    async def sign_in(n: int) -> int:
        body = {"username": username, "password": f"wrong-{n}"}
        return (await client.post("/api/v1/auth/token", json=body)).status

    sign_ins = asyncio.gather(*(sign_in(n) for n in range(BAD_SIGN_INS)))
    answered = 0
    while not sign_ins.done():
        assert (await client.get("/healthz")).status == 200
        answered += 1
    assert await sign_ins == [401] * BAD_SIGN_INS
    assert answered > 10 * BAD_SIGN_INS


async def test_a_password_verifies_against_its_own_hash_only() -> None:
    stored = await hash_password(PASSWORD, username="someone")
    assert await verify_password(stored, PASSWORD)
    assert not await verify_password(stored, PASSWORD + "!")
    assert not await verify_password(None, PASSWORD)
    assert not await verify_password("not an argon2 hash", PASSWORD)
