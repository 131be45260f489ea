"""Notes, follow-ups and past satisfaction on a customer, over the API on both databases: who may
read and write them, and that a note stays internal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from contact_center.bootstrap import Container
from contact_center.domain.commands import CreateAgent, CreateQueue, ReceiveInbound
from contact_center.domain.enums import Channel, Role
from contact_center.domain.work import Note, SatisfactionScore
from contact_center.services.agents import create_token_for
from tests.conftest import unique
from tests.contact_center.api.conftest import User, error_of, ok
from tests.contact_center.conftest import count_rows, offer_and_accept

Client = TestClient[Any, Any]


async def member(container: Container, role: Role = Role.AGENT, team: str | None = None) -> User:
    username = unique(role.value[:3] + "_")
    agent_id = await container.bus.handle(
        CreateAgent(username=username, role=role, team=team, display_name=f"Name {username}")
    )
    return User(agent_id, username, await create_token_for(container.uow(), agent_id, "test"))


async def chat_of(container: Container, agent: User) -> tuple[int, int]:
    """A chat accepted by `agent`: (interaction, customer)."""
    queue = unique("q")
    await container.bus.handle(CreateQueue(name=queue, channels=(Channel.CHAT,)))
    received = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=unique("visitor"), body="hello", queue=queue)
    )
    await offer_and_accept(container, received.interaction_id, agent.agent_id)
    return received.interaction_id, received.customer_id


def due(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


async def test_an_agent_notes_on_their_customer_and_another_agent_cannot_read_or_write_them(
    client: Client, container: Container
) -> None:
    agent, other = await member(container), await member(container)
    supervisor = await member(container, Role.SUPERVISOR)
    iid, cid = await chat_of(container, agent)
    url = f"/api/v1/customers/{cid}/notes"
    first = await ok(await client.post(url, json={"body": "Asked about refunds"}, headers=agent.headers), 201)
    second = await ok(
        await client.post(
            url, json={"body": "VIP 客户，优先处理", "interaction_id": iid}, headers=agent.headers
        ),
        201,
    )
    assert first["note"]["author_name"] == f"Name {agent.username}"
    assert (second["note"]["interaction_id"], second["note"]["author_agent_id"]) == (iid, agent.agent_id)
    notes = (await ok(await client.get(url, headers=agent.headers)))["notes"]
    assert [n["body"] for n in notes] == ["VIP 客户，优先处理", "Asked about refunds"]  # newest first
    assert set(notes[0]) >= {"id", "body", "author_agent_id", "author_name", "interaction_id", "created_at"}
    assert (await ok(await client.get(url, headers=supervisor.headers)))["notes"] == notes
    before = await count_rows(container, Note)
    await error_of(await client.get(url, headers=other.headers), 404, "not_found")
    await error_of(await client.post(url, json={"body": "sneaky"}, headers=other.headers), 404, "not_found")
    assert await count_rows(container, Note) == before


async def test_a_note_is_internal_it_never_becomes_a_message(client: Client, container: Container) -> None:
    agent = await member(container)
    iid, cid = await chat_of(container, agent)
    body = unique("internal-only ")
    await ok(
        await client.post(
            f"/api/v1/customers/{cid}/notes",
            json={"body": body, "interaction_id": iid},
            headers=agent.headers,
        ),
        201,
    )
    interaction = await ok(await client.get(f"/api/v1/interactions/{iid}", headers=agent.headers))
    assert [m["body"] for m in interaction["messages"]] == ["hello"]
    assert body not in str(interaction)


async def test_bad_notes_are_refused_and_change_nothing(client: Client, container: Container) -> None:
    agent = await member(container)
    iid, cid = await chat_of(container, agent)
    _other_iid, other_cid = await chat_of(container, agent)
    url = f"/api/v1/customers/{cid}/notes"
    before = await count_rows(container, Note)
    for body, status in (
        ({"body": ""}, 422),
        ({"body": "x" * 10_001}, 422),
        ({"body": "x", "interaction_id": "1"}, 422),
        ({"body": "x", "author_agent_id": 1}, 422),
        ({"body": "x", "interaction_id": 2_000_000_000}, 404),
    ):
        await error_of(await client.post(url, json=body, headers=agent.headers), status)
    other_url = f"/api/v1/customers/{other_cid}/notes"
    await error_of(
        await client.post(other_url, json={"body": "x", "interaction_id": iid}, headers=agent.headers), 422
    )
    assert await count_rows(container, Note) == before


async def test_follow_ups_belong_to_the_caller_unless_a_supervisor_gives_them(
    client: Client, container: Container
) -> None:
    team = unique("team")
    agent, teammate = await member(container, team=team), await member(container, team=team)
    supervisor, other_supervisor = (
        await member(container, Role.SUPERVISOR, team),
        await member(container, Role.SUPERVISOR, unique("t")),
    )
    iid, cid = await chat_of(container, agent)
    url = f"/api/v1/customers/{cid}/follow-ups"
    mine = (
        await ok(
            await client.post(
                url,
                json={"title": "Call back", "due_at": due(2), "interaction_id": iid},
                headers=agent.headers,
            ),
            201,
        )
    )["follow_up"]
    assert (mine["owner_agent_id"], mine["done"], mine["interaction_id"]) == (agent.agent_id, False, iid)
    await error_of(
        await client.post(
            url,
            json={"title": "x", "due_at": due(1), "owner_agent_id": teammate.agent_id},
            headers=agent.headers,
        ),
        403,
    )
    given = (
        await ok(
            await client.post(
                url,
                json={"title": "Send invoice", "due_at": due(1), "owner_agent_id": agent.agent_id},
                headers=supervisor.headers,
            ),
            201,
        )
    )["follow_up"]
    await error_of(
        await client.post(
            url,
            json={"title": "x", "due_at": due(1), "owner_agent_id": 2_000_000_000},
            headers=supervisor.headers,
        ),
        404,
    )
    listed = (await ok(await client.get(f"{url}?open=true", headers=agent.headers)))["follow_ups"]
    assert [f["id"] for f in listed] == [given["id"], mine["id"]]  # soonest due first
    customer = await ok(await client.get(f"/api/v1/customers/{cid}", headers=agent.headers))
    assert customer["open_follow_ups"] == 2

    done_url = f"/api/v1/follow-ups/{mine['id']}"
    await error_of(await client.patch(done_url, json={"done": True}, headers=teammate.headers), 404)
    await error_of(await client.patch(done_url, json={"done": True}, headers=other_supervisor.headers), 403)
    await error_of(await client.patch(done_url, json={"done": "yes"}, headers=agent.headers), 422)
    done = (await ok(await client.patch(done_url, json={"done": True}, headers=agent.headers)))["follow_up"]
    assert done["done"] is True and done["done_at"] is not None
    await ok(
        await client.patch(
            f"/api/v1/follow-ups/{given['id']}", json={"done": True}, headers=supervisor.headers
        )
    )
    assert (await ok(await client.get(f"{url}?open=true", headers=agent.headers)))["follow_ups"] == []
    assert len((await ok(await client.get(url, headers=agent.headers)))["follow_ups"]) == 2
    assert (await ok(await client.get(f"/api/v1/customers/{cid}", headers=agent.headers)))[
        "open_follow_ups"
    ] == 0
    await error_of(await client.get(f"{url}?open=maybe", headers=agent.headers), 400)
    await error_of(await client.get(url, headers=teammate.headers), 404)
    for bad in (
        {"title": "x", "due_at": "2026-12-24T09:00:00"},
        {"title": "", "due_at": due(1)},
        {"due_at": due(1)},
    ):
        await error_of(await client.post(url, json=bad, headers=agent.headers), 422)


async def test_the_customer_shows_past_satisfaction(client: Client, container: Container) -> None:
    agent = await member(container)
    iid, cid = await chat_of(container, agent)  # and an email of the same customer, below
    second_iid = (
        await ok(
            await client.post(
                "/api/v1/interactions",
                json={"customer_id": cid, "channel": "email", "agent_id": agent.agent_id},
                headers=agent.headers,
            ),
            201,
        )
    )["id"]
    async with container.uow() as uow:
        for interaction_id, score, comment in ((iid, 5, "很好"), (second_iid, 2, "slow")):
            uow.session.add(
                SatisfactionScore(
                    interaction_id=interaction_id,
                    customer_id=cid,
                    score=score,
                    comment=comment,
                    created_at=uow.now(),
                )
            )
        await uow.commit()
    customer = await ok(await client.get(f"/api/v1/customers/{cid}", headers=agent.headers))
    satisfaction = customer["satisfaction"]
    assert (satisfaction["average"], satisfaction["count"]) == (3.5, 2)
    assert [(r["interaction_id"], r["score"], r["comment"]) for r in satisfaction["recent"]] == [
        (second_iid, 2, "slow"),
        (iid, 5, "很好"),
    ]
    history = await ok(await client.get(f"/api/v1/customers/{cid}/interactions", headers=agent.headers))
    assert [(i["id"], i["satisfaction_score"], i["agent_name"]) for i in history["items"]] == [
        (second_iid, 2, f"Name {agent.username}"),
        (iid, 5, f"Name {agent.username}"),
    ]
    unscored = await ok(
        await client.get(f"/api/v1/customers/{(await chat_of(container, agent))[1]}", headers=agent.headers)
    )
    assert unscored["satisfaction"] == {"average": None, "count": 0, "recent": []}
