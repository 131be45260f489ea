"""/api/v1/interactions: opening, the state machine through the API, filters and newest-first paging.

A supervisor drives most of these (the moves themselves are the subject); offers are made the one
way they can be, by `OfferInteraction` (`offer_to`), and answered by the offered agent.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from contact_center.bootstrap import Container
from contact_center.domain.commands import OfferInteraction, ReceiveInbound
from contact_center.domain.enums import Channel
from contact_center.services.offers import claim_epoch, current_epoch
from tests.conftest import unique
from tests.contact_center.api.conftest import Staff, error_of, new_agent, offer_to, ok

Client = TestClient[Any, Any]


async def make_queue(client: Client, staff: Staff, channels: list[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"name": unique("q")}
    if channels is not None:
        body["channels"] = channels
    return dict(await ok(await client.post("/api/v1/queues", json=body, headers=staff.admin.headers), 201))


async def make_customer(client: Client, staff: Staff) -> int:
    resp = await client.post(
        "/api/v1/customers", json={"name": unique("C ")}, headers=staff.supervisor.headers
    )
    return int((await ok(resp, 201))["id"])


async def open_interaction(client: Client, staff: Staff, **fields: Any) -> dict[str, Any]:
    resp = await client.post("/api/v1/interactions", json=fields, headers=staff.supervisor.headers)
    return dict(await ok(resp, 201))


async def move(client: Client, staff: Staff, iid: int, to: str, **fields: Any) -> dict[str, Any]:
    resp = await client.post(
        f"/api/v1/interactions/{iid}/transitions", json={"to": to, **fields}, headers=staff.supervisor.headers
    )
    return dict(await ok(resp))


def path(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(t["from_state"], t["to_state"]) for t in doc["transitions"]]


async def test_open_queued_has_message_and_timed_transition(client: Client, staff: Staff) -> None:
    queue = await make_queue(client, staff, ["sms"])
    customer_id = await make_customer(client, staff)
    doc = await open_interaction(
        client, staff, customer_id=customer_id, channel="sms", queue=queue["name"], body="Your order shipped"
    )
    assert (doc["state"], doc["queue_id"], doc["agent_id"]) == ("queued", queue["id"], None)
    assert doc["queued_at"] is not None
    assert [(m["body"], m["direction"]) for m in doc["messages"]] == [("Your order shipped", "outbound")]
    assert path(doc) == [("new", "queued")]
    assert all(t["at"] for t in doc["transitions"])
    assert "offered" not in doc["allowed_transitions"]  # only the router offers
    assert "active" in doc["allowed_transitions"]


async def test_open_with_agent_is_active(client: Client, staff: Staff) -> None:
    customer_id = await make_customer(client, staff)
    doc = await open_interaction(
        client, staff, customer_id=customer_id, channel="voice", agent_id=staff.agent.agent_id
    )
    assert (doc["state"], doc["agent_id"]) == ("active", staff.agent.agent_id)
    assert doc["answered_at"] is not None and path(doc) == [("new", "active")]


async def test_open_refuses_unknown_customer_queue_agent_or_channel(client: Client, staff: Staff) -> None:
    customer_id = await make_customer(client, staff)
    voice_only = await make_queue(client, staff, ["voice"])
    cases: list[tuple[dict[str, Any], int]] = [
        ({"customer_id": 2_000_000_000, "channel": "sms"}, 404),
        ({"customer_id": customer_id, "channel": "sms", "queue": unique("nope")}, 404),
        ({"customer_id": customer_id, "channel": "sms", "agent_id": 2_000_000_000}, 404),
        ({"customer_id": customer_id, "channel": "sms", "queue": voice_only["name"]}, 422),
        ({"customer_id": customer_id, "channel": "fax"}, 422),
        ({"customer_id": customer_id, "channel": "sms", "priority": 2**40}, 422),
        ({"customer_id": customer_id, "channel": "sms", "subject": "s" * 501}, 422),
    ]
    for body, status in cases:
        await error_of(
            await client.post("/api/v1/interactions", json=body, headers=staff.supervisor.headers), status
        )
    history = await ok(
        await client.get(f"/api/v1/customers/{customer_id}/interactions", headers=staff.supervisor.headers)
    )
    assert history["items"] == []


async def agent_moves(client: Client, agent_headers: dict[str, str], iid: int, to: str, **fields: Any) -> Any:
    url = f"/api/v1/interactions/{iid}/transitions"
    return await ok(await client.post(url, json={"to": to, **fields}, headers=agent_headers))


async def test_whole_state_machine_with_timestamps(
    client: Client, staff: Staff, container: Container
) -> None:
    agent = await new_agent(container)
    customer_id = await make_customer(client, staff)
    doc = await open_interaction(client, staff, customer_id=customer_id, channel="chat")
    iid = doc["id"]
    await offer_to(container, iid, agent.agent_id)
    doc = await ok(await client.get(f"/api/v1/interactions/{iid}", headers=agent.headers))
    assert (doc["state"], doc["agent_id"]) == ("offered", agent.agent_id)
    doc = await ok(await client.post(f"/api/v1/interactions/{iid}/accept", headers=agent.headers))
    assert doc["answered_at"] is not None
    await agent_moves(client, agent.headers, iid, "wrap_up", wrap_up_code="resolved")
    doc = await agent_moves(client, agent.headers, iid, "closed")
    assert (doc["state"], doc["wrap_up_code"], doc["allowed_transitions"]) == ("closed", "resolved", [])
    assert doc["closed_at"] is not None
    assert path(doc) == [
        ("new", "queued"),
        ("queued", "offered"),
        ("offered", "active"),
        ("active", "wrap_up"),
        ("wrap_up", "closed"),
    ]
    times = [t["at"] for t in doc["transitions"]]
    assert all(times) and times == sorted(times)


async def test_offer_declined_goes_back_to_queue(client: Client, staff: Staff, container: Container) -> None:
    agent = await new_agent(container)
    customer_id = await make_customer(client, staff)
    iid = (await open_interaction(client, staff, customer_id=customer_id, channel="voice"))["id"]
    await offer_to(container, iid, agent.agent_id)
    await ok(await client.post(f"/api/v1/interactions/{iid}/reject", headers=agent.headers))
    doc = await ok(await client.get(f"/api/v1/interactions/{iid}", headers=staff.supervisor.headers))
    assert (doc["state"], doc["agent_id"]) == ("queued", None)


async def test_pending_only_for_email_and_sms(client: Client, staff: Staff) -> None:
    customer_id = await make_customer(client, staff)
    for channel in ("email", "sms"):
        doc = await open_interaction(
            client, staff, customer_id=customer_id, channel=channel, agent_id=staff.agent.agent_id
        )
        doc = await move(client, staff, doc["id"], "pending")
        assert doc["state"] == "pending"
        assert (await move(client, staff, doc["id"], "queued"))["state"] == "queued"
    for channel in ("voice", "chat"):
        doc = await open_interaction(
            client, staff, customer_id=customer_id, channel=channel, agent_id=staff.agent.agent_id
        )
        url = f"/api/v1/interactions/{doc['id']}/transitions"
        resp = await client.post(url, json={"to": "pending"}, headers=staff.supervisor.headers)
        await error_of(resp, 409, "illegal_transition")
        after = await ok(
            await client.get(f"/api/v1/interactions/{doc['id']}", headers=staff.supervisor.headers)
        )
        assert after == doc


async def test_transfer_requeues_to_another_queue(client: Client, staff: Staff) -> None:
    first, second = await make_queue(client, staff, ["voice"]), await make_queue(client, staff, ["voice"])
    customer_id = await make_customer(client, staff)
    doc = await open_interaction(
        client,
        staff,
        customer_id=customer_id,
        channel="voice",
        queue=first["name"],
        agent_id=staff.agent.agent_id,
    )
    doc = await move(client, staff, doc["id"], "transferred", queue=second["name"])
    assert (doc["state"], doc["queue_id"], doc["agent_id"]) == ("queued", second["id"], None)
    assert path(doc)[-2:] == [("active", "transferred"), ("transferred", "queued")]
    assert doc["transitions"][-1]["queue_id"] == second["id"]


async def test_illegal_transition_is_409_and_changes_nothing(client: Client, staff: Staff) -> None:
    customer_id = await make_customer(client, staff)
    doc = await open_interaction(client, staff, customer_id=customer_id, channel="sms")
    url = f"/api/v1/interactions/{doc['id']}"
    for body in ({"to": "wrap_up", "wrap_up_code": "x"}, {"to": "pending"}, {"to": "new"}):
        resp = await client.post(f"{url}/transitions", json=body, headers=staff.supervisor.headers)
        await error_of(resp, 409, "illegal_transition")
    assert await ok(await client.get(url, headers=staff.supervisor.headers)) == doc
    resp = await client.post(f"{url}/transitions", json={"to": "offered"}, headers=staff.supervisor.headers)
    await error_of(resp, 422, "offer_by_router_only")
    resp = await client.post(f"{url}/transitions", json={"to": "sideways"}, headers=staff.supervisor.headers)
    await error_of(resp, 422)
    assert await ok(await client.get(url, headers=staff.supervisor.headers)) == doc


async def test_unknown_interaction_is_404_and_bad_id_400(client: Client, staff: Staff) -> None:
    headers = staff.supervisor.headers
    await error_of(await client.get("/api/v1/interactions/2000000000", headers=headers), 404, "not_found")
    resp = await client.post(
        "/api/v1/interactions/2000000000/transitions", json={"to": "closed"}, headers=headers
    )
    await error_of(resp, 404)
    await error_of(await client.get("/api/v1/interactions/abc", headers=headers), 400, "invalid_input")
    resp = await client.post("/api/v1/interactions/x1/transitions", json={"to": "closed"}, headers=headers)
    await error_of(resp, 400)


async def list_ids(client: Client, staff: Staff, **params: Any) -> list[int]:
    resp = await client.get("/api/v1/interactions", params=params, headers=staff.supervisor.headers)
    return [i["id"] for i in (await ok(resp))["items"]]


async def test_list_filters_each_alone(client: Client, staff: Staff) -> None:
    queue = await make_queue(client, staff, ["sms", "voice", "email"])
    customer_id = await make_customer(client, staff)
    a = await open_interaction(client, staff, customer_id=customer_id, channel="sms", queue=queue["name"])
    b = await open_interaction(
        client,
        staff,
        customer_id=customer_id,
        channel="voice",
        queue=queue["name"],
        agent_id=staff.agent.agent_id,
    )
    other = await make_queue(client, staff, ["email"])
    c = await open_interaction(client, staff, customer_id=customer_id, channel="email", queue=other["name"])
    assert await list_ids(client, staff, customer_id=customer_id) == [c["id"], b["id"], a["id"]]
    assert await list_ids(client, staff, queue_id=queue["id"]) == [b["id"], a["id"]]
    mine = await list_ids(client, staff, customer_id=customer_id, agent_id=staff.agent.agent_id)
    assert mine == [b["id"]]
    assert b["id"] in await list_ids(client, staff, agent_id=staff.agent.agent_id, limit=200)
    assert await list_ids(client, staff, customer_id=customer_id, state="active") == [b["id"]]
    assert await list_ids(client, staff, customer_id=customer_id, channel="email") == [c["id"]]
    assert c["id"] in await list_ids(client, staff, channel="email", limit=200)
    assert a["id"] in await list_ids(client, staff, state="queued", limit=200)
    after = await list_ids(client, staff, customer_id=customer_id, created_after=b["created_at"])
    assert after == [c["id"], b["id"]]
    before = await list_ids(client, staff, customer_id=customer_id, created_before=b["created_at"])
    assert before == [a["id"]]
    assert await list_ids(client, staff, created_after=c["created_at"], created_before=b["created_at"]) == []


async def test_list_cursor_pages_newest_first_without_gaps(client: Client, staff: Staff) -> None:
    customer_id = await make_customer(client, staff)
    opened = [
        (await open_interaction(client, staff, customer_id=customer_id, channel="chat"))["id"]
        for _ in range(5)
    ]
    seen: list[int] = []
    params: dict[str, Any] = {"customer_id": customer_id, "limit": 2}
    for _ in range(5):
        page = await ok(
            await client.get("/api/v1/interactions", params=params, headers=staff.supervisor.headers)
        )
        seen += [i["id"] for i in page["items"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert seen == opened[::-1]


async def test_list_refuses_bad_filters(client: Client, staff: Staff) -> None:
    for params in (
        {"state": "bogus"},
        {"channel": "fax"},
        {"queue_id": "abc"},
        {"customer_id": "99999999999999999999"},
        {"agent_id": "-1"},
        {"created_after": "yesterday"},
        {"created_after": "2026-01-01T00:00:00"},
        {"created_before": "0001-01-01T00:00:00+05:00"},
        {"cursor": "zzz"},
        {"limit": "201"},
    ):
        resp = await client.get("/api/v1/interactions", params=params, headers=staff.supervisor.headers)
        await error_of(resp, 400)


async def test_the_offered_agent_accepts_over_http_and_nobody_else_can(
    client: TestClient[Any, Any], container: Container
) -> None:
    offered, other = await new_agent(container), await new_agent(container)
    received = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=unique("visitor"), body="hello")
    )
    iid = received.interaction_id
    epoch = await current_epoch(container.uow()) + 1  # written as the leading router would
    await claim_epoch(container.uow(), epoch, "test")
    expires = datetime.now(UTC) + timedelta(seconds=60)
    await container.bus.handle(
        OfferInteraction(
            interaction_id=iid, agent_id=offered.agent_id, expires_at=expires, reason="t", epoch=epoch
        )
    )
    url = f"/api/v1/interactions/{iid}/accept"
    # Not offered to them: as absent to them as an interaction that does not exist.
    await error_of(await client.post(url, headers=other.headers), 404, "not_found")
    body = await ok(await client.post(url, headers=offered.headers))
    assert (body["id"], body["state"], body["agent_id"]) == (iid, "active", offered.agent_id)
    assert body["answered_at"] and body["customer_id"] == received.customer_id
    await error_of(await client.post(url, headers=offered.headers), 409, "conflict")  # answered already
    await error_of(await client.post("/api/v1/interactions/999999999/accept", headers=offered.headers), 404)
