"""Replies and reading a conversation: POST/GET /api/v1/interactions/{id}/messages.

A chat visitor writes in (`ReceiveInbound`), the interaction is offered to an agent and accepted;
then the agent replies. The channel adapter here records what it is handed, as a provider would:
the core must store the reply, answer, and hand it over once, and refuse a channel it cannot send
on before storing anything.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from contact_center.bootstrap import Container
from contact_center.domain.commands import ReceiveInbound
from contact_center.domain.enums import Channel, DeliveryStatus
from contact_center.outbound import OutboundMessage
from contact_center.storage.uow import UnitOfWork
from tests.conftest import unique
from tests.contact_center.api.conftest import Staff, User, error_of, new_agent, ok
from tests.contact_center.conftest import offer_and_accept, offer_as_router

Client = TestClient[Any, Any]


class RecordingChat:
    """A chat adapter that keeps what it is asked to send (or fails, when told to)."""

    channel = Channel.CHAT

    def __init__(self) -> None:
        self.sent: list[OutboundMessage] = []
        self.failing = False

    async def deliver(self, message: OutboundMessage) -> DeliveryStatus:
        if self.failing:
            raise ConnectionError("provider down")
        self.sent.append(message)
        return DeliveryStatus.DELIVERED


@pytest.fixture
def chat(container: Container) -> RecordingChat:
    adapter = RecordingChat()
    container.outbound.plug(adapter)
    return adapter


async def chat_with(container: Container, agent: User) -> tuple[int, int]:
    """(interaction id, the visitor's first message id), the chat active with `agent`."""
    received = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=unique("visitor"), body="hello?")
    )
    await offer_and_accept(container, received.interaction_id, agent.agent_id)
    return received.interaction_id, received.message_id


async def stored(container: Container, interaction_id: int) -> list[Any]:
    async with UnitOfWork(container.sessions) as uow:
        return list(await uow.messages.for_interaction(interaction_id))


async def test_an_agent_replies_and_the_reply_leaves_once(
    client: Client, container: Container, chat: RecordingChat
) -> None:
    agent = await new_agent(container)
    iid, first = await chat_with(container, agent)
    resp = await client.post(
        f"/api/v1/interactions/{iid}/messages",
        json={"body": "Hi, how can I help? 您好"},
        headers=agent.headers,
    )
    reply = (await ok(resp, 201))["message"]
    assert (reply["direction"], reply["author_kind"], reply["author_agent_id"]) == (
        "outbound",
        "agent",
        agent.agent_id,
    )
    assert reply["delivery_status"] == "queued" and reply["id"] > first

    seen = await ok(
        await client.get(f"/api/v1/interactions/{iid}/messages?after={first}", headers=agent.headers)
    )
    assert [m["body"] for m in seen["messages"]] == ["Hi, how can I help? 您好"]
    everything = await ok(await client.get(f"/api/v1/interactions/{iid}/messages", headers=agent.headers))
    assert [m["id"] for m in everything["messages"]] == [first, reply["id"]]

    await container.dispatcher.drain()
    await container.dispatcher.drain()  # a second delivery of the same event sends nothing more
    # (Earlier tests' replies may still sit in the shared outbox: only this chat's count here.)
    assert [(m.message_id, m.body) for m in chat.sent if m.interaction_id == iid] == [
        (reply["id"], reply["body"])
    ]
    assert [m.delivery_status for m in await stored(container, iid)][-1] == DeliveryStatus.DELIVERED


async def test_a_retried_reply_is_stored_once(
    client: Client, container: Container, chat: RecordingChat
) -> None:
    agent = await new_agent(container)
    iid, _ = await chat_with(container, agent)
    headers = {**agent.headers, "Idempotency-Key": unique("k")}
    answers = [
        await ok(
            await client.post(f"/api/v1/interactions/{iid}/messages", json={"body": "once"}, headers=headers),
            201,
        )
        for _ in range(2)
    ]
    assert answers[0] == answers[1]
    assert [m.body for m in await stored(container, iid)].count("once") == 1


async def test_a_channel_without_an_adapter_cannot_send(client: Client, container: Container) -> None:
    agent = await new_agent(container)
    iid, _ = await chat_with(container, agent)  # no chat adapter plugged in for this test
    resp = await client.post(
        f"/api/v1/interactions/{iid}/messages", json={"body": "hello"}, headers=agent.headers
    )
    error = await error_of(resp, 409, "channel_cannot_send")
    assert "chat" in error["message"]
    assert len(await stored(container, iid)) == 1


