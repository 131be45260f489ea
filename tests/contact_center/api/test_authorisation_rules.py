"""Each rule of "who may do what" (docs/security.md), over the API, on both databases."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from sqlmodel import col, select

from contact_center.bootstrap import Container
from contact_center.domain.audit import AuditEntry
from contact_center.domain.commands import CreateAgent, CreateQueue, ReceiveInbound
from contact_center.domain.enums import Channel, Role
from contact_center.services.agents import create_token_for
from tests.conftest import unique
from tests.contact_center.api.conftest import User, error_of, ok
from tests.contact_center.conftest import offer_and_accept, offer_as_router

Client = TestClient[Any, Any]


async def member(container: Container, role: Role, team: str | None = None) -> User:
    username = unique(role.value[:3] + "_")
    agent_id = await container.bus.handle(CreateAgent(username=username, role=role, team=team))
    return User(agent_id, username, await create_token_for(container.uow(), agent_id, "test"))


async def queue_of(container: Container, team: str | None = None, *, picking: bool = False) -> str:
    name = unique("q")
    await container.bus.handle(
        CreateQueue(name=name, channels=(Channel.CHAT, Channel.EMAIL), team=team, allow_picking=picking)
    )
    return name


async def chat(container: Container, queue: str, sender: str | None = None) -> Any:
    return await container.bus.handle(
        ReceiveInbound(
            channel=Channel.CHAT, sender=sender or unique("visitor"), body="my card is 4111", queue=queue
        )
    )


def moves(iid: int) -> str:
    return f"/api/v1/interactions/{iid}/transitions"


async def test_an_agent_cannot_wrap_up_or_close_another_agents_chat(
    client: Client, container: Container
) -> None:
    team = unique("t")
    queue = await queue_of(container, team)
    owner, other = await member(container, Role.AGENT, team), await member(container, Role.AGENT, team)
    supervisor = await member(container, Role.SUPERVISOR, team)
    received = await chat(container, queue)
    iid = received.interaction_id
    await offer_and_accept(container, iid, owner.agent_id)
    for to in ("wrap_up", "transferred"):
        await error_of(
            await client.post(moves(iid), json={"to": to}, headers=other.headers), 404, "not_found"
        )
    await error_of(await client.get(f"/api/v1/interactions/{iid}", headers=other.headers), 404, "not_found")
    doc = await ok(await client.get(f"/api/v1/interactions/{iid}", headers=owner.headers))
    assert doc["state"] == "active" and doc["agent_id"] == owner.agent_id  # nothing moved
    assert (await ok(await client.post(moves(iid), json={"to": "wrap_up"}, headers=owner.headers)))[
        "state"
    ] == ("wrap_up")
    closed = await ok(await client.post(moves(iid), json={"to": "closed"}, headers=supervisor.headers))
    assert closed["state"] == "closed"


async def test_an_agent_answers_an_offer_only_by_accepting_it(client: Client, container: Container) -> None:
    queue = await queue_of(container)
    agent = await member(container, Role.AGENT)
    iid = (await chat(container, queue)).interaction_id
    await offer_as_router(container, iid, agent.agent_id)
    refused = await error_of(await client.post(moves(iid), json={"to": "active"}, headers=agent.headers), 403)
    assert "accept" in refused["message"]
    await ok(await client.post(f"/api/v1/interactions/{iid}/accept", headers=agent.headers))


async def test_nobody_moves_an_interaction_to_offered(client: Client, container: Container) -> None:
    queue = await queue_of(container)
    agent = await member(container, Role.AGENT)
    iid = (await chat(container, queue)).interaction_id
    for caller in (await member(container, Role.SUPERVISOR), await member(container, Role.ADMIN)):
        resp = await client.post(
            moves(iid), json={"to": "offered", "agent_id": agent.agent_id}, headers=caller.headers
        )
        await error_of(resp, 422, "offer_by_router_only")
    admin = await member(container, Role.ADMIN)
    doc = await ok(await client.get(f"/api/v1/interactions/{iid}", headers=admin.headers))
    assert (doc["state"], doc["agent_id"]) == ("queued", None)
    assert "offered" not in doc["allowed_transitions"]
    routing = await ok(await client.get(f"/api/v1/interactions/{iid}/routing", headers=admin.headers))
    assert routing["offers"] == []


async def test_picking_waiting_work_needs_a_queue_that_allows_it(
    client: Client, container: Container
) -> None:
    closed_queue, open_queue = await queue_of(container), await queue_of(container, picking=True)
    agent = await member(container, Role.AGENT)
    kept = (await chat(container, closed_queue)).interaction_id
    pickable = (await chat(container, open_queue)).interaction_id
    await error_of(await client.post(moves(kept), json={"to": "active"}, headers=agent.headers), 404)
    picked = await ok(await client.post(moves(pickable), json={"to": "active"}, headers=agent.headers))
    assert (picked["state"], picked["agent_id"]) == ("active", agent.agent_id)
    assert [(t["from_state"], t["to_state"]) for t in picked["transitions"]][-1] == ("queued", "active")


async def test_a_pickable_queue_is_picked_for_oneself_only(client: Client, container: Container) -> None:
    queue = await queue_of(container, picking=True)
    agent, colleague = await member(container, Role.AGENT), await member(container, Role.AGENT)
    iid = (await chat(container, queue)).interaction_id
    body = {"to": "active", "agent_id": colleague.agent_id}
    await error_of(await client.post(moves(iid), json=body, headers=agent.headers), 403, "forbidden")
    await error_of(await client.post(moves(iid), json={"to": "closed"}, headers=agent.headers), 403)


async def test_a_supervisor_assigns_queued_work_within_their_team(
    client: Client, container: Container
) -> None:
    team, elsewhere = unique("t"), unique("t")
    queue = await queue_of(container, team)
    supervisor = await member(container, Role.SUPERVISOR, team)
    mine, theirs = await member(container, Role.AGENT, team), await member(container, Role.AGENT, elsewhere)
    iid = (await chat(container, queue)).interaction_id
    refused = await client.post(
        moves(iid), json={"to": "active", "agent_id": theirs.agent_id}, headers=supervisor.headers
    )
    await error_of(refused, 403)
    doc = await ok(
        await client.post(
            moves(iid), json={"to": "active", "agent_id": mine.agent_id}, headers=supervisor.headers
        )
    )
    assert (doc["state"], doc["agent_id"]) == ("active", mine.agent_id)


async def test_a_team_supervisor_sees_neither_the_queue_nor_the_work_of_another_team(
    client: Client, container: Container
) -> None:
    team_a, team_b = unique("t"), unique("t")
    queue_a, queue_b = await queue_of(container, team_a), await queue_of(container, team_b)
    supervisor_a = await member(container, Role.SUPERVISOR, team_a)
    everyone = await member(container, Role.SUPERVISOR)  # no team: sees all
    in_a, in_b = (
        (await chat(container, queue_a)).interaction_id,
        (await chat(container, queue_b)).interaction_id,
    )
    queues = await ok(await client.get("/api/v1/queues", headers=supervisor_a.headers))
    names = {q["name"] for q in queues["items"]}
    assert queue_a in names and queue_b not in names
    b_id = next(
        q["id"]
        for q in (await ok(await client.get("/api/v1/queues", headers=everyone.headers)))["items"]
        if q["name"] == queue_b
    )
    await error_of(await client.get(f"/api/v1/queues/{b_id}", headers=supervisor_a.headers), 404)
    await error_of(await client.get(f"/api/v1/interactions/{in_b}", headers=supervisor_a.headers), 404)
    await ok(await client.get(f"/api/v1/interactions/{in_a}", headers=supervisor_a.headers))
    listed = await ok(
        await client.get("/api/v1/interactions", params={"limit": "200"}, headers=supervisor_a.headers)
    )
    ids = {i["id"] for i in listed["items"]}
    assert in_a in ids and in_b not in ids
    board = await ok(await client.get("/api/v1/dashboard", headers=supervisor_a.headers))
    assert {q["name"] for q in board["queues"]} <= names
    assert queue_b not in {q["name"] for q in board["queues"]}
    assert in_b not in {r["id"] for r in board["recent"]}


async def test_an_agents_list_is_scoped_before_it_is_paged(client: Client, container: Container) -> None:
    queue = await queue_of(container)
    agent, other = await member(container, Role.AGENT), await member(container, Role.AGENT)
    mine = []
    for n in range(5):
        received = await chat(container, queue)
        await offer_and_accept(container, received.interaction_id, (agent if n % 2 == 0 else other).agent_id)
        if n % 2 == 0:
            mine.append(received.interaction_id)
    seen: list[int] = []
    params = {"limit": "2"}
    while True:
        page = await ok(await client.get("/api/v1/interactions", params=params, headers=agent.headers))
        assert page["items"], "a page of a scoped list is never empty while more follow"
        seen += [i["id"] for i in page["items"]]
        if page["next_cursor"] is None:
            break
        params = {"limit": "2", "cursor": page["next_cursor"]}
    assert seen == sorted(mine, reverse=True)
    customers = await ok(
        await client.get("/api/v1/customers", params={"limit": "200"}, headers=agent.headers)
    )
    assert len(customers["items"]) == len(mine)


async def test_identities_are_masked_for_agents_and_shown_to_supervisors(
    client: Client, container: Container
) -> None:
    queue = await queue_of(container)
    agent, supervisor = await member(container, Role.AGENT), await member(container, Role.SUPERVISOR)
    digits = f"{uuid_digits():04d}"
    phone, email = f"+86138{digits}5678", f"alice.{digits}@example.com"
    body = {"name": "王小明", "phones": [phone], "emails": [email]}
    created = await ok(await client.post("/api/v1/customers", json=body, headers=supervisor.headers), 201)
    received = await container.bus.handle(
        ReceiveInbound(channel=Channel.EMAIL, sender=email, body="hello", queue=queue)
    )
    await offer_and_accept(container, received.interaction_id, agent.agent_id)
    url = f"/api/v1/customers/{created['id']}"
    full = {
        i["kind"]: i["address"]
        for i in (await ok(await client.get(url, headers=supervisor.headers)))["identities"]
    }
    assert full == {"phone": phone, "email": email}
    masked = {
        i["kind"]: i["address"]
        for i in (await ok(await client.get(url, headers=agent.headers)))["identities"]
    }
    assert masked == {"phone": "+86 138****5678", "email": "a***@example.com"}
    listed = await ok(await client.get("/api/v1/customers", params={"q": "王小明"}, headers=agent.headers))
    text = str(listed)
    assert phone not in text and email not in text and "a***@example.com" in text


async def test_agents_change_free_text_of_their_own_customers_only(
    client: Client, container: Container
) -> None:
    queue = await queue_of(container)
    agent, supervisor = await member(container, Role.AGENT), await member(container, Role.SUPERVISOR)
    received = await chat(container, queue)
    await offer_and_accept(container, received.interaction_id, agent.agent_id)
    url = f"/api/v1/customers/{received.customer_id}"
    renamed = await ok(
        await client.patch(url, json={"name": "Ms Li", "tags": ["kind"]}, headers=agent.headers)
    )
    assert (renamed["name"], renamed["tags"]) == ("Ms Li", ["kind"])
    for field, value in (
        ("customer_class", "vip"),
        ("value", 1000.0),
        ("consent", {"sms": True}),
        ("owner_agent_id", agent.agent_id),
    ):
        await error_of(await client.patch(url, json={field: value}, headers=agent.headers), 403, "forbidden")
    after = await ok(await client.get(url, headers=supervisor.headers))
    assert (after["customer_class"], after["value"], after["consent"], after["owner_agent_id"]) == (
        "regular",
        0.0,
        {},
        None,
    )
    assert (await ok(await client.patch(url, json={"customer_class": "vip"}, headers=supervisor.headers)))[
        "customer_class"
    ] == "vip"
    stranger = await member(container, Role.AGENT)
    await error_of(await client.patch(url, json={"name": "x"}, headers=stranger.headers), 404)


async def test_planners_get_figures_but_no_conversations_or_customers(
    client: Client, container: Container
) -> None:
    queue = await queue_of(container)
    planner = await member(container, Role.PLANNER)
    received = await chat(container, queue)
    for url in (
        f"/api/v1/interactions/{received.interaction_id}",
        "/api/v1/interactions",
        f"/api/v1/customers/{received.customer_id}",
        "/api/v1/customers",
    ):
        await error_of(await client.get(url, headers=planner.headers), 403, "forbidden")
    board = await ok(await client.get("/api/v1/dashboard", headers=planner.headers))
    assert board["recent"] == [] and board["queues"] and set(board["agents"])
    assert "4111" not in str(board)


async def test_integrations_only_post_contacts(client: Client, container: Container) -> None:
    integration = await member(container, Role.INTEGRATION)
    for url in (
        "/api/v1/customers",
        "/api/v1/interactions",
        "/api/v1/queues",
        "/api/v1/agents",
        "/api/v1/dashboard",
    ):
        await error_of(await client.get(url, headers=integration.headers), 403, "forbidden")
    body = {"channel": "chat", "sender": unique("visitor"), "body": "hi"}
    await ok(await client.post("/api/v1/inbound", json=body, headers=integration.headers), 201)


def uuid_digits() -> int:
    import uuid

    return uuid.uuid4().int % 10_000


async def test_an_admin_lets_agents_pick_from_an_existing_queue_and_it_holds_at_once(
    client: Client, container: Container
) -> None:
    """`PATCH /api/v1/queues/{id}`: admins only, audited, refused values change nothing, and the
    next request already follows the new setting."""
    admin, supervisor = await member(container, Role.ADMIN), await member(container, Role.SUPERVISOR)
    agent = await member(container, Role.AGENT)
    name = await queue_of(container)
    async with container.uow() as uow:
        queue_id = (await uow.queues.by_name(name)).id  # type: ignore[union-attr]
    waiting = (await chat(container, name)).interaction_id
    await error_of(await client.post(moves(waiting), json={"to": "active"}, headers=agent.headers), 404)

    url = f"/api/v1/queues/{queue_id}"
    await error_of(await client.patch(url, json={"allow_picking": True}, headers=supervisor.headers), 403)
    for bad, status in (
        ({"sl_target": 2}, 400),  # the service's rule, as when a queue is created
        ({"priority": None}, 400),
        ({"channels": []}, 422),  # the request's shape
        ({"name": "renamed"}, 422),
    ):
        await error_of(await client.patch(url, json=bad, headers=admin.headers), status)
    unchanged = await ok(await client.get(url, headers=admin.headers))
    assert (unchanged["allow_picking"], unchanged["sl_target"], unchanged["name"]) == (False, 0.8, name)

    team = unique("t")
    changed = await ok(
        await client.patch(url, json={"allow_picking": True, "team": f" {team} "}, headers=admin.headers)
    )
    assert (changed["allow_picking"], changed["team"], changed["sl_target"]) == (True, team, 0.8)
    await ok(await client.patch(url, json={"team": None}, headers=admin.headers))
    picked = await ok(await client.post(moves(waiting), json={"to": "active"}, headers=agent.headers))
    assert (picked["state"], picked["agent_id"]) == ("active", agent.agent_id)
    async with container.uow() as uow:
        stmt = (
            select(AuditEntry)
            .where(
                AuditEntry.entity == "queue", AuditEntry.entity_id == queue_id, AuditEntry.action == "update"
            )
            .order_by(col(AuditEntry.id))
        )
        entries = list((await uow.session.exec(stmt)).all())
    assert [sorted(e.changes) for e in entries] == [["allow_picking", "team"], ["team"]]
    assert entries[0].changes["allow_picking"] == {"from": False, "to": True}
