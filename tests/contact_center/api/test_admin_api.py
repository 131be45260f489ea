"""What the admin pages need of the API beyond what it had: the audit log with filters and paging,
a password reset, the wrap-up code catalogue, queue holidays and checked hours, and chat sites.
Every refusal names its field and changes nothing. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from tests.conftest import unique
from tests.contact_center.api.conftest import PASSWORD, Staff, error_of, ok, sign_up

Client = TestClient[Any, Any]


async def test_the_audit_log_filters_by_actor_entity_action_and_time_and_pages_back(
    client: Client, staff: Staff, container: Any
) -> None:
    admin = staff.admin.headers
    started = datetime.now(UTC) - timedelta(seconds=1)
    queue = await ok(await client.post("/api/v1/queues", json={"name": unique("aq")}, headers=admin), 201)
    for priority in (1, 2, 3):
        resp = await client.patch(f"/api/v1/queues/{queue['id']}", json={"priority": priority}, headers=admin)
        await ok(resp)
    query = {"entity": "queue", "entity_id": str(queue["id"])}
    page = await ok(await client.get("/api/v1/audit", params=query, headers=admin))
    assert [e["action"] for e in page["items"]] == ["update", "update", "update", "create"]
    assert page["items"][0]["changes"] == {"priority": {"from": 2, "to": 3}}
    assert page["items"][0]["actor"] == f"agent:{staff.admin.username}"

    first = await ok(await client.get("/api/v1/audit", params={**query, "limit": "2"}, headers=admin))
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = await ok(
        await client.get(
            "/api/v1/audit", params={**query, "limit": "2", "cursor": first["next_cursor"]}, headers=admin
        )
    )
    assert [e["id"] for e in first["items"] + second["items"]] == [e["id"] for e in page["items"]]

    created = await ok(await client.get("/api/v1/audit", params={**query, "action": "create"}, headers=admin))
    assert [e["action"] for e in created["items"]] == ["create"]
    by_actor = await ok(
        await client.get(
            "/api/v1/audit", params={**query, "actor": staff.admin.username.upper()}, headers=admin
        )
    )
    assert len(by_actor["items"]) == 4  # a part of the actor, in any case
    nobody = await ok(await client.get("/api/v1/audit", params={**query, "actor": "nobody%"}, headers=admin))
    assert nobody["items"] == []  # % is a character here, not a wildcard
    window = {"since": started.isoformat(), "until": (started + timedelta(hours=1)).isoformat()}
    recent = await ok(await client.get("/api/v1/audit", params={**query, **window}, headers=admin))
    assert len(recent["items"]) == 4
    past = {"until": started.isoformat()}
    assert (await ok(await client.get("/api/v1/audit", params={**query, **past}, headers=admin)))[
        "items"
    ] == []

    backwards = {"since": window["until"], "until": window["since"]}
    error = await error_of(await client.get("/api/v1/audit", params=backwards, headers=admin), 400)
    assert error["field"] == "until"
    await error_of(await client.get("/api/v1/audit", headers=staff.supervisor.headers), 403)


async def test_a_reset_password_is_shown_once_ends_every_session_and_signs_in(
    client: Client, staff: Staff, container: Any
) -> None:
    user = await sign_up(container, client)
    url = f"/api/v1/agents/{user.agent_id}/reset-password"
    weak = await client.post(url, json={"password": "short"}, headers=staff.admin.headers)
    assert (await error_of(weak, 422))["field"] == "password"
    await ok(await client.get("/api/v1/me", headers=user.headers))  # refused: nothing changed

    answer = await ok(await client.post(url, json={}, headers=staff.admin.headers))
    temporary = answer["password"]
    assert isinstance(temporary, str) and len(temporary) == 16
    await error_of(await client.get("/api/v1/me", headers=user.headers), 401)
    old = await client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD})
    await error_of(old, 401)
    await ok(
        await client.post("/api/v1/auth/token", json={"username": user.username, "password": temporary}), 201
    )

    chosen = await ok(
        await client.post(url, json={"password": "a new long passphrase"}, headers=staff.admin.headers)
    )
    assert chosen["password"] is None  # the admin knows it: not echoed
    audit = await ok(
        await client.get(
            "/api/v1/audit",
            params={"entity": "agent", "entity_id": str(user.agent_id)},
            headers=staff.admin.headers,
        )
    )
    resets = [
        e for e in audit["items"] if e["action"] == "update" and e["changes"].get("password") == "changed"
    ]
    assert len(resets) == 2
    assert temporary not in str(audit)


async def test_queue_hours_and_holidays_are_checked_and_a_refusal_changes_nothing(
    client: Client, staff: Staff
) -> None:
    admin = staff.admin.headers
    body = {
        "name": unique("hq"),
        "business_hours": {"mon": [["13:00", "18:00"], ["09:00", "12:00"]], "sat": []},
        "holidays": ["2026-12-25", "2026-01-01", "2026-12-25"],
        "timezone": "Asia/Shanghai",
    }
    queue = await ok(await client.post("/api/v1/queues", json=body, headers=admin), 201)
    assert queue["business_hours"] == {"mon": [["09:00", "12:00"], ["13:00", "18:00"]]}
    assert queue["holidays"] == ["2026-01-01", "2026-12-25"]
    url = f"/api/v1/queues/{queue['id']}"
    for change, field in (
        ({"business_hours": {"tue": [["09:00", "12:00"], ["11:00", "14:00"]]}}, "business_hours"),
        ({"business_hours": {"tue": [["17:00", "09:00"]]}}, "business_hours"),
        ({"business_hours": {"tue": [["9am", "5pm"]]}}, "business_hours"),
        ({"holidays": ["2026-02-30"]}, "holidays"),
        ({"holidays": ["Christmas"]}, "holidays"),
        ({"sl_target": 80, "priority": 5}, "sl_target"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"priority": None}, "priority"),
    ):
        refused = await client.patch(url, json=change, headers=admin)
        assert refused.status in (400, 422), await refused.text()
        assert (await refused.json())["error"]["field"] == field, change
    assert await ok(await client.get(url, headers=admin)) == queue
    taken = await client.post("/api/v1/queues", json={"name": body["name"]}, headers=admin)
    assert (await error_of(taken, 409))["field"] == "name"


async def test_an_admin_adds_wrap_up_codes_for_queues_to_choose_from(client: Client, staff: Staff) -> None:
    admin = staff.admin.headers
    code = unique("refund_")
    added = await ok(
        await client.post("/api/v1/wrap-up-codes", json={"code": code, "label": "Refunded"}, headers=admin),
        201,
    )
    assert added == {"code": code, "label": "Refunded"}
    listed = await ok(await client.get("/api/v1/wrap-up-codes", headers=staff.agent.headers))
    assert {"code": code, "label": "Refunded"} in listed["wrap_up_codes"]
    again = await client.post("/api/v1/wrap-up-codes", json={"code": code}, headers=admin)
    assert (await error_of(again, 409))["field"] == "code"
    bad = await client.post("/api/v1/wrap-up-codes", json={"code": "two words"}, headers=admin)
    assert (await error_of(bad, 422))["field"] == "code"
    queue = await ok(await client.post("/api/v1/queues", json={"name": unique("cq")}, headers=admin), 201)
    chosen = await client.put(
        f"/api/v1/queues/{queue['id']}/wrap-up-codes", json={"codes": [code]}, headers=admin
    )
    assert (await ok(chosen))["wrap_up_codes"] == [{"code": code, "label": "Refunded"}]


async def test_chat_sites_are_added_and_changed_with_checked_values(client: Client, staff: Staff) -> None:
    admin = staff.admin.headers
    queue = await ok(await client.post("/api/v1/queues", json={"name": unique("sq")}, headers=admin), 201)
    key = unique("shop-").lower()
    body = {"key": key, "allowed_origins": ["https://shop.example/"], "topics": {"Orders": queue["name"]}}
    site = await ok(await client.post("/api/v1/webchat-sites", json=body, headers=admin), 201)
    assert site["allowed_origins"] == ["https://shop.example"] and site["languages"] == ["en", "zh-CN"]
    assert site["from_settings"] is False
    url = f"/api/v1/webchat-sites/{site['id']}"
    for change, field in (
        ({"allowed_origins": ["shop.example"]}, "allowed_origins"),
        ({"allowed_origins": ["https://shop.example/path"]}, "allowed_origins"),
        ({"topics": {"Orders": unique("no-such-queue")}}, "topics"),
        ({"colour": "red"}, "colour"),
        ({"languages": []}, "languages"),
        ({"prechat": ["age"]}, "prechat"),
    ):
        refused = await client.patch(url, json=change, headers=admin)
        assert refused.status in (400, 422), await refused.text()
        assert (await refused.json())["error"]["field"] == field, change
    listed = await ok(await client.get("/api/v1/webchat-sites", headers=admin))
    assert next(s for s in listed["items"] if s["id"] == site["id"]) == site  # nothing changed
    changed = await ok(
        await client.patch(url, json={"colour": "#2A9D8F", "prechat": ["name"]}, headers=admin)
    )
    assert (changed["colour"], changed["prechat"]) == ("#2a9d8f", ["name"])
    taken = await client.post("/api/v1/webchat-sites", json={"key": key}, headers=admin)
    assert (await error_of(taken, 409))["field"] == "key"
    audit = await ok(
        await client.get(
            "/api/v1/audit", params={"entity": "webchat_site", "entity_id": str(site["id"])}, headers=admin
        )
    )
    assert [e["action"] for e in audit["items"]] == ["update", "create"]
    assert audit["items"][0]["changes"]["colour"] == {"from": "#0b57d0", "to": "#2a9d8f"}


async def test_an_admin_cannot_disable_or_demote_their_own_account(client: Client, staff: Staff) -> None:
    url = f"/api/v1/agents/{staff.admin.agent_id}"
    disabled = await client.patch(url, json={"is_active": False}, headers=staff.admin.headers)
    assert (await error_of(disabled, 409))["field"] == "is_active"
    demoted = await client.patch(url, json={"role": "agent"}, headers=staff.admin.headers)
    assert (await error_of(demoted, 409))["field"] == "role"
    me = await ok(await client.get("/api/v1/me", headers=staff.admin.headers))
    assert (me["is_active"], me["role"]) == (True, "admin")
    await ok(await client.patch(url, json={"role": "admin", "team": None}, headers=staff.admin.headers))
