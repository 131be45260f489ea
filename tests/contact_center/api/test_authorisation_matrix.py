"""The authorisation matrix: every route, page and websocket of the application against every kind
of caller, on both databases, with the outcome each should get declared here, route by route.

The routes come from the application's own route table (and the OpenAPI document, which must be
a part of it); a route the application serves that this table or the rules (`route_rules.RULES`)
lack fails the test, so nothing ships without a declared rule. The world: a queue of team "A"
with an interaction offered to and accepted by the agent of team A, its customer, a schedule, an
override and a job of that queue; callers: nobody, that agent, an agent of team B, a supervisor
of team A and one of team B, a planner, an admin, and an integration.

Outcomes: `ok` (past every check: the handler answered, with a 2xx or an error about the request
itself), `401`, `403`, `404` (out of view: as absent as a missing row), `login` (a page sending a
signed-out caller to sign in). Writes send bodies that are invalid past the checks where they
would otherwise change the world for the callers after them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from contact_center.api.openapi import OPERATIONS
from contact_center.api.route_rules import RULES, rule_for
from contact_center.bootstrap import Container, build_web_app
from contact_center.domain.commands import CreateAgent, CreateCustomer, CreateQueue, ReceiveInbound
from contact_center.domain.desk_commands import CreateCannedResponse, CreateFollowUp
from contact_center.domain.enums import Channel, Role
from contact_center.domain.planning import Schedule
from contact_center.domain.planning_commands import AddOverride
from contact_center.domain.principal import Principal
from contact_center.domain.webchat_sites import CreateWebchatSite
from contact_center.services.agents import create_token_for
from tests.conftest import unique
from tests.contact_center.conftest import offer_and_accept

Client = TestClient[Any, Any]

CALLERS = ("anonymous", "agent", "agent_b", "supervisor", "supervisor_b", "planner", "admin", "integration")


def expect(outcomes: str) -> dict[str, str]:
    """One outcome per caller, in the order of CALLERS."""
    words = outcomes.split()
    assert len(words) == len(CALLERS), outcomes
    return dict(zip(CALLERS, words, strict=True))


EVERYONE_OK = expect("ok ok ok ok ok ok ok ok")
SIGNED_IN = expect("401 ok ok ok ok ok ok ok")
ADMIN_ONLY = expect("401 403 403 403 403 403 ok 403")
STAFF_ALL = expect("401 ok ok ok ok ok ok 403")
#: The interaction of agent A in team A's queue.
OWN_INTERACTION = expect("401 ok 404 ok 404 403 ok 403")
#: Team A's customer: supervisors see every customer, agents their own.
OWN_CUSTOMER = expect("401 ok 404 ok ok 403 ok 403")
CUSTOMER_DESKS = expect("401 ok ok ok ok 403 ok 403")
TEAM_A_QUEUE = expect("401 ok 404 ok 404 ok ok 403")
PLANNING_READ = expect("401 403 403 ok 404 ok ok 403")
PLANNING_WRITE = expect("401 403 403 403 403 ok ok 403")
MANAGERS = expect("401 403 403 ok ok 403 ok 403")
#: The web chat's visitor doors: a visitor token opens them, a staff sign-in does not.
VISITOR_TOKEN = expect("401 401 401 401 401 401 401 401")
#: Stepping into agent A's live chat: team A's supervisor and admins; B's supervisor does not see it.
STEPPING_IN = expect("401 403 403 ok 404 403 ok 403")
#: A personal canned response of the agent of team A: theirs alone (and the admin's, who sees all).
OWN_CANNED = expect("401 ok 404 404 404 403 ok 403")

EXPECTED: dict[tuple[str, str], dict[str, str]] = {
    ("GET", "/healthz"): EVERYONE_OK,
    ("GET", "/readyz"): EVERYONE_OK,
    ("GET", "/api/v1/openapi.json"): EVERYONE_OK,
    ("POST", "/api/v1/auth/token"): EVERYONE_OK,
    ("GET", "/login"): EVERYONE_OK,
    ("POST", "/login"): expect("401 401 401 401 401 401 401 401"),  # wrong password, for all alike
    ("POST", "/logout"): expect("login login login login login login login login"),
    ("GET", "/static"): EVERYONE_OK,
    ("DELETE", "/api/v1/auth/token"): SIGNED_IN,
    ("GET", "/api/v1/me"): SIGNED_IN,
    ("PATCH", "/api/v1/me"): SIGNED_IN,  # sent `{}`: a 422 past the door, nothing changed
    ("POST", "/api/v1/agents"): ADMIN_ONLY,
    ("PATCH", "/api/v1/agents/{id}"): ADMIN_ONLY,
    ("POST", "/api/v1/agents/{id}/revoke-tokens"): ADMIN_ONLY,
    ("POST", "/api/v1/agents/{id}/reset-password"): ADMIN_ONLY,
    ("GET", "/api/v1/audit"): ADMIN_ONLY,
    ("GET", "/api/v1/wrap-up-codes"): STAFF_ALL,
    ("POST", "/api/v1/wrap-up-codes"): ADMIN_ONLY,
    ("GET", "/api/v1/webchat-sites"): ADMIN_ONLY,
    ("POST", "/api/v1/webchat-sites"): ADMIN_ONLY,
    ("PATCH", "/api/v1/webchat-sites/{id}"): ADMIN_ONLY,
    ("POST", "/api/v1/queues"): ADMIN_ONLY,
    ("PATCH", "/api/v1/queues/{id}"): ADMIN_ONLY,
    ("GET", "/api/v1/agents"): STAFF_ALL,
    ("GET", "/api/v1/agents/{id}"): expect("401 ok 404 ok 404 ok ok 403"),
    ("PUT", "/api/v1/agents/{id}/presence"): expect("401 ok 404 ok 404 403 ok 403"),
    ("GET", "/api/v1/queues"): STAFF_ALL,
    ("GET", "/api/v1/queues/{id}"): TEAM_A_QUEUE,
    ("GET", "/api/v1/dashboard"): expect("401 403 403 ok ok ok ok 403"),
    ("POST", "/api/v1/inbound"): expect("401 403 403 403 403 403 ok ok"),
    ("GET", "/api/v1/customers"): CUSTOMER_DESKS,
    ("POST", "/api/v1/customers"): CUSTOMER_DESKS,
    ("GET", "/api/v1/customers/{id}"): OWN_CUSTOMER,
    ("PATCH", "/api/v1/customers/{id}"): OWN_CUSTOMER,
    ("POST", "/api/v1/customers/{id}/merge"): MANAGERS,
    ("GET", "/api/v1/customers/{id}/interactions"): OWN_CUSTOMER,
    ("GET", "/api/v1/customers/{id}/notes"): OWN_CUSTOMER,
    ("POST", "/api/v1/customers/{id}/notes"): OWN_CUSTOMER,
    ("GET", "/api/v1/customers/{id}/follow-ups"): OWN_CUSTOMER,
    ("POST", "/api/v1/customers/{id}/follow-ups"): OWN_CUSTOMER,
    # The agent of team A's follow-up: supervisor B sees the customer but not the owner's team.
    ("PATCH", "/api/v1/follow-ups/{id}"): expect("401 ok 404 ok 403 403 ok 403"),
    ("GET", "/api/v1/canned-responses"): CUSTOMER_DESKS,
    ("POST", "/api/v1/canned-responses"): CUSTOMER_DESKS,
    ("PATCH", "/api/v1/canned-responses/{id}"): OWN_CANNED,
    ("DELETE", "/api/v1/canned-responses/{id}"): OWN_CANNED,  # each call on a fresh one (path_for)
    ("POST", "/api/v1/canned-responses/{id}/render"): OWN_CANNED,
    ("POST", "/api/v1/interactions/{id}/transfer"): OWN_INTERACTION,
    ("GET", "/api/v1/interactions/{id}/transfer-targets"): OWN_INTERACTION,
    ("GET", "/api/v1/queues/{id}/wrap-up-codes"): TEAM_A_QUEUE,
    ("PUT", "/api/v1/queues/{id}/wrap-up-codes"): ADMIN_ONLY,
    ("GET", "/api/v1/customers/{id}/export"): ADMIN_ONLY,
    ("POST", "/api/v1/customers/{id}/erase"): ADMIN_ONLY,  # on a customer of its own (path_for)
    ("GET", "/api/v1/customers/{id}/audit"): MANAGERS,
    ("GET", "/api/v1/customers/{id}/access-log"): MANAGERS,
    ("GET", "/api/v1/interactions"): CUSTOMER_DESKS,
    ("POST", "/api/v1/interactions"): OWN_CUSTOMER,
    ("GET", "/api/v1/interactions/search"): MANAGERS,
    ("GET", "/api/v1/interactions/search.csv"): MANAGERS,
    ("GET", "/api/v1/interactions/{id}"): OWN_INTERACTION,
    ("POST", "/api/v1/interactions/{id}/transitions"): OWN_INTERACTION,
    ("POST", "/api/v1/interactions/{id}/accept"): OWN_INTERACTION,
    ("POST", "/api/v1/interactions/{id}/reject"): OWN_INTERACTION,
    ("GET", "/api/v1/interactions/{id}/routing"): OWN_INTERACTION,
    ("GET", "/api/v1/interactions/{id}/messages"): OWN_INTERACTION,
    ("POST", "/api/v1/interactions/{id}/messages"): OWN_INTERACTION,
    ("POST", "/api/v1/interactions/{id}/signals"): OWN_INTERACTION,
    ("GET", "/api/v1/planning/queues/{id}/history"): PLANNING_READ,
    ("GET", "/api/v1/planning/queues/{id}/forecast"): PLANNING_READ,
    ("GET", "/api/v1/planning/queues/{id}/requirements"): PLANNING_READ,
    ("GET", "/api/v1/planning/queues/{id}/overrides"): PLANNING_READ,
    ("POST", "/api/v1/planning/queues/{id}/overrides"): PLANNING_WRITE,
    ("DELETE", "/api/v1/planning/overrides/{id}"): PLANNING_WRITE,
    ("GET", "/api/v1/planning/queues/{id}/schedules"): PLANNING_READ,
    ("POST", "/api/v1/planning/queues/{id}/schedules"): PLANNING_WRITE,
    ("GET", "/api/v1/planning/schedules/{id}"): PLANNING_READ,
    ("POST", "/api/v1/planning/schedules/{id}/publish"): PLANNING_WRITE,
    ("GET", "/api/v1/planning/schedules/{id}/export.csv"): PLANNING_READ,
    ("GET", "/api/v1/planning/schedules/{id}/export.ics"): PLANNING_READ,
    ("GET", "/api/v1/planning/schedules/{id}/adherence"): PLANNING_READ,
    ("GET", "/api/v1/planning/my-schedule"): STAFF_ALL,
    ("GET", "/api/v1/planning/agents/{id}/contract"): PLANNING_READ,
    ("PUT", "/api/v1/planning/agents/{id}/contract"): PLANNING_WRITE,
    ("GET", "/api/v1/jobs/{id}"): expect("401 404 404 404 404 404 ok 403"),  # the admin's job
    # The supervisor console (docs/supervisor-agents.md): team A's supervisor steps into agent A's chat.
    ("GET", "/api/v1/console/agents"): MANAGERS,
    ("GET", "/api/v1/interactions/{id}/whispers"): OWN_INTERACTION,
    ("POST", "/api/v1/interactions/{id}/whispers"): STEPPING_IN,
    ("POST", "/api/v1/interactions/{id}/take-over"): STEPPING_IN,
    ("GET", "/console/agents"): expect("login 403 403 ok ok 403 ok 403"),
    ("GET", "/console/interactions/{id}/monitor"): expect("login 403 403 ok 404 403 ok 403"),
    ("GET", "/"): expect("login ok ok ok ok ok ok 403"),
    ("GET", "/desk"): expect("login ok ok ok ok 403 ok 403"),
    ("GET", "/planner"): expect("login 403 403 403 403 ok ok 403"),
    ("GET", "/my-schedule"): expect("login ok ok ok ok ok ok 403"),
    ("GET", "/my-settings"): expect("login ok ok ok ok ok ok 403"),
    ("GET", "/admin"): expect("login 403 403 403 403 403 ok 403"),
    # The console: agents and planners get its 403 page; team B's supervisor a 404 page for team
    # A's queue and interaction, but every customer (customers are not scoped by team).
    ("GET", "/console/queues/{id}"): expect("login 403 403 ok 404 403 ok 403"),
    ("GET", "/console/interactions/{id}"): expect("login 403 403 ok 404 403 ok 403"),
    ("GET", "/console/customers/{id}"): expect("login 403 403 ok ok 403 ok 403"),
    ("GET", "/console/search"): expect("login 403 403 ok ok 403 ok 403"),
    ("GET", "/ws/dashboard"): expect("401 403 403 ok ok ok ok 403"),
    ("GET", "/ws/events"): expect("401 ok ok ok ok 403 ok 403"),
    # A plain GET without the upgrade is refused by the socket itself (400) for everyone alike;
    # the visitor protocol's own checks are tests/channels/webchat.
    ("GET", "/chat/ws"): EVERYONE_OK,
    ("POST", "/chat/upload"): VISITOR_TOKEN,
    ("OPTIONS", "/chat/upload"): EVERYONE_OK,
    ("GET", "/chat/files/{id}"): expect("401 404 404 404 404 404 404 404"),  # staff: a file in view
    ("OPTIONS", "/chat/files/{id}"): EVERYONE_OK,
    ("GET", "/chat/widget.js"): EVERYONE_OK,
    ("GET", "/chat/widget.css"): EVERYONE_OK,
    ("GET", "/demo/shop"): EVERYONE_OK,
    ("GET", "/demo/shop.css"): EVERYONE_OK,
}

#: Bodies sent to writes: invalid past the checks, or harmless, so one caller's call leaves the
#: world as the next one finds it.
BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/auth/token"): {},
    ("POST", "/api/v1/agents"): {},
    ("PATCH", "/api/v1/agents/{id}"): {},
    ("PATCH", "/api/v1/me"): {},
    ("POST", "/api/v1/agents/{id}/reset-password"): {"password": "short"},
    ("POST", "/api/v1/wrap-up-codes"): {},
    ("POST", "/api/v1/webchat-sites"): {},
    ("PATCH", "/api/v1/webchat-sites/{id}"): {"colour": "red"},
    ("POST", "/api/v1/queues"): {},
    ("PATCH", "/api/v1/queues/{id}"): {"priority": None},  # refused past the door: nothing changes
    ("PUT", "/api/v1/agents/{id}/presence"): {"presence": "asleep"},
    ("POST", "/api/v1/inbound"): {},
    ("POST", "/api/v1/customers"): {},
    ("PATCH", "/api/v1/customers/{id}"): {},
    ("POST", "/api/v1/customers/{id}/merge"): {},
    ("POST", "/api/v1/interactions/{id}/transitions"): {"to": "sideways"},
    ("POST", "/api/v1/interactions/{id}/messages"): {},
    ("POST", "/api/v1/interactions/{id}/signals"): {"kind": "shout"},
    ("POST", "/api/v1/interactions/{id}/transfer"): {},
    ("POST", "/api/v1/customers/{id}/notes"): {},
    ("POST", "/api/v1/customers/{id}/follow-ups"): {},
    ("PATCH", "/api/v1/follow-ups/{id}"): {"done": "yes"},
    ("POST", "/api/v1/canned-responses"): {},
    ("PATCH", "/api/v1/canned-responses/{id}"): {"title": ""},
    ("POST", "/api/v1/canned-responses/{id}/render"): {},
    ("PUT", "/api/v1/queues/{id}/wrap-up-codes"): {"codes": "resolved"},
    ("POST", "/api/v1/planning/queues/{id}/overrides"): {},
    ("POST", "/api/v1/planning/queues/{id}/schedules"): {"days": 0},
    ("PUT", "/api/v1/planning/agents/{id}/contract"): {"min_weekly_minutes": -1},
    ("POST", "/api/v1/interactions/{id}/whispers"): {},
    ("POST", "/api/v1/interactions/{id}/take-over"): {"reason": 5},
}


@dataclass
class World:
    container: Container
    headers: dict[str, dict[str, str]]
    ids: dict[str, int]
    queue_id: int

    async def canned_response(self) -> int:
        """A new personal canned response of the agent of team A."""
        agent = Principal(self.ids["agent"], "matrix-agent", Role.AGENT, None)
        canned = await self.container.bus.handle(
            CreateCannedResponse(principal=agent, title=unique("t"), body="Hello {customer_name}")
        )
        return int(canned.id or 0)

    async def override(self) -> int:
        now = datetime.now(UTC)
        row = await self.container.bus.handle(
            AddOverride(
                queue_id=self.queue_id, starts_at=now, ends_at=now + timedelta(hours=1), multiplier=2.0
            )
        )
        return int(row.id or 0)


async def _caller(container: Container, role: Role, team: str | None) -> tuple[int, dict[str, str]]:
    agent_id = await container.bus.handle(
        CreateAgent(username=unique(role.value[:3] + "_"), role=role, team=team)
    )
    token = await create_token_for(container.uow(), agent_id, "matrix")
    return agent_id, {"Authorization": f"Bearer {token}"}


async def build_world(container: Container) -> World:
    team_a, team_b = unique("teamA"), unique("teamB")
    queue = unique("q")
    queue_id = await container.bus.handle(CreateQueue(name=queue, channels=(Channel.CHAT,), team=team_a))
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    ids: dict[str, int] = {}
    for name, role, team in (
        ("agent", Role.AGENT, team_a),
        ("agent_b", Role.AGENT, team_b),
        ("supervisor", Role.SUPERVISOR, team_a),
        ("supervisor_b", Role.SUPERVISOR, team_b),
        ("planner", Role.PLANNER, None),
        ("admin", Role.ADMIN, None),
        ("integration", Role.INTEGRATION, None),
    ):
        ids[name], headers[name] = await _caller(container, role, team)
    received = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=unique("visitor"), body="hello", queue=queue)
    )
    await offer_and_accept(container, received.interaction_id, ids["agent"])
    ids["interaction"], ids["customer"] = received.interaction_id, received.customer_id
    ids["throwaway"] = await container.bus.handle(CreateAgent(username=unique("gone_")))
    site = await container.bus.handle(CreateWebchatSite(key=unique("matrix-site").lower()))
    ids["site"] = site.id or 0
    ids["erasable"] = await container.bus.handle(CreateCustomer(name=unique("erasable")))
    owner = Principal(ids["agent"], "matrix-agent", Role.AGENT, team_a)
    task = await container.bus.handle(
        CreateFollowUp(
            principal=owner, customer_id=ids["customer"], title="call back", due_at=datetime.now(UTC)
        )
    )
    ids["follow_up"] = task.id or 0
    async with container.uow() as uow:
        schedule = Schedule(
            queue_id=queue_id,
            starts_at=datetime(2026, 3, 16, tzinfo=UTC),
            timezone="UTC",
            interval_minutes=30,
            num_intervals=48,
            required=[0] * 48,
            created_at=uow.now(),
        )
        uow.session.add(schedule)
        await uow.commit()
        ids["schedule"] = schedule.id or 0
    admin_actor = f"agent:{(await _username(container, ids['admin']))}"
    ids["job"] = await container.jobs.enqueue("reports.queue_summary", actor=admin_actor)
    return World(container, headers, ids, queue_id)


async def _username(container: Container, agent_id: int) -> str:
    async with container.uow() as uow:
        return (await uow.agents.get(agent_id)).username


async def path_for(world: World, route: str) -> str:
    """The concrete URL the matrix calls for a route, on the world's resources."""
    ids = world.ids
    if route == "/static":
        return "/static/style.css"
    if route.startswith("/chat/") and route != "/chat/ws":
        return route.replace("{id}", "nosuchupload0123456789") + "?site=demo"
    if "{id}" not in route:
        return route
    if route.startswith(("/api/v1/interactions/", "/console/interactions/")):
        value = ids["interaction"]
    elif route == "/console/customers/{id}":
        value = ids["customer"]
    elif route == "/console/queues/{id}":
        value = world.queue_id
    elif route == "/api/v1/customers/{id}/erase":
        value = ids["erasable"]  # erased by the admin's call: not the customer the others read
    elif route.startswith("/api/v1/customers/"):
        value = ids["customer"]
    elif route in ("/api/v1/agents/{id}/revoke-tokens", "/api/v1/agents/{id}/reset-password"):
        value = ids["throwaway"]
    elif route.startswith(("/api/v1/agents/", "/api/v1/planning/agents/")):
        value = ids["agent"]
    elif route.startswith(("/api/v1/queues/", "/api/v1/planning/queues/")):
        value = world.queue_id
    elif route.startswith("/api/v1/planning/schedules/"):
        value = ids["schedule"]
    elif route == "/api/v1/planning/overrides/{id}":
        value = await world.override()  # each call deletes one of its own
    elif route.startswith("/api/v1/canned-responses/"):
        value = await world.canned_response()  # deleting one leaves the next caller another
    elif route == "/api/v1/follow-ups/{id}":
        value = ids["follow_up"]
    elif route == "/api/v1/jobs/{id}":
        value = ids["job"]
    elif route == "/api/v1/webchat-sites/{id}":
        value = ids["site"]
    else:
        raise AssertionError(f"the matrix has no resource for {route}")
    return route.replace("{id}", str(value))


