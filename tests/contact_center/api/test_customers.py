"""/api/v1/customers: identities, search in any script and phone format, paging, updates and merges."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient

from tests.conftest import unique
from tests.contact_center.api.conftest import Staff, error_of, ok, phone_number

Client = TestClient[Any, Any]


async def create(client: Client, staff: Staff, **fields: Any) -> dict[str, Any]:
    body = {"name": unique("Customer "), **fields}
    return dict(
        await ok(await client.post("/api/v1/customers", json=body, headers=staff.supervisor.headers), 201)
    )


async def search(client: Client, staff: Staff, q: str, **params: str) -> list[dict[str, Any]]:
    resp = await client.get("/api/v1/customers", params={"q": q, **params}, headers=staff.supervisor.headers)
    return list((await ok(resp))["items"])


def national(e164: str) -> str:
    """+14155550101 -> (415) 555-0101"""
    digits = e164.removeprefix("+1")
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


async def test_create_normalises_phones_and_emails(client: Client, staff: Staff) -> None:
    phone = phone_number()
    local = unique("Alice.")
    created = await create(client, staff, phones=[national(phone)], emails=[f"  {local}@Example.ORG "])
    assert {(i["kind"], i["address"]) for i in created["identities"]} == {
        ("phone", phone),
        ("email", f"{local.lower()}@example.org"),
    }
    fetched = await ok(
        await client.get(f"/api/v1/customers/{created['id']}", headers=staff.supervisor.headers)
    )
    assert fetched == created


async def test_duplicate_identity_is_409_and_stores_nothing(client: Client, staff: Staff) -> None:
    phone = phone_number()
    await create(client, staff, phones=[phone])
    name = unique("Dup ")
    resp = await client.post(
        "/api/v1/customers",
        json={"name": name, "phones": [national(phone)]},
        headers=staff.supervisor.headers,
    )
    await error_of(resp, 409, "conflict")
    assert await search(client, staff, name) == []


async def test_same_phone_twice_in_one_request_is_not_a_500(client: Client, staff: Staff) -> None:
    phone, name = phone_number(), unique("Twice ")
    resp = await client.post(
        "/api/v1/customers",
        json={"name": name, "phones": [phone, national(phone)]},
        headers=staff.supervisor.headers,
    )
    if resp.status == 201:
        assert [i["address"] for i in (await resp.json())["identities"]] == [phone]
    else:
        await error_of(resp, 409, "conflict")
        assert await search(client, staff, name) == []


async def test_concurrent_claims_of_one_phone_give_one_201_and_409s(client: Client, staff: Staff) -> None:
    phone, name = phone_number(), unique("Race ")

    async def attempt(n: int) -> int:
        body = {"name": f"{name} {n}", "phones": [phone]}
        resp = await client.post("/api/v1/customers", json=body, headers=staff.supervisor.headers)
        if resp.status != 201:
            await error_of(resp, 409, "conflict")
        return resp.status

    statuses = await asyncio.gather(*(attempt(n) for n in range(5)))
    assert sorted(statuses) == [201, 409, 409, 409, 409]
    assert len(await search(client, staff, name)) == 1


async def test_bad_phone_or_email_is_400(client: Client, staff: Staff) -> None:
    for fields in ({"phones": ["call me maybe"]}, {"emails": ["no-at-sign"]}):
        resp = await client.post(
            "/api/v1/customers", json={"name": "x", **fields}, headers=staff.supervisor.headers
        )
        await error_of(resp, 400, "invalid_input")


async def test_search_finds_chinese_name_by_substring(client: Client, staff: Staff) -> None:
    tag = unique("")
    created = await create(client, staff, name=f"王小明{tag}")
    assert [c["id"] for c in await search(client, staff, f"小明{tag}")] == [created["id"]]
    assert created["id"] in [c["id"] for c in await search(client, staff, "小明")]


async def test_search_by_phone_part_in_any_format(client: Client, staff: Staff) -> None:
    phone = phone_number()
    created = await create(client, staff, phones=[phone])
    digits = phone.removeprefix("+1")
    for q in (f"{digits[3:6]}-{digits[6:]}", f"({digits[:3]}) {digits[3:6]}", national(phone), phone):
        found = [c["id"] for c in await search(client, staff, q, limit="200")]
        assert created["id"] in found, q


async def test_search_by_email_part_case_insensitive_and_company(client: Client, staff: Staff) -> None:
    local = unique("mail")
    company = unique("Acme ")
    created = await create(client, staff, emails=[f"{local}@corp.example"], company=company)
    assert [c["id"] for c in await search(client, staff, local.upper())] == [created["id"]]
    assert [c["id"] for c in await search(client, staff, company.lower())] == [created["id"]]
    assert await search(client, staff, unique("nobody")) == []
    assert await search(client, staff, "100%_" + unique("")) == []


async def test_cursor_pages_have_no_duplicates_or_gaps(client: Client, staff: Staff) -> None:
    company = unique("Paged ")
    ids = [(await create(client, staff, company=company))["id"] for _ in range(7)]
    seen: list[int] = []
    params = {"q": company, "limit": "3"}
    for _ in range(5):
        page = await ok(
            await client.get("/api/v1/customers", params=params, headers=staff.supervisor.headers)
        )
        seen += [c["id"] for c in page["items"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert seen == ids
    listed = await ok(
        await client.get("/api/v1/customers", params={"limit": "2"}, headers=staff.supervisor.headers)
    )
    assert len(listed["items"]) == 2 and listed["next_cursor"]


async def test_bad_cursor_or_limit_is_400(client: Client, staff: Staff) -> None:
    for params in (
        {"cursor": "!!garbage"},
        {"cursor": "aWQ6eHl6"},  # id:xyz
        {"cursor": "aWQ6OTk5OTk5OTk5OTk5OTk5OTk5OTk5"},  # id:999999999999999999999
        {"limit": "0"},
        {"limit": "many"},
        {"limit": "1_0"},
        {"q": "a\x00b"},
        {"q": "x" * 201},
    ):
        resp = await client.get("/api/v1/customers", params=params, headers=staff.supervisor.headers)
        await error_of(resp, 400)


async def test_patch_updates_known_fields(client: Client, staff: Staff) -> None:
    created = await create(client, staff)
    resp = await client.patch(
        f"/api/v1/customers/{created['id']}",
        json={"company": "Initech", "customer_class": "vip", "tags": ["b2b"], "value": 12},
        headers=staff.supervisor.headers,
    )
    doc = await ok(resp)
    assert (doc["company"], doc["customer_class"], doc["tags"], doc["value"]) == (
        "Initech",
        "vip",
        ["b2b"],
        12,
    )


async def test_patch_with_unknown_field_or_wrong_type_is_422_and_changes_nothing(
    client: Client, staff: Staff
) -> None:
    created = await create(client, staff, company="Before")
    url = f"/api/v1/customers/{created['id']}"
    bad_bodies: list[dict[str, Any]] = [
        {"company": "After", "colour": "blue"},
        {"company": "After", "value": "lots"},
        {"company": "After", "tags": "one"},
        {"company": 5},
        {"name": None},
        {"company": None},
        {"tags": None},
        {"customer_class": None},
        {"name": "x" * 201},
        {"owner_agent_id": 2**40},
    ]
    for body in bad_bodies:
        await error_of(await client.patch(url, json=body, headers=staff.supervisor.headers), 422)
    assert await ok(await client.get(url, headers=staff.supervisor.headers)) == created


async def test_unknown_customer_is_404_and_bad_id_400(client: Client, staff: Staff) -> None:
    headers = staff.supervisor.headers
    await error_of(await client.get("/api/v1/customers/2000000000", headers=headers), 404, "not_found")
    await error_of(await client.get("/api/v1/customers/99999999999999999999", headers=headers), 404)
    for bad in ("abc", "0", "-3", "1.5", "1_0"):
        await error_of(await client.get(f"/api/v1/customers/{bad}", headers=headers), 400)


async def open_for(client: Client, staff: Staff, customer_id: int, channel: str = "sms") -> dict[str, Any]:
    body = {"customer_id": customer_id, "channel": channel, "subject": "hi", "body": "hello"}
    if channel == "chat":  # no outbound chat line: a chat adapter of another test would send it
        del body["body"]
    return dict(
        await ok(await client.post("/api/v1/interactions", json=body, headers=staff.supervisor.headers), 201)
    )


async def test_merge_keeps_all_history(client: Client, staff: Staff) -> None:
    tag = unique("")
    phone, email = phone_number(), f"{tag}@merge.example"
    survivor = await create(client, staff, name=f"Keep {tag}", phones=[phone])
    merged = await create(client, staff, name=f"Gone {tag}", emails=[email], tags=["x"])
    kept = await open_for(client, staff, survivor["id"])
    moved = await open_for(client, staff, merged["id"], "email")
    resp = await client.post(
        f"/api/v1/customers/{survivor['id']}/merge",
        json={"merge_id": merged["id"]},
        headers=staff.supervisor.headers,
    )
    doc = await ok(resp)
    assert {i["address"] for i in doc["identities"]} == {phone, email}
    assert doc["tags"] == ["x"]
    history = await ok(
        await client.get(f"/api/v1/customers/{survivor['id']}/interactions", headers=staff.supervisor.headers)
    )
    assert [i["id"] for i in history["items"]] == [moved["id"], kept["id"]]  # newest first
    assert all(i["customer_id"] == survivor["id"] for i in history["items"])
    gone = await ok(await client.get(f"/api/v1/customers/{merged['id']}", headers=staff.supervisor.headers))
    assert gone["merged_into_id"] == survivor["id"] and gone["identities"] == []
    assert [c["id"] for c in await search(client, staff, tag)] == [survivor["id"]]
    assert [c["id"] for c in await search(client, staff, email)] == [survivor["id"]]
    again = await client.post(
        f"/api/v1/customers/{survivor['id']}/merge",
        json={"merge_id": merged["id"]},
        headers=staff.admin.headers,
    )
    await error_of(again, 409, "conflict")
    patched = await client.patch(
        f"/api/v1/customers/{merged['id']}", json={"company": "x"}, headers=staff.supervisor.headers
    )
    await error_of(patched, 409)


async def test_merge_into_itself_is_400_and_unknown_404(client: Client, staff: Staff) -> None:
    created = await create(client, staff)
    url = f"/api/v1/customers/{created['id']}/merge"
    headers = staff.supervisor.headers
    await error_of(await client.post(url, json={"merge_id": created["id"]}, headers=headers), 400)
    await error_of(await client.post(url, json={"merge_id": 2_000_000_000}, headers=headers), 404)
    await error_of(await client.post(url, json={"merge_id": "2"}, headers=headers), 422)
    await error_of(await client.post(url, json={"merge_id": 2**63}, headers=headers), 422)


async def test_history_is_newest_first_paged_across_channels_and_404_for_unknown(
    client: Client, staff: Staff
) -> None:
    created = await create(client, staff)
    opened = [await open_for(client, staff, created["id"], ch) for ch in ("sms", "voice", "email", "chat")]
    url = f"/api/v1/customers/{created['id']}/interactions"
    newest_first = [(o["id"], o["channel"]) for o in reversed(opened)]
    history = await ok(await client.get(url, headers=staff.supervisor.headers))
    assert [(i["id"], i["channel"]) for i in history["items"]] == newest_first
    assert history["next_before"] is None
    first = await ok(await client.get(f"{url}?limit=3", headers=staff.supervisor.headers))
    assert [(i["id"], i["channel"]) for i in first["items"]] == newest_first[:3]
    assert first["next_before"] == newest_first[2][0]
    rest = await ok(
        await client.get(f"{url}?limit=3&before={first['next_before']}", headers=staff.supervisor.headers)
    )
    assert [(i["id"], i["channel"]) for i in rest["items"]] == newest_first[3:]
    assert {"agent_name", "satisfaction_score", "wrap_up_code", "closed_at", "subject"} <= set(
        rest["items"][0]
    )
    await error_of(await client.get(f"{url}?before=abc", headers=staff.supervisor.headers), 400)
    resp = await client.get("/api/v1/customers/2000000000/interactions", headers=staff.supervisor.headers)
    await error_of(resp, 404)
