"""Export of everything held about a person, and the access log of who read their record."""

from __future__ import annotations

from contact_center.bootstrap import Container
from tests.contact_center.api.conftest import Staff, ok
from tests.contact_center.privacy.helpers import Client, make_person


async def test_the_export_holds_everything_about_the_person_in_clear(
    container: Container, client: Client, staff: Staff
) -> None:
    person = await make_person(container, client, staff)
    v = person.values
    resp = await client.get(f"/api/v1/customers/{person.merged_id}/export", headers=staff.admin.headers)
    export = await ok(resp)
    assert resp.headers["Content-Disposition"] == f'attachment; filename="customer-{person.customer_id}.json"'
    assert export["customer"]["id"] == person.customer_id  # found by the merged id too
    assert export["customer"]["name"] == v["renamed"] and export["customer"]["company"] == v["company"]
    assert [c["id"] for c in export["merged_customers"]] == [person.merged_id]
    assert export["merged_customers"][0]["name"] == v["other_name"]
    assert {i["address"] for i in export["identities"]} == {
        f"+{v['phone']}",
        f"+{v['other_phone']}",
        v["email"],
    }
    interactions = {i["id"]: i for i in export["interactions"]}
    assert set(interactions) == set(person.interaction_ids)
    bodies = {m["body"] for i in interactions.values() for m in i["messages"]}
    assert {v["sms"], v["email_body"], v["other_sms"], v["out_body"]} <= bodies
    assert {v["email_subject"], v["out_subject"]} <= {i["subject"] for i in interactions.values()}
    assert all(i["transitions"] for i in interactions.values())
    assert v["whisper"] not in str(export)  # coaching only its agent sees, never the customer's copy
    assert [n["body"] for n in export["notes"]] == [v["note"]]
    assert [t["title"] for t in export["follow_ups"]] == [v["task"]]
    assert [(s["score"], s["comment"]) for s in export["satisfaction_scores"]] == [(4, v["comment"])]
    audit = {(e["entity"], e["action"]) for e in export["audit"]}
    assert {("customer", "create"), ("customer", "update"), ("customer", "merge")} <= audit
    assert {("interaction", "create"), ("interaction", "transition")} <= audit
    [renamed] = [e for e in export["audit"] if e["action"] == "update"]
    assert renamed["changes"]["before"] == {"name": v["name"]}  # opened with the customer's key
    kinds = [(a["kind"], a["actor"]) for a in export["access_log"]]
    assert ("view", f"agent:{staff.supervisor.username}") in kinds
    assert kinds[-1] == ("export", f"agent:{staff.admin.username}")  # the export logs itself first
    assert ("customer", "export") in audit


async def test_views_history_reads_and_exports_are_logged_with_who_and_when(
    container: Container, client: Client, staff: Staff
) -> None:
    created = await ok(
        await client.post("/api/v1/customers", json={"name": "Looked At"}, headers=staff.admin.headers), 201
    )
    cid = created["id"]
    url = f"/api/v1/customers/{cid}/access-log"
    assert (await ok(await client.get(url, headers=staff.supervisor.headers)))["items"] == []
    assert (await ok(await client.get("/api/v1/customers?q=Looked", headers=staff.supervisor.headers)))[
        "items"
    ]
    await ok(await client.get(f"/api/v1/customers/{cid}", headers=staff.supervisor.headers))
    await ok(await client.get(f"/api/v1/customers/{cid}/interactions", headers=staff.admin.headers))
    opened = await ok(
        await client.post(
            "/api/v1/interactions",
            json={"customer_id": cid, "channel": "email", "subject": "a question"},
            headers=staff.admin.headers,
        ),
        201,
    )
    await ok(await client.get(f"/api/v1/interactions/{opened['id']}", headers=staff.supervisor.headers))
    await ok(await client.get(f"/api/v1/customers/{cid}/export", headers=staff.admin.headers))
    await ok(await client.get(f"/api/v1/customers/{cid}/audit", headers=staff.supervisor.headers))
    items = (await ok(await client.get(url, headers=staff.supervisor.headers)))["items"]
    assert [(a["kind"], a["agent_id"], a["actor"]) for a in items] == [
        ("view", staff.supervisor.agent_id, f"agent:{staff.supervisor.username}"),
        ("history", staff.admin.agent_id, f"agent:{staff.admin.username}"),
        ("conversation", staff.supervisor.agent_id, f"agent:{staff.supervisor.username}"),
        ("export", staff.admin.agent_id, f"agent:{staff.admin.username}"),
        ("audit", staff.supervisor.agent_id, f"agent:{staff.supervisor.username}"),
    ]  # a search lists customers without a row per customer; reading the log is not logged
    assert all(a["customer_id"] == cid and a["at"] for a in items)


async def test_a_missing_customer_is_not_found_on_every_route_that_reads_one(
    client: Client, staff: Staff
) -> None:
    for path in ("", "/interactions", "/export", "/audit", "/access-log"):
        resp = await client.get(f"/api/v1/customers/999999999{path}", headers=staff.admin.headers)
        assert resp.status == 404, path