def outcome_of(status: int, location: str | None) -> str:
    assert status < 500, status
    if status in (401, 403, 404):
        return str(status)
    if status in (302, 303) and location == "/login":
        return "login"
    return "ok"


async def call(client: Client, world: World, method: str, route: str, caller: str) -> str:
    url = await path_for(world, route)
    headers = world.headers[caller]
    if route.startswith("/ws/"):
        try:
            ws = await client.ws_connect(url, headers=headers)
        except aiohttp.WSServerHandshakeError as refused:
            return outcome_of(refused.status, None)
        await ws.receive_str(timeout=10)  # let in: the first frame arrives
        await ws.close()
        return "ok"
    if route == "/login" and method == "POST":
        resp = await client.post(url, data={"username": unique("nobody"), "password": "wrong-password"})
    else:
        body = BODIES.get((method, route))
        if (method, route) == ("POST", "/api/v1/interactions"):  # opened for the world's customer
            body = {"customer_id": world.ids["customer"], "channel": "chat"}
        resp = await client.request(method, url, json=body, headers=headers, allow_redirects=False)
    await resp.read()
    return outcome_of(resp.status, resp.headers.get("Location"))


def app_routes(app: Any) -> set[tuple[str, str]]:
    """(method, route) for every route the application serves; HEAD is GET's (aiohttp adds it)."""
    found = set()
    for route in app.router.routes():
        if route.method in ("HEAD", "*") or route.resource is None:
            continue
        found.add((route.method, route.resource.canonical))
    return found


