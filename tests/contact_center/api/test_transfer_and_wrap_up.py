"""Transfer with a note, each queue's wrap-up codes and the wrap-up time limit, over the API on
both databases."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from contact_center.bootstrap import Container, build_container
from contact_center.domain.commands import CreateAgent, CreateQueue, ReceiveInbound, SetPresence
from contact_center.domain.desk_commands import CloseExpiredWrapUps
from contact_center.domain.enums import Channel, Presence, Role
from contact_center.domain.work import Note
from contact_center.services.agents import create_token_for
from contact_center.services.wrap_up import sweep_periodically
from tests.conftest import make_settings, unique
from tests.contact_center.api.conftest import User, error_of, make_client, ok
from tests.contact_center.conftest import count_rows, offer_and_accept

Client = TestClient[Any, Any]


async def member(container: Container, role: Role = Role.AGENT, team: str | None = None) -> User:
    username = unique(role.value[:3] + "_")
    agent_id = await container.bus.handle(CreateAgent(username=username, role=role, team=team))
    return User(agent_id, username, await create_token_for(container.uow(), agent_id, "test"))


async def new_queue(container: Container, team: str | None = None) -> tuple[int, str]:
    name = unique("q")
    queue_id = await container.bus.handle(CreateQueue(name=name, channels=(Channel.CHAT,), team=team))
    return queue_id, name


async def chat_of(container: Container, agent: User, queue: str) -> int:
    received = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=unique("visitor"), body="my order is late", queue=queue)
    )
    await offer_and_accept(container, received.interaction_id, agent.agent_id)
    return int(received.interaction_id)


def transfer(iid: int) -> str:
    return f"/api/v1/interactions/{iid}/transfer"


def moves(iid: int) -> str:
    return f"/api/v1/interactions/{iid}/transitions"


async def test_a_transfer_to_a_queue_requeues_it_with_an_internal_note(
    client: Client, container: Container
) -> None:
    agent, supervisor = await member(container), await member(container, Role.SUPERVISOR)
    _, first = await new_queue(container)
    second_id, second = await new_queue(container)
    iid = await chat_of(container, agent, first)
    answer = await ok(
        await client.post(
            transfer(iid), json={"to_queue": second, "note": "  Billing, not sales  "}, headers=agent.headers
        )
    )
    doc = answer["interaction"]
    assert (doc["state"], doc["queue_id"], doc["agent_id"], doc["transfer_agent_id"]) == (
        "queued",
        second_id,
        None,
        None,
    )
    assert [(t["from_state"], t["to_state"]) for t in doc["transitions"]][-2:] == [
        ("active", "transferred"),
        ("transferred", "queued"),
    ]
    assert [m["body"] for m in doc["messages"]] == ["my order is late"]
    customer_id = doc["customer_id"]
    notes = (
        await ok(await client.get(f"/api/v1/customers/{customer_id}/notes", headers=supervisor.headers))
    )["notes"]
    assert [(n["body"], n["interaction_id"], n["author_agent_id"]) for n in notes] == [
        ("Billing, not sales", iid, agent.agent_id)
    ]
    await error_of(
        await client.get(f"/api/v1/interactions/{iid}", headers=agent.headers), 404
    )  # no longer theirs


async def test_a_transfer_to_an_agent_reserves_it_for_them_and_they_see_the_whole_conversation(
    client: Client, container: Container
) -> None:
    team = unique("team")
    agent, colleague = await member(container, team=team), await member(container, team=team)
    _, queue = await new_queue(container, team)
    iid = await chat_of(container, agent, queue)
    started = datetime.now(UTC)
    doc = (
        await ok(
            await client.post(transfer(iid), json={"to_agent_id": colleague.agent_id}, headers=agent.headers)
        )
    )["interaction"]
    assert (doc["state"], doc["transfer_agent_id"]) == ("queued", colleague.agent_id)
    until = datetime.fromisoformat(doc["transfer_until"])
    assert (
        started + timedelta(seconds=55) < until < started + timedelta(seconds=65)
    )  # [desk] transfer_reserve_s
    assert await count_rows(container, Note, Note.interaction_id == iid) == 0  # no note given, none stored
    await offer_and_accept(container, iid, colleague.agent_id)
    seen = await ok(await client.get(f"/api/v1/interactions/{iid}", headers=colleague.headers))
    assert (seen["agent_id"], seen["transfer_agent_id"], seen["transfer_until"]) == (
        colleague.agent_id,
        None,
        None,
    )
    assert [m["body"] for m in seen["messages"]] == ["my order is late"]


async def test_transfers_refused_change_nothing(client: Client, container: Container) -> None:
    team = unique("team")
    agent, colleague = await member(container, team=team), await member(container, team=team)
    stranger, outsider = await member(container, team=unique("t")), await member(container, team=team)
    _, queue = await new_queue(container, team)
    iid = await chat_of(container, agent, queue)
    before = await ok(await client.get(f"/api/v1/interactions/{iid}", headers=agent.headers))
    for body, status, code in (
        ({}, 422, "one_target"),
        ({"to_queue": queue, "to_agent_id": colleague.agent_id}, 422, "one_target"),
        ({"to_agent_id": agent.agent_id}, 422, None),
        ({"to_agent_id": stranger.agent_id}, 403, None),
        ({"to_agent_id": 2_000_000_000}, 404, None),
        ({"to_queue": unique("nowhere")}, 404, None),
        ({"to_queue": queue, "note": "x" * 10_001}, 422, None),
        ({"to_queue": queue, "cc": "x"}, 422, "unknown_field"),
    ):
        await error_of(await client.post(transfer(iid), json=body, headers=agent.headers), status, code)
    await error_of(await client.post(transfer(iid), json={"to_queue": queue}, headers=outsider.headers), 404)
    assert await ok(await client.get(f"/api/v1/interactions/{iid}", headers=agent.headers)) == before
    await ok(await client.post(moves(iid), json={"to": "wrap_up"}, headers=agent.headers))
    await error_of(
        await client.post(transfer(iid), json={"to_queue": queue}, headers=agent.headers),
        409,
        "illegal_transition",
    )


async def test_admins_set_a_queues_wrap_up_codes_from_the_global_list(
    client: Client, container: Container
) -> None:
    admin, supervisor = await member(container, Role.ADMIN), await member(container, Role.SUPERVISOR)
    queue_id, _ = await new_queue(container)
    url = f"/api/v1/queues/{queue_id}/wrap-up-codes"
    assert await ok(await client.get(url, headers=supervisor.headers)) == {"wrap_up_codes": []}
    answer = await ok(
        await client.put(url, json={"codes": ["resolved", "escalated", "resolved"]}, headers=admin.headers)
    )
    assert answer == {
        "wrap_up_codes": [
            {"code": "resolved", "label": "Resolved"},
            {"code": "escalated", "label": "Escalated"},
        ]
    }
    await error_of(
        await client.put(url, json={"codes": ["resolved", "made_up"]}, headers=admin.headers),
        422,
        "unknown_wrap_up_code",
    )
    await error_of(await client.put(url, json={"codes": ["spam"]}, headers=supervisor.headers), 403)
    assert await ok(await client.get(url, headers=supervisor.headers)) == answer
    await error_of(
        await client.put(
            "/api/v1/queues/2000000000/wrap-up-codes", json={"codes": []}, headers=admin.headers
        ),
        404,
    )


async def test_closing_takes_only_a_code_of_the_queues_list(client: Client, container: Container) -> None:
    admin, agent = await member(container, Role.ADMIN), await member(container)
    queue_id, queue = await new_queue(container)
    await ok(
        await client.put(
            f"/api/v1/queues/{queue_id}/wrap-up-codes",
            json={"codes": ["resolved", "follow_up"]},
            headers=admin.headers,
        )
    )
    iid = await chat_of(container, agent, queue)
    started = datetime.now(UTC)
    doc = await ok(await client.post(moves(iid), json={"to": "wrap_up"}, headers=agent.headers))
    deadline = datetime.fromisoformat(doc["wrap_up_deadline"])
    assert (
        started + timedelta(seconds=115) < deadline < started + timedelta(seconds=125)
    )  # [desk] wrap_up_limit_s
    await error_of(
        await client.post(moves(iid), json={"to": "closed"}, headers=agent.headers),
        422,
        "wrap_up_code_required",
    )
    await error_of(
        await client.post(moves(iid), json={"to": "closed", "wrap_up_code": "spam"}, headers=agent.headers),
        422,
        "unknown_wrap_up_code",
    )
    assert (await ok(await client.get(f"/api/v1/interactions/{iid}", headers=agent.headers)))[
        "state"
    ] == "wrap_up"
    both = {"to": "closed", "target": "closed", "wrap_up_code": "follow_up"}
    await error_of(await client.post(moves(iid), json=both, headers=agent.headers), 422)
    closed = await ok(  # `target` is the desk's word for `to`
        await client.post(
            moves(iid), json={"target": "closed", "wrap_up_code": "follow_up"}, headers=agent.headers
        )
    )
    assert (closed["state"], closed["wrap_up_code"], closed["wrap_up_deadline"]) == (
        "closed",
        "follow_up",
        None,
    )


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def clocked(database_url: str) -> AsyncIterator[tuple[Container, Client, Clock]]:
    clock = Clock()
    container = build_container(make_settings(database_url), clock=clock)
    client = await make_client(container)
    try:
        yield container, client, clock
    finally:
        await client.close()
        await container.close()


async def test_the_system_closes_an_interaction_left_in_wrap_up_past_its_limit(
    clocked: tuple[Container, Client, Clock],
) -> None:
    container, client, clock = clocked
    admin, agent = await member(container, Role.ADMIN), await member(container)
    queue_id, queue = await new_queue(container)
    await ok(
        await client.put(
            f"/api/v1/queues/{queue_id}/wrap-up-codes", json={"codes": ["resolved"]}, headers=admin.headers
        )
    )
    forgotten, chosen, closing = [await chat_of(container, agent, queue) for _ in range(3)]
    for iid, body in ((forgotten, {}), (chosen, {"wrap_up_code": "resolved"}), (closing, {})):
        await ok(await client.post(moves(iid), json={"to": "wrap_up", **body}, headers=agent.headers))
    clock.now += timedelta(seconds=119)
    # (Other tests' wrap-ups share the database and may be overdue by now: only ours count.)
    assert not set(await container.bus.handle(CloseExpiredWrapUps())) & {forgotten, chosen, closing}
    await ok(
        await client.post(
            moves(closing), json={"to": "closed", "wrap_up_code": "resolved"}, headers=agent.headers
        )
    )
    clock.now += timedelta(seconds=2)
    sweeping = asyncio.create_task(sweep_periodically(container.bus, 0.05))  # the server's timer
    found: list[tuple[str, str | None]] = []
    try:
        for _ in range(200):
            found = []
            for iid in (forgotten, chosen, closing):
                doc = await ok(await client.get(f"/api/v1/interactions/{iid}", headers=admin.headers))
                found.append((doc["state"], doc["wrap_up_code"]))
            if all(state == "closed" for state, _ in found):
                break
            await asyncio.sleep(0.05)
    finally:
        sweeping.cancel()
    assert found == [("closed", "wrap_up_timeout"), ("closed", "resolved"), ("closed", "resolved")]
    doc = await ok(await client.get(f"/api/v1/interactions/{forgotten}", headers=admin.headers))
    assert doc["transitions"][-1]["actor"] == "system:wrap_up_timer"
    assert await container.bus.handle(CloseExpiredWrapUps()) == []  # nothing closes twice


async def test_the_transfer_dialog_lists_the_colleagues_in_reach(
    client: Client, container: Container
) -> None:
    """An agent's own directory shows only themselves: the transfer dialog asks this list instead."""
    team, elsewhere = unique("t"), unique("t")
    agent = await member(container, team=team)
    here, away, other_team = (
        await member(container, team=team),
        await member(container, team=team),
        await member(container, team=elsewhere),
    )
    boss = await member(container, Role.SUPERVISOR, team=team)
    planner = await member(container, Role.PLANNER, team=team)
    await container.bus.handle(SetPresence(agent_id=here.agent_id, presence=Presence.AVAILABLE))
    await container.bus.handle(SetPresence(agent_id=away.agent_id, presence=Presence.AWAY))
    _, queue = await new_queue(container, team=team)
    iid = await chat_of(container, agent, queue)
    listed = (await ok(await client.get(f"{transfer(iid)}-targets", headers=agent.headers)))["agents"]
    by_id = {a["id"]: a for a in listed}
    assert set(by_id) == {here.agent_id, away.agent_id, boss.agent_id}  # not self, nor another team
    assert (by_id[here.agent_id]["can_take_work"], by_id[away.agent_id]["can_take_work"]) == (True, False)
    assert listed[0]["id"] == here.agent_id  # who can take it now comes first
    assert planner.agent_id not in by_id and other_team.agent_id not in by_id
    for outsider in (here, other_team):  # sees it not, or may not transfer what is not theirs
        resp = await client.get(f"{transfer(iid)}-targets", headers=outsider.headers)
        await error_of(resp, 404)
    supervisor_view = await ok(await client.get(f"{transfer(iid)}-targets", headers=boss.headers))
    assert agent.agent_id not in {a["id"] for a in supervisor_view["agents"]}  # it is already theirs
