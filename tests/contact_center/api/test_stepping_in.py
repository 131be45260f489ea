"""A supervisor stepping in over the API: changing an agent's state, reassigning, taking over,
whispering, and the agents view; each refused to the other team's supervisor and to agents.

The world: team A's chat queue, agent A handling a chat in it, agent A2 beside them, A's supervisor;
team B's supervisor and agent; an admin. Both databases.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import func
from sqlmodel import col, select

from contact_center.bootstrap import Container
from contact_center.domain.audit import AuditEntry
from contact_center.domain.commands import CreateAgent, CreateQueue, ReceiveInbound
from contact_center.domain.enums import Channel, Role
from contact_center.domain.events import Event, PresenceChanged, Whispered, event_from_dict
from contact_center.services.agents import create_token_for
from contact_center.storage.outbox import OutboxEvent
from tests.conftest import unique
from tests.contact_center.api.conftest import error_of, ok
from tests.contact_center.conftest import offer_and_accept

Client = TestClient[Any, Any]


@dataclass
class Team:
    container: Container
    queue: str
    ids: dict[str, int]
    headers: dict[str, dict[str, str]]
    interaction: int


async def _person(container: Container, role: Role, team: str | None) -> tuple[int, dict[str, str]]:
    agent_id = int(
        await container.bus.handle(CreateAgent(username=unique(role.value[:3]), role=role, team=team))
    )
    token = await create_token_for(container.uow(), agent_id, "test")
    return agent_id, {"Authorization": f"Bearer {token}"}


async def team_world(container: Container) -> Team:
    a, b = unique("teamA"), unique("teamB")
    queue = unique("step_q")
    await container.bus.handle(CreateQueue(name=queue, channels=(Channel.CHAT,), team=a))
    ids: dict[str, int] = {}
    headers: dict[str, dict[str, str]] = {}
    for name, role, team in (
        ("agent", Role.AGENT, a),
        ("agent2", Role.AGENT, a),
        ("supervisor", Role.SUPERVISOR, a),
        ("supervisor_b", Role.SUPERVISOR, b),
        ("agent_b", Role.AGENT, b),
        ("admin", Role.ADMIN, None),
    ):
        ids[name], headers[name] = await _person(container, role, team)
    received = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=unique("visitor"), body="hello", queue=queue)
    )
    await offer_and_accept(container, received.interaction_id, ids["agent"])
    return Team(container, queue, ids, headers, received.interaction_id)


async def audit_of(container: Container, entity: str, entity_id: int, action: str) -> list[AuditEntry]:
    async with container.uow() as uow:
        stmt = select(AuditEntry).where(
            AuditEntry.entity == entity, AuditEntry.entity_id == entity_id, AuditEntry.action == action
        )
        return list((await uow.session.exec(stmt.order_by(col(AuditEntry.id)))).all())


async def outbox_since(container: Container, first_id: int) -> list[Event]:
    """The events committed since outbox row `first_id`, as every subscriber will receive them."""
    async with container.uow() as uow:
        stmt = select(OutboxEvent).where(col(OutboxEvent.id) >= first_id).order_by(col(OutboxEvent.id))
        return [
            event_from_dict(r.event_type, json.loads(r.payload)) for r in (await uow.session.exec(stmt)).all()
        ]


async def next_outbox_id(container: Container) -> int:
    async with container.uow() as uow:
        last = (await uow.session.exec(select(func.max(OutboxEvent.id)))).one()
        return int(last or 0) + 1


async def test_a_supervisor_sets_their_agents_state_with_a_reason(
    client: Client, container: Container
) -> None:
    world = await team_world(container)
    first = await next_outbox_id(container)
    agent, h = world.ids["agent"], world.headers
    url = f"/api/v1/agents/{agent}/presence"
    doc = await ok(
        await client.put(url, json={"presence": "away", "reason": "coaching"}, headers=h["supervisor"])
    )
    assert doc["presence"] == "away" and doc["presence_reason"] == "coaching"
    (entry,) = await audit_of(container, "agent", agent, "presence")
    assert entry.actor.startswith("agent:sup") and entry.changes["reason"] == "coaching"
    assert entry.changes["to"] == "away"
    # Refusals: no reason, a state the work sets, the other team's supervisor, another agent.
    await error_of(
        await client.put(url, json={"presence": "available"}, headers=h["supervisor"]), 422, "reason_required"
    )
    await error_of(
        await client.put(url, json={"presence": "busy", "reason": "x"}, headers=h["supervisor"]),
        422,
        "presence_not_settable",
    )
    await error_of(
        await client.put(url, json={"presence": "offline", "reason": "x"}, headers=h["supervisor_b"]), 404
    )
    await error_of(
        await client.put(url, json={"presence": "offline", "reason": "x"}, headers=h["agent2"]), 404
    )
    # The agent themself needs no reason; an admin sets anyone's, with one.
    await ok(await client.put(url, json={"presence": "available"}, headers=h["agent"]))
    await ok(await client.put(url, json={"presence": "offline", "reason": "shift over"}, headers=h["admin"]))
    assert [
        (e.changes["to"], e.changes["reason"]) for e in await audit_of(container, "agent", agent, "presence")
    ] == [
        ("away", "coaching"),
        ("available", ""),
        ("offline", "shift over"),
    ]
    # The router and the agent's desk hear it as they hear any presence change.
    changes = [e for e in await outbox_since(container, first) if isinstance(e, PresenceChanged)]
    assert [(e.agent_id, e.presence, e.reason) for e in changes] == [
        (agent, "away", "coaching"),
        (agent, "available", ""),
        (agent, "offline", "shift over"),
    ]


async def test_a_supervisor_reassigns_their_teams_chat_to_another_agent(
    client: Client, container: Container
) -> None:
    world = await team_world(container)
    iid, h = world.interaction, world.headers
    url = f"/api/v1/interactions/{iid}/transfer"
    await error_of(
        await client.post(url, json={"to_agent_id": world.ids["agent2"]}, headers=h["supervisor_b"]), 404
    )
    await error_of(
        await client.post(url, json={"to_agent_id": world.ids["agent2"]}, headers=h["agent2"]), 404
    )
    await error_of(
        await client.post(url, json={"to_agent_id": world.ids["agent_b"]}, headers=h["supervisor"]), 403
    )
    doc = await ok(await client.post(url, json={"to_agent_id": world.ids["agent2"]}, headers=h["supervisor"]))
    moved = doc["interaction"]
    assert moved["state"] == "queued" and moved["transfer_agent_id"] == world.ids["agent2"]
    assert moved["agent_id"] is None
    (entry,) = await audit_of(container, "interaction", iid, "transfer")
    assert entry.changes["to_agent_id"] == world.ids["agent2"]


async def test_a_supervisor_takes_over_a_chat_onto_their_own_desk(
    client: Client, container: Container
) -> None:
    world = await team_world(container)
    iid, h = world.interaction, world.headers
    url = f"/api/v1/interactions/{iid}/take-over"
    await error_of(await client.post(url, json={}, headers=h["supervisor_b"]), 404)
    await error_of(await client.post(url, json={}, headers=h["agent"]), 403)
    await error_of(await client.post(url, json={}, headers=h["agent2"]), 403)
    doc = await ok(await client.post(url, json={"reason": "upset customer"}, headers=h["supervisor"]))
    taken = doc["interaction"]
    assert taken["state"] == "active" and taken["agent_id"] == world.ids["supervisor"]
    moves = [(t["from_state"], t["to_state"], t["agent_id"]) for t in taken["transitions"]][-3:]
    assert moves == [
        ("active", "transferred", world.ids["agent"]),
        ("transferred", "queued", None),
        ("queued", "active", world.ids["supervisor"]),
    ]
    (entry,) = await audit_of(container, "interaction", iid, "take_over")
    assert entry.changes == {
        "from_agent_id": world.ids["agent"],
        "to_agent_id": world.ids["supervisor"],
        "reason": "upset customer",
    }
    await error_of(await client.post(url, json={}, headers=h["supervisor"]), 403)  # theirs already
    # The supervisor now answers the customer as the agent handling it.
    mine = await ok(await client.get(f"/api/v1/interactions/{iid}", headers=h["supervisor"]))
    assert mine["agent_id"] == world.ids["supervisor"]


async def test_a_whisper_reaches_the_agent_and_the_teams_supervisors_only(
    client: Client, container: Container
) -> None:
    world = await team_world(container)
    first = await next_outbox_id(container)
    iid, h = world.interaction, world.headers
    url = f"/api/v1/interactions/{iid}/whispers"
    await error_of(await client.post(url, json={"body": "psst"}, headers=h["supervisor_b"]), 404)
    await error_of(await client.post(url, json={"body": "psst"}, headers=h["agent"]), 403)
    await error_of(await client.post(url, json={"body": ""}, headers=h["supervisor"]), 422)
    await error_of(await client.post(url, json={"body": "   "}, headers=h["supervisor"]), 400)
    sent = await ok(await client.post(url, json={"body": "Offer the refund"}, headers=h["supervisor"]), 201)
    whisper = sent["whisper"]
    assert whisper["body"] == "Offer the refund" and whisper["to_agent_id"] == world.ids["agent"]
    for reader in ("agent", "supervisor", "admin"):
        found = await ok(await client.get(url, headers=h[reader]))
        assert [w["body"] for w in found["whispers"]] == ["Offer the refund"], reader
        assert found["whispers"][0]["author_agent_id"] == world.ids["supervisor"]
    for outsider in ("agent2", "supervisor_b", "agent_b"):
        await error_of(await client.get(url, headers=h[outsider]), 404)
    later = await ok(await client.get(url + f"?after={whisper['id']}", headers=h["agent"]))
    assert later["whispers"] == []
    (entry,) = await audit_of(container, "interaction", iid, "whisper")
    assert entry.changes == {"whisper_id": whisper["id"], "to_agent_id": world.ids["agent"], "chars": 16}
    # Its event names the interaction and the agent, never the body, and is no message.
    events = await outbox_since(container, first)
    (event,) = [e for e in events if isinstance(e, Whispered)]
    assert (event.interaction_id, event.agent_id) == (iid, world.ids["agent"])
    assert "Offer the refund" not in event.to_json()
    assert not [e for e in events if e.type == "message.added"]
    # Nobody handles a queued chat: nothing to whisper to.
    queued = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=unique("visitor"), body="hi", queue=world.queue)
    )
    await error_of(
        await client.post(
            f"/api/v1/interactions/{queued.interaction_id}/whispers",
            json={"body": "x"},
            headers=h["supervisor"],
        ),
        403,
    )


async def test_the_agents_view_lists_ones_team(client: Client, container: Container) -> None:
    world = await team_world(container)
    h, ids = world.headers, world.ids
    mine = await ok(await client.get("/api/v1/console/agents", headers=h["supervisor"]))
    listed = {a["agent_id"]: a for a in mine["agents"]}
    assert set(listed) == {ids["agent"], ids["agent2"], ids["supervisor"]}
    assert [i["id"] for i in listed[ids["agent"]]["interactions"]] == [world.interaction]
    theirs = await ok(await client.get("/api/v1/console/agents", headers=h["supervisor_b"]))
    assert {a["agent_id"] for a in theirs["agents"]} == {ids["supervisor_b"], ids["agent_b"]}
    everyone = await ok(await client.get("/api/v1/console/agents", headers=h["admin"]))
    assert set(listed) | {ids["agent_b"]} <= {a["agent_id"] for a in everyone["agents"]}
    await error_of(await client.get("/api/v1/console/agents", headers=h["agent"]), 403)