@pytest.fixture
async def matrix_client(container: Container) -> AsyncIterator[tuple[Client, Any]]:
    app = build_web_app(container)
    client: Client = TestClient(TestServer(app))
    await client.start_server()
    try:
        yield client, app
    finally:
        await client.close()


def test_every_route_has_a_rule_and_a_declared_outcome(container: Container) -> None:
    served = app_routes(build_web_app(container))
    documented = {(op.method.upper(), op.path) for op in OPERATIONS}
    assert documented <= served, "every documented operation is served"
    assert served - set(RULES) == set(), "routes the application serves without a rule"
    assert set(RULES) - served == set(), "rules for routes nobody serves"
    assert served - set(EXPECTED) == set(), "routes without a declared outcome in this matrix"
    assert set(EXPECTED) - served == set()


async def test_every_caller_gets_the_declared_outcome_on_every_route(
    matrix_client: tuple[Client, Any], container: Container
) -> None:
    client, app = matrix_client
    world = await build_world(container)
    routes = sorted(
        app_routes(app), key=lambda r: (r == ("DELETE", "/api/v1/auth/token"), r)
    )  # sign-out last
    wrong: list[str] = []
    for method, route in routes:
        for caller in CALLERS:
            got = await call(client, world, method, route, caller)
            want = EXPECTED[(method, route)][caller]
            if got != want:
                wrong.append(f"{method} {route} as {caller}: got {got}, expected {want}")
    assert wrong == [], "\n".join(wrong)
    assert len(routes) * len(CALLERS) == len(EXPECTED) * len(CALLERS)


async def test_a_route_without_a_rule_is_refused_to_everyone(container: Container) -> None:
    async def handler(_request: aiohttp.web.Request) -> aiohttp.web.Response:
        return aiohttp.web.json_response({"leaked": True})

    app = build_web_app(container)
    app.router.add_get("/api/v1/unruled", handler)
    assert rule_for("GET", "/api/v1/unruled") is None
    _admin_id, admin = await _caller(container, Role.ADMIN, None)
    async with TestClient(TestServer(app)) as client:
        for headers in ({}, admin):
            resp = await client.get("/api/v1/unruled", headers=headers)
            assert resp.status == 403 and "leaked" not in await resp.text()
    assert ("GET", "/api/v1/unruled") in app_routes(app) - set(RULES)  # and the matrix test would fail
