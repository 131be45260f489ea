"""/ws/events per the policy, on both databases: an agent hears of their own interactions (their
offers, the moves, the customer's messages on them) and nobody else's; a team supervisor hears of
their team's queues only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from contact_center.bootstrap import Container, build_container, build_web_app
from contact_center.domain.commands import CreateAgent, CreateQueue, ReceiveInbound, SetPresence
from contact_center.domain.enums import Channel, Presence, Role
from contact_center.services.agents import create_token_for
from contact_center.signals import Signal
from tests.agent_ui.test_event_stream import frames
from tests.conftest import make_settings, unique
from tests.contact_center.conftest import offer_and_accept


@pytest.fixture
async def web(database_url: str) -> AsyncIterator[tuple[TestClient[Any, Any], Container]]:
    container = build_container(make_settings(database_url))
    client: TestClient[Any, Any] = TestClient(TestServer(build_web_app(container)))
    await container.start()
    await client.start_server()
    try:
        yield client, container
    finally:
        await client.close()
        await container.close()


async def account(container: Container, role: Role, team: str | None) -> tuple[int, dict[str, str]]:
    agent_id = await container.bus.handle(CreateAgent(username=unique("ev"), role=role, team=team))
    token = await create_token_for(container.uow(), agent_id, "test")
    return agent_id, {"Authorization": f"Bearer {token}"}


def about(seen: list[dict[str, Any]]) -> set[int]:
    return {f["event"]["interaction_id"] for f in seen if "interaction_id" in f.get("event", {})}


async def test_each_reader_hears_only_of_the_work_they_may_see(
    web: tuple[TestClient[Any, Any], Container],
) -> None:
    client, container = web
    team_a, team_b = unique("t"), unique("t")
    queue_a, queue_b = unique("q"), unique("q")
    for name, team in ((queue_a, team_a), (queue_b, team_b)):
        await container.bus.handle(CreateQueue(name=name, channels=(Channel.CHAT,), team=team))
    alice, alice_headers = await account(container, Role.AGENT, team_a)
    bob, _ = await account(container, Role.AGENT, team_b)
    _, boss_b = await account(container, Role.SUPERVISOR, team_b)
    for agent in (alice, bob):  # at their desks: a customer writing to an absent agent is requeued
        await container.bus.handle(SetPresence(agent_id=agent, presence=Presence.AVAILABLE))
    await container.dispatcher.drain()
    agent_ws = await client.ws_connect("/ws/events", headers=alice_headers)
    boss_ws = await client.ws_connect("/ws/events", headers=boss_b)
    await frames(agent_ws, 1)
    await frames(boss_ws, 1)
    visitor = unique("visitor")
    hers = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=visitor, body="hi", queue=queue_a)
    )
    his = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=unique("visitor"), body="hi", queue=queue_b)
    )
    await container.dispatcher.drain()  # out while the chats wait for an agent
    await offer_and_accept(container, hers.interaction_id, alice)
    await offer_and_accept(container, his.interaction_id, bob)
    await container.dispatcher.drain()
    await container.bus.handle(ReceiveInbound(channel=Channel.CHAT, sender=visitor, body="still there?"))
    await container.dispatcher.drain()
    # Alice: her offer, its acceptance, and the customer's second message on her chat.
    mine = await frames(agent_ws, 3)
    # Team B's supervisor: Bob's chat queued with its message, then offered and accepted.
    theirs = await frames(boss_ws, 4)
    await agent_ws.close()
    await boss_ws.close()
    assert about(mine) == {hers.interaction_id}
    assert [f["type"] for f in mine] == ["interaction.offered", "interaction.accepted", "message.added"]
    assert about(theirs) == {his.interaction_id}


async def test_typing_and_read_marks_reach_only_those_who_see_the_conversation(
    web: tuple[TestClient[Any, Any], Container],
) -> None:
    client, container = web
    alice, alice_headers = await account(container, Role.AGENT, None)
    _, bob_headers = await account(container, Role.AGENT, None)
    received = await container.bus.handle(ReceiveInbound(channel=Channel.CHAT, sender=unique("v"), body="hi"))
    await offer_and_accept(container, received.interaction_id, alice)
    await container.dispatcher.drain()
    alice_ws = await client.ws_connect("/ws/events", headers=alice_headers)
    bob_ws = await client.ws_connect("/ws/events", headers=bob_headers)
    await frames(alice_ws, 1)
    await frames(bob_ws, 1)
    iid = received.interaction_id
    await container.signals.publish(Signal(iid, "typing", "customer"))
    await container.signals.publish(Signal(iid, "read", "customer", up_to=received.message_id))
    heard = await frames(alice_ws, 2)
    assert [(f["type"], f["signal"]["interaction_id"], f["signal"]["up_to"]) for f in heard] == [
        ("signal.typing", iid, None),
        ("signal.read", iid, received.message_id),
    ]
    with pytest.raises(TimeoutError):
        await bob_ws.receive_str(timeout=0.3)  # not his conversation: not a word of it
    await alice_ws.close()
    await bob_ws.close()
