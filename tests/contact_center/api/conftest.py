"""Fixtures for the REST API tests: a real aiohttp test server over the `container` of each database.

Signing in costs two argon2 hashes, so the staff accounts of each role are made once per database
(through the bus, then `POST /api/v1/auth/token`) and their tokens reused; tests that need an
account of their own make one with `sign_up`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from contact_center.bootstrap import Container, build_api_app, build_container
from contact_center.domain.commands import CreateAgent
from contact_center.domain.enums import Role
from contact_center.services.agents import create_token_for
from tests.conftest import REDIS_TEST_URL, make_settings, unique
from tests.contact_center.conftest import offer_as_router

PASSWORD = "correct horse battery staple"


@dataclass(frozen=True, slots=True)
class User:
    agent_id: int
    username: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(frozen=True, slots=True)
class Staff:
    admin: User
    supervisor: User
    planner: User
    agent: User


_STAFF: dict[str, Staff] = {}


async def sign_up(container: Container, client: TestClient[Any, Any], role: Role = Role.AGENT) -> User:
    """A new account made through the bus, signed in through the API."""
    username = unique(role.value[:3] + "_")
    agent_id = await container.bus.handle(CreateAgent(username=username, role=role, password=PASSWORD))
    resp = await client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert resp.status == 201, await resp.text()
    return User(agent_id, username, (await resp.json())["token"])


async def new_agent(container: Container, role: Role = Role.AGENT) -> User:
    """A new account with a token but no password: no argon2, for tests about something else.

    The token comes from `create_token_for`, the path the CLI uses; sign-in itself is tested with
    `sign_up`.
    """
    username = unique(role.value[:3] + "_")
    agent_id = await container.bus.handle(CreateAgent(username=username, role=role))
    return User(agent_id, username, await create_token_for(container.uow(), agent_id, "test"))


async def make_client(container: Container) -> TestClient[Any, Any]:
    client: TestClient[Any, Any] = TestClient(TestServer(build_api_app(container)))
    await client.start_server()
    return client


@pytest.fixture
async def client(container: Container) -> AsyncIterator[TestClient[Any, Any]]:
    api = await make_client(container)
    try:
        yield api
    finally:
        await api.close()


@pytest.fixture
async def staff(container: Container, client: TestClient[Any, Any], database_url: str) -> Staff:
    if database_url not in _STAFF:
        _STAFF[database_url] = Staff(
            admin=await sign_up(container, client, Role.ADMIN),
            supervisor=await sign_up(container, client, Role.SUPERVISOR),
            planner=await sign_up(container, client, Role.PLANNER),
            agent=await sign_up(container, client, Role.AGENT),
        )
    return _STAFF[database_url]


async def error_of(resp: ClientResponse, status: int, code: str | None = None) -> dict[str, Any]:
    """Check an error answer's status and JSON shape, and that it leaks nothing; return its body."""
    text = await resp.text()
    assert resp.status == status, text
    assert resp.content_type == "application/json", (resp.content_type, text)
    assert "Traceback" not in text and "<html" not in text.lower()
    assert resp.headers.get("X-Request-Id")
    body = json.loads(text)
    assert set(body) == {"error"}
    error = body["error"]
    assert isinstance(error["code"], str) and isinstance(error["message"], str) and error["message"]
    assert set(error) <= {"code", "message", "request_id", "field"}
    assert isinstance(error.get("field", ""), str)
    if code is not None:
        assert error["code"] == code, error
    return dict(error)


async def ok(resp: ClientResponse, status: int = 200) -> Any:
    text = await resp.text()
    assert resp.status == status, text
    return json.loads(text)


def phone_number() -> str:
    """A unique, valid US number in the 415 area (555-01xx is fictional but parses)."""
    n = uuid.uuid4().int
    return f"+1415{200 + n % 800}{(n // 800) % 10_000:04d}"


async def offer_to(container: Container, interaction_id: int, agent_id: int) -> None:
    """Offer as the router does (`tests/contact_center/conftest.py`)."""
    await offer_as_router(container, interaction_id, agent_id)


@pytest.fixture
async def two_web_processes(
    postgres_url: str, redis_names: dict[str, str]
) -> AsyncIterator[tuple[Container, TestClient[Any, Any], TestClient[Any, Any]]]:
    """Two web applications that share only PostgreSQL and Redis, as two processes would."""
    settings = make_settings(postgres_url, REDIS_TEST_URL, **redis_names)
    first, second = build_container(settings), build_container(settings)
    clients = [await make_client(first), await make_client(second)]
    try:
        yield first, clients[0], clients[1]
    finally:
        for client in clients:
            await client.close()
        await first.close()
        await second.close()
