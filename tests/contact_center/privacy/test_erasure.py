"""Erasure on both databases: afterwards no table holds any of the person's values, while what
reports count is unchanged; the audit trail says what was erased; erasing again is harmless."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col, select

from contact_center.bootstrap import Container
from contact_center.storage.outbox import OutboxEvent
from tests.contact_center.api.conftest import Staff, error_of, ok
from tests.contact_center.privacy.helpers import Client, make_person, statistics, tables_holding

#: Where the person's values sit before erasure (the search must see them, or it proves nothing).
HELD_BEFORE = {
    "customer",
    "customer_identity",
    "interaction",
    "message",
    "note",
    "follow_up_task",
    "satisfaction_score",
    "whisper",
    "outbox_event",  # the legacy row below: `customer.created` no longer carries the name
    "idempotency_key",
    "job",
}


async def add_legacy_created_event(container: Container, customer_id: int, name: str) -> None:
    """An outbox row as versions before the name was dropped from `customer.created` wrote it."""
    async with container.uow() as uow:
        now = uow.now()
        payload = json.dumps(
            {"customer_id": customer_id, "name": name, "at": now.isoformat()}, ensure_ascii=False
        )
        uow.session.add(
            OutboxEvent(event_type="customer.created", payload=payload, created_at=now, published_at=now)
        )
        await uow.commit()


async def erased_events(container: Container, customer_id: int) -> list[dict[str, Any]]:
    async with container.read_uow() as uow:
        stmt = select(OutboxEvent.payload).where(col(OutboxEvent.event_type) == "customer.erased")
        payloads = [json.loads(p) for p in (await uow.session.exec(stmt)).all()]
    return [p for p in payloads if p["customer_id"] == customer_id]


async def test_after_erasure_no_table_holds_the_persons_data_and_reports_count_the_same(
    container: Container, client: Client, staff: Staff
) -> None:
    person = await make_person(container, client, staff)
    await add_legacy_created_event(container, person.customer_id, person.values["name"])
    before = await tables_holding(container, person.values)
    assert set(before) == HELD_BEFORE, before
    assert "audit_entry" not in before  # sealed from the start: the log never held them in clear
    counted = await statistics(container)

    answer = await ok(
        await client.post(f"/api/v1/customers/{person.customer_id}/erase", headers=staff.admin.headers)
    )

    assert answer["customer_ids"] == [person.customer_id, person.merged_id]
    assert answer["already_erased"] is False
    assert await tables_holding(container, person.values) == {}
    assert await statistics(container) == counted
    [event] = await erased_events(container, person.customer_id)
    assert event["customer_ids"] == [person.customer_id, person.merged_id]
    customer = await ok(
        await client.get(f"/api/v1/customers/{person.customer_id}", headers=staff.admin.headers)
    )
    assert customer["name"] == "" and customer["identities"] == [] and customer["erased_at"]
    history = await ok(
        await client.get(f"/api/v1/customers/{person.customer_id}/interactions", headers=staff.admin.headers)
    )
    assert sorted(i["id"] for i in history["items"]) == sorted(person.interaction_ids)
    assert {i["subject"] for i in history["items"]} == {""}


async def test_audit_entries_read_decrypted_before_erasure_and_erased_after(
    container: Container, client: Client, staff: Staff
) -> None:
    person = await make_person(container, client, staff)
    url = f"/api/v1/customers/{person.customer_id}/audit"
    entries = (await ok(await client.get(url, headers=staff.supervisor.headers)))["items"]
    personal = [e for e in entries if e["entity"] == "customer" and e["action"] in ("create", "update")]
    assert len(personal) == 3  # created, renamed, and the merged customer created by its first SMS
    created, renamed, first_sms = sorted(personal, key=lambda e: e["id"])
    assert created["changes"]["name"] == person.values["name"]
    assert f"phone:+{person.values['phone']}" in created["changes"]["identities"]
    assert renamed["changes"]["after"] == {"name": person.values["renamed"]}
    assert renamed["changes"]["fields"] == ["name"]
    assert first_sms["changes"]["identity"] == f"phone:+{person.values['other_phone']}"
    assert {e["action"] for e in entries} >= {"create", "update", "merge", "transition"}

    await ok(await client.post(f"/api/v1/customers/{person.customer_id}/erase", headers=staff.admin.headers))

    after = {e["id"]: e for e in (await ok(await client.get(url, headers=staff.supervisor.headers)))["items"]}
    for entry in personal:
        changes = after[entry["id"]]["changes"]
        assert changes["erased"] is True
        assert changes["fields"] == entry["changes"]["fields"]  # the fact of the change stays
        assert not set(changes) & {"name", "after", "before", "identity", "identities"}
    [erase] = [e for e in after.values() if e["action"] == "erase"]
    assert erase["actor"] == f"agent:{staff.admin.username}"
    assert erase["changes"]["customer_ids"] == [person.customer_id, person.merged_id]


async def test_erasing_again_is_harmless_and_announced_once(
    container: Container, client: Client, staff: Staff
) -> None:
    person = await make_person(container, client, staff)
    url = f"/api/v1/customers/{person.customer_id}/erase"
    first = await ok(await client.post(url, headers=staff.admin.headers))
    again = await ok(
        await client.post(f"/api/v1/customers/{person.merged_id}/erase", headers=staff.admin.headers)
    )
    assert again["already_erased"] is True
    assert again["erased_at"] == first["erased_at"]
    assert again["customer_ids"] == first["customer_ids"]
    assert len(await erased_events(container, person.customer_id)) == 1
    refused = await client.patch(
        f"/api/v1/customers/{person.customer_id}", json={"name": "Back"}, headers=staff.admin.headers
    )
    await error_of(refused, 409, "erased")


async def test_a_replayed_request_whose_answer_held_the_customer_gets_410(
    container: Container, client: Client, staff: Staff
) -> None:
    key = {**staff.admin.headers, "Idempotency-Key": "privacy-replay-" + str(id(object()))}
    body = {"name": "Replay Person Xq", "emails": [f"replay{id(key)}@example.com"]}
    created = await ok(await client.post("/api/v1/customers", json=body, headers=key), 201)
    await ok(await client.post(f"/api/v1/customers/{created['id']}/erase", headers=staff.admin.headers))
    replayed = await client.post("/api/v1/customers", json=body, headers=key)
    error = await error_of(replayed, 410, "erased")
    assert "Replay Person" not in json.dumps(error)


async def test_only_an_admin_may_export_or_erase(client: Client, staff: Staff) -> None:
    created = await ok(
        await client.post("/api/v1/customers", json={"name": "Guarded"}, headers=staff.admin.headers), 201
    )
    cid = created["id"]
    for user in (staff.agent, staff.supervisor, staff.planner):
        await error_of(
            await client.get(f"/api/v1/customers/{cid}/export", headers=user.headers), 403, "forbidden"
        )
        await error_of(
            await client.post(f"/api/v1/customers/{cid}/erase", headers=user.headers), 403, "forbidden"
        )
    for user in (staff.agent, staff.planner):
        for what in ("audit", "access-log"):
            resp = await client.get(f"/api/v1/customers/{cid}/{what}", headers=user.headers)
            await error_of(resp, 403, "forbidden")
    for method, path in (("get", "export"), ("post", "erase"), ("get", "audit"), ("get", "access-log")):
        await error_of(
            await client.request(method, f"/api/v1/customers/{cid}/{path}"), 401, "unauthenticated"
        )
    await error_of(await client.post("/api/v1/customers/999999999/erase", headers=staff.admin.headers), 404)
    still = await ok(await client.get(f"/api/v1/customers/{cid}", headers=staff.admin.headers))
    assert still["name"] == "Guarded" and still["erased_at"] is None