async def test_a_failing_provider_marks_the_reply_failed(
    client: Client, container: Container, chat: RecordingChat
) -> None:
    agent = await new_agent(container)
    iid, _ = await chat_with(container, agent)
    chat.failing = True
    await ok(
        await client.post(f"/api/v1/interactions/{iid}/messages", json={"body": "x"}, headers=agent.headers),
        201,
    )
    await container.dispatcher.drain()
    assert (await stored(container, iid))[-1].delivery_status == DeliveryStatus.FAILED


@pytest.mark.parametrize("body", [{}, {"body": ""}, {"body": "   \n"}, {"body": 5}, {"body": "x" * 20_001}])
async def test_a_bad_reply_changes_nothing(
    client: Client, container: Container, chat: RecordingChat, body: dict[str, Any]
) -> None:
    agent = await new_agent(container)
    iid, _ = await chat_with(container, agent)
    resp = await client.post(f"/api/v1/interactions/{iid}/messages", json=body, headers=agent.headers)
    assert resp.status in (400, 422), await resp.text()
    assert len(await stored(container, iid)) == 1


async def test_only_the_handling_agent_or_a_manager_writes(
    client: Client, container: Container, chat: RecordingChat, staff: Staff
) -> None:
    agent, other = await new_agent(container), await new_agent(container)
    iid, _ = await chat_with(container, agent)
    resp = await client.post(
        f"/api/v1/interactions/{iid}/messages", json={"body": "x"}, headers=other.headers
    )
    await error_of(resp, 404)  # another agent's work is as absent as a missing one
    resp = await client.get(f"/api/v1/interactions/{iid}/messages", headers=other.headers)
    await error_of(resp, 404)
    resp = await client.post(
        f"/api/v1/interactions/{iid}/messages", json={"body": "x"}, headers=staff.planner.headers
    )
    await error_of(resp, 403)
    stepping_in = await client.post(
        f"/api/v1/interactions/{iid}/messages",
        json={"body": "A supervisor here"},
        headers=staff.supervisor.headers,
    )
    assert (await ok(stepping_in, 201))["message"]["author_agent_id"] == staff.supervisor.agent_id


async def test_an_offered_agent_cannot_reply_before_accepting(
    client: Client, container: Container, chat: RecordingChat
) -> None:
    agent = await new_agent(container)
    received = await container.bus.handle(ReceiveInbound(channel=Channel.CHAT, sender=unique("v"), body="hi"))
    await offer_as_router(container, received.interaction_id, agent.agent_id)
    resp = await client.post(
        f"/api/v1/interactions/{received.interaction_id}/messages", json={"body": "x"}, headers=agent.headers
    )
    await error_of(resp, 409, "not_in_conversation")  # offered is not yet theirs to answer
    assert len(await stored(container, received.interaction_id)) == 1


async def test_no_reply_on_a_closed_conversation(
    client: Client, container: Container, chat: RecordingChat, staff: Staff
) -> None:
    agent = await new_agent(container)
    iid, _ = await chat_with(container, agent)
    for target in ("wrap_up", "closed"):
        await ok(
            await client.post(
                f"/api/v1/interactions/{iid}/transitions",
                json={"to": target},
                headers=staff.supervisor.headers,
            )
        )
    resp = await client.post(
        f"/api/v1/interactions/{iid}/messages", json={"body": "x"}, headers=agent.headers
    )
    await error_of(resp, 409, "not_in_conversation")


async def test_a_typing_signal_needs_the_handling_agent(client: Client, container: Container) -> None:
    agent, other = await new_agent(container), await new_agent(container)
    iid, _ = await chat_with(container, agent)
    heard: list[Any] = []

    async def listen(signal: Any) -> None:
        heard.append(signal)

    container.signals.subscribe(listen)
    resp = await client.post(
        f"/api/v1/interactions/{iid}/signals", json={"kind": "typing"}, headers=agent.headers
    )
    assert resp.status == 204, await resp.text()
    resp = await client.post(
        f"/api/v1/interactions/{iid}/signals", json={"kind": "typing"}, headers=other.headers
    )
    await error_of(resp, 404)
    resp = await client.post(
        f"/api/v1/interactions/{iid}/signals", json={"kind": "shout"}, headers=agent.headers
    )
    assert resp.status in (400, 422)
    assert [(s.interaction_id, s.kind, s.by, s.agent_id) for s in heard] == [
        (iid, "typing", "agent", agent.agent_id)
    ]
