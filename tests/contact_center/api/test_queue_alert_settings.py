"""An admin sets a queue's wallboard limits and alert recipients through /api/v1/queues: stored,
audited, refused with a 4xx when wrong (nothing half written), and hidden from non-admins."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.conftest import unique
from tests.contact_center.api.conftest import Staff, error_of, ok

Client = TestClient[Any, Any]
LIMITS = {"waiting_amber": 3, "waiting_red": 6, "longest_wait_amber_s": 60, "service_level_red": 0.7}


async def test_an_admin_sets_alert_limits_and_recipients_and_the_change_is_audited(
    client: Client, staff: Staff
) -> None:
    admin = staff.admin.headers
    queue = await ok(await client.post("/api/v1/queues", json={"name": unique("wq")}, headers=admin), 201)
    assert queue["alert_thresholds"] == {} and queue["alert_emails"] == []
    body = {"alert_thresholds": LIMITS, "alert_emails": ["Lead@Example.com", "ops@example.com"]}
    changed = await ok(await client.patch(f"/api/v1/queues/{queue['id']}", json=body, headers=admin))
    assert changed["alert_thresholds"] == {k: float(v) for k, v in sorted(LIMITS.items())}
    assert changed["alert_emails"] == ["lead@example.com", "ops@example.com"]
    query = {"entity": "queue", "entity_id": str(queue["id"]), "action": "update"}
    [entry] = (await ok(await client.get("/api/v1/audit", params=query, headers=admin)))["items"]
    assert entry["changes"]["alert_thresholds"] == {"from": {}, "to": changed["alert_thresholds"]}
    assert entry["changes"]["alert_emails"]["to"] == ["lead@example.com", "ops@example.com"]
    seen = await ok(await client.get(f"/api/v1/queues/{queue['id']}", headers=staff.supervisor.headers))
    assert seen["alert_thresholds"] == changed["alert_thresholds"] and "alert_emails" not in seen
    cleared = await client.patch(
        f"/api/v1/queues/{queue['id']}", json={"alert_thresholds": None}, headers=admin
    )
    assert (await ok(cleared))["alert_thresholds"] == {}


async def test_wrong_alert_settings_are_refused_and_change_nothing(client: Client, staff: Staff) -> None:
    admin = staff.admin.headers
    queue = await ok(await client.post("/api/v1/queues", json={"name": unique("wq")}, headers=admin), 201)
    url = f"/api/v1/queues/{queue['id']}"
    wrong: list[dict[str, Any]] = [
        {"alert_thresholds": {"waiting_red": 2, "waiting_amber": 5}},  # amber past red
        {"alert_thresholds": {"service_level_amber": 0.5, "service_level_red": 0.8}},  # low is bad
        {"alert_thresholds": {"service_level_red": 1.5}},
        {"alert_thresholds": {"waiting_red": -1}},
        {"alert_thresholds": {"queue_length": 4}},  # unknown limit
        {"alert_thresholds": {"waiting_red": "many"}},
        {"alert_emails": ["not an address"]},
        {"alert_emails": [f"a{i}@example.com" for i in range(21)]},
        {"alert_emails": None},
        {"priority": 4, "alert_thresholds": {"waiting_red": 2, "waiting_amber": 5}},
    ]
    for body in wrong:
        resp = await client.patch(url, json=body, headers=admin)
        assert 400 <= resp.status < 500, (body, resp.status)
        await error_of(resp, resp.status)
    after = await ok(await client.get(url, headers=admin))
    assert after["alert_thresholds"] == {} and after["alert_emails"] == [] and after["priority"] == 0
    refused = await client.patch(url, json={"alert_thresholds": LIMITS}, headers=staff.supervisor.headers)
    assert refused.status in (403, 404)
