"""POST /api/v1/inbound: an integration's contacts stored once, answered from what was stored."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient
from sqlmodel import col, func, select

from contact_center.bootstrap import Container
from contact_center.domain.customers import CustomerIdentity
from contact_center.domain.enums import Role
from contact_center.domain.interactions import Interaction, Message
from tests.conftest import unique
from tests.contact_center.api.conftest import Staff, User, error_of, new_agent, ok, phone_number

Client = TestClient[Any, Any]


async def integration(container: Container) -> User:
    return await new_agent(container, Role.INTEGRATION)


async def make_queue(client: Client, staff: Staff, channels: list[str]) -> str:
    name = unique("q")
    resp = await client.post(
        "/api/v1/queues", json={"name": name, "channels": channels}, headers=staff.admin.headers
    )
    await ok(resp, 201)
    return name


async def messages_with(container: Container, provider_id: str) -> int:
    async with container.read_uow() as uow:
        stmt = select(func.count()).select_from(Message).where(Message.provider_message_id == provider_id)
        return int((await uow.session.exec(stmt)).one())


async def test_an_inbound_sms_is_queued_with_its_message_and_customer(
    container: Container, client: Client, staff: Staff
) -> None:
    user = await integration(container)
    queue = await make_queue(client, staff, ["sms"])
    phone = phone_number()
    body = {
        "channel": "sms",
        "sender": phone,
        "body": "Where is my parcel?",
        "queue": queue,
        "provider_message_id": unique("SM"),
    }
    answer = await ok(await client.post("/api/v1/inbound", json=body, headers=user.headers), 201)
    assert set(answer) == {"interaction_id", "message_id", "customer_id"}
    async with container.read_uow() as uow:
        interaction = await uow.interactions.get(answer["interaction_id"])
        messages = await uow.messages.for_interaction(answer["interaction_id"])
        identities = await uow.customers.identities(answer["customer_id"])
        transitions = await uow.interactions.transitions(answer["interaction_id"])
    assert (interaction.state, interaction.customer_id) == ("queued", answer["customer_id"])
    assert [(m.id, m.body) for m in messages] == [(answer["message_id"], "Where is my parcel?")]
    assert [(i.kind, i.address) for i in identities] == [("phone", phone)]
    assert [(t.from_state, t.to_state) for t in transitions] == [("new", "queued")]


async def test_a_retried_provider_message_gets_the_first_answer_and_stores_nothing(
    container: Container, client: Client, staff: Staff
) -> None:
    user = await integration(container)
    queue = await make_queue(client, staff, ["email"])
    provider_id = unique("<msg-") + "@example.com>"
    body = {
        "channel": "email",
        "sender": f"{unique('a')}@example.com",
        "body": "Hello",
        "queue": queue,
        "provider_message_id": provider_id,
    }
    first = await client.post("/api/v1/inbound", json=body, headers=user.headers)
    again = await client.post("/api/v1/inbound", json=body, headers=user.headers)
    assert await ok(again, 201) == await ok(first, 201)
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await messages_with(container, provider_id) == 1


async def test_concurrent_retries_with_one_idempotency_key_store_one_message(
    container: Container, client: Client, staff: Staff
) -> None:
    user = await integration(container)
    queue = await make_queue(client, staff, ["chat"])
    key = unique("key-")
    body = {"channel": "chat", "sender": unique("visitor-"), "body": "hi", "queue": queue}
    headers = {**user.headers, "Idempotency-Key": key}
    answers = await asyncio.gather(
        *(client.post("/api/v1/inbound", json=body, headers=headers) for _ in range(8))
    )
    bodies = [await ok(a, 201) for a in answers]
    assert all(b == bodies[0] for b in bodies)
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 7
    assert await messages_with(container, f"idempotency:{user.agent_id}:{key}") == 1


async def test_a_new_idempotency_key_adds_a_message_to_the_open_thread(
    container: Container, client: Client, staff: Staff
) -> None:
    user = await integration(container)
    queue = await make_queue(client, staff, ["chat"])
    body = {"channel": "chat", "sender": unique("visitor-"), "body": "hi", "queue": queue}
    one = await ok(
        await client.post("/api/v1/inbound", json=body, headers={**user.headers, "Idempotency-Key": "a"}), 201
    )
    two = await ok(
        await client.post("/api/v1/inbound", json=body, headers={**user.headers, "Idempotency-Key": "b"}), 201
    )
    assert two["interaction_id"] == one["interaction_id"]
    assert two["message_id"] != one["message_id"]


async def test_contacts_arriving_together_from_one_new_sender_make_one_customer_and_one_thread(
    container: Container, client: Client, staff: Staff
) -> None:
    user = await integration(container)
    queue = await make_queue(client, staff, ["sms"])
    phone = phone_number()
    senders = [phone] * 5 + [phone_number() for _ in range(20)]
    answers = await asyncio.gather(
        *(
            client.post(
                "/api/v1/inbound",
                json={"channel": "sms", "sender": s, "body": f"m{i}", "queue": queue},
                headers=user.headers,
            )
            for i, s in enumerate(senders)
        )
    )
    bodies = [await ok(a, 201) for a in answers]
    same = bodies[:5]
    assert len({b["customer_id"] for b in same}) == 1
    assert len({b["interaction_id"] for b in same}) == 1
    assert len({b["customer_id"] for b in bodies}) == 21
    assert len({b["message_id"] for b in bodies}) == 25
    async with container.read_uow() as uow:
        owners = (
            await uow.session.exec(
                select(CustomerIdentity.customer_id).where(CustomerIdentity.address == phone)
            )
        ).all()
        open_threads = (
            await uow.session.exec(
                select(func.count())
                .select_from(Interaction)
                .where(Interaction.customer_id == same[0]["customer_id"], col(Interaction.state) == "queued")
            )
        ).one()
    assert list(owners) == [same[0]["customer_id"]]
    assert open_threads == 1


async def test_only_an_integration_account_may_send_contacts_in(
    container: Container, client: Client, staff: Staff
) -> None:
    body = {"channel": "chat", "sender": unique("v"), "body": "hi"}
    await error_of(await client.post("/api/v1/inbound", json=body), 401)
    await error_of(await client.post("/api/v1/inbound", json=body, headers=staff.agent.headers), 403)
    user = await integration(container)
    await error_of(await client.get("/api/v1/customers", headers=user.headers), 403)


async def test_bad_inbound_input_is_refused_and_stores_nothing(
    container: Container, client: Client, staff: Staff
) -> None:
    user = await integration(container)
    queue = await make_queue(client, staff, ["sms"])
    pid = unique("SM")
    cases: list[tuple[dict[str, Any], dict[str, str], int]] = [
        ({"channel": "fax", "sender": "+14155550100", "body": "x"}, {}, 422),
        ({"channel": "sms", "sender": "not a phone", "body": "x"}, {}, 400),
        ({"channel": "sms", "sender": phone_number(), "body": "x", "queue": "no-such-queue"}, {}, 404),
        ({"channel": "chat", "sender": unique("v"), "body": "x", "queue": queue}, {}, 422),
        ({"channel": "sms", "sender": phone_number(), "body": "x", "extra": 1}, {}, 422),
        ({"channel": "sms", "sender": phone_number(), "body": "x"}, {"Idempotency-Key": "é"}, 400),
        (
            {"channel": "sms", "sender": phone_number(), "body": "x", "received_at": "2026-01-01T00:00:00"},
            {},
            400,
        ),
    ]
    for body, extra, status in cases:
        body = {**body, "provider_message_id": pid}
        await error_of(
            await client.post("/api/v1/inbound", json=body, headers={**user.headers, **extra}), status
        )
    assert await messages_with(container, pid) == 0
