"""/api/v1/queues, /api/v1/agents and /api/v1/dashboard: create, read, validation and live figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from contact_center.bootstrap import build_container
from tests.conftest import make_settings, unique
from tests.contact_center.api.conftest import Staff, error_of, make_client, ok

Client = TestClient[Any, Any]


async def test_queue_create_list_get(client: Client, staff: Staff) -> None:
    body = {
        "name": unique("billing"),
        "channels": ["voice", "chat"],
        "required_skills": {"billing": 2},
        "priority": 3,
        "sl_target": 0.9,
        "sl_threshold_s": 30,
        "timezone": "Asia/Shanghai",
        "business_hours": {"mon": [["09:00", "12:00"], ["13:00", "18:00"]]},
        "interval_minutes": 15,
    }
    created = await ok(await client.post("/api/v1/queues", json=body, headers=staff.admin.headers), 201)
    for key, value in body.items():
        assert created[key] == value, key
    fetched = await ok(await client.get(f"/api/v1/queues/{created['id']}", headers=staff.agent.headers))
    assert fetched == {k: v for k, v in created.items() if k != "alert_emails"}  # admins only
    listed = await ok(await client.get("/api/v1/queues", headers=staff.agent.headers))
    mine = [q for q in listed["items"] if q["id"] == created["id"]]
    assert len(mine) == 1 and mine[0]["waiting"] == 0 and mine[0]["longest_wait_s"] == 0.0
    await error_of(await client.get("/api/v1/queues/2000000000", headers=staff.agent.headers), 404)


async def test_queue_validation(client: Client, staff: Staff) -> None:
    taken = unique("q")
    await ok(await client.post("/api/v1/queues", json={"name": taken}, headers=staff.admin.headers), 201)
    cases: list[tuple[dict[str, Any], int]] = [
        ({"timezone": "Mars/Olympus_Mons"}, 400),
        ({"timezone": "../../etc/passwd"}, 400),
        ({"sl_target": 1.5}, 400),
        ({"sl_target": 0}, 400),
        ({"sl_threshold_s": 0}, 400),
        ({"interval_minutes": 7}, 400),
        ({"name": "   "}, 400),
        ({"name": ""}, 422),
        ({"name": "q" * 101}, 422),
        ({"channels": []}, 422),
        ({"channels": ["fax"]}, 422),
        ({"business_hours": {"mon": [["9am", "5pm"]]}}, 422),
        ({"business_hours": {"someday": [["09:00", "17:00"]]}}, 422),
        ({"required_skills": {"billing": 11}}, 400),
        ({"priority": 2**40}, 422),
        ({"sl_target": "high"}, 422),
    ]
    for fields, status in cases:
        body = {"name": unique("q"), **fields}
        await error_of(await client.post("/api/v1/queues", json=body, headers=staff.admin.headers), status)
    dup = await client.post("/api/v1/queues", json={"name": taken}, headers=staff.admin.headers)
    await error_of(dup, 409, "conflict")


async def test_agent_create_get_patch(client: Client, staff: Staff) -> None:
    username = unique("ag_")
    body = {"username": username, "display_name": "李娜", "skills": {"english": 7}, "capacity": {"chat": 2}}
    created = await ok(await client.post("/api/v1/agents", json=body, headers=staff.admin.headers), 201)
    assert (created["display_name"], created["role"], created["presence"]) == ("李娜", "agent", "offline")
    assert created["capacity"]["chat"] == 2 and created["capacity"]["voice"] == 1
    url = f"/api/v1/agents/{created['id']}"
    assert await ok(await client.get(url, headers=staff.supervisor.headers)) == created
    patched = await ok(
        await client.patch(
            url, json={"role": "supervisor", "skills": {"french": 4}}, headers=staff.admin.headers
        )
    )
    assert (patched["role"], patched["skills"]) == ("supervisor", {"french": 4})
    for bad in ({"password": None}, {"role": None}, {"skills": None}, {"is_active": None}, {"nickname": "x"}):
        await error_of(await client.patch(url, json=bad, headers=staff.admin.headers), 422)
    await error_of(await client.patch(url, json={"skills": {"x": 0}}, headers=staff.admin.headers), 400)
    assert await ok(await client.get(url, headers=staff.supervisor.headers)) == patched
    await error_of(await client.get("/api/v1/agents/2000000000", headers=staff.supervisor.headers), 404)


async def test_agent_validation(client: Client, staff: Staff) -> None:
    taken = unique("ag_")
    await ok(await client.post("/api/v1/agents", json={"username": taken}, headers=staff.admin.headers), 201)
    cases: list[tuple[dict[str, Any], int, str | None]] = [
        ({"username": taken}, 409, "conflict"),
        ({"username": "has space"}, 400, None),
        ({"username": ""}, 422, None),
        ({"username": "u" * 65}, 422, None),
        ({"username": unique("a"), "role": "owner"}, 422, None),
        ({"username": unique("a"), "skills": {"english": 11}}, 400, None),
        ({"username": unique("a"), "capacity": {"fax": 1}}, 400, None),
        ({"username": unique("a"), "skills": {"english": "7"}}, 422, None),
    ]
    for body, status, code in cases:
        await error_of(
            await client.post("/api/v1/agents", json=body, headers=staff.admin.headers), status, code
        )


class SteppedClock:
    """A clock the test moves by hand: the container takes `now` as an argument."""

    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.at


async def test_dashboard_counts_waiting_and_longest_wait(database_url: str, staff: Staff) -> None:
    clock = SteppedClock()
    container = build_container(make_settings(database_url), clock=clock)
    client = await make_client(container)
    try:
        queue = await ok(
            await client.post("/api/v1/queues", json={"name": unique("dash")}, headers=staff.admin.headers),
            201,
        )
        customer = await ok(
            await client.post(
                "/api/v1/customers", json={"name": unique("D ")}, headers=staff.supervisor.headers
            ),
            201,
        )
        opened = []
        for _ in range(3):
            body = {"customer_id": customer["id"], "channel": "chat", "queue": queue["name"]}
            resp = await client.post("/api/v1/interactions", json=body, headers=staff.supervisor.headers)
            opened.append((await ok(resp, 201))["id"])
            clock.at += timedelta(seconds=30)
        resp = await client.post(
            f"/api/v1/interactions/{opened[0]}/transitions",
            json={"to": "active", "agent_id": staff.agent.agent_id},
            headers=staff.supervisor.headers,
        )
        await ok(resp)
        clock.at += timedelta(seconds=60)
        # the oldest still waiting entered at +30 s; it is now +150 s
        listed = await ok(await client.get("/api/v1/queues", headers=staff.agent.headers))
        mine = next(q for q in listed["items"] if q["id"] == queue["id"])
        assert (mine["waiting"], mine["longest_wait_s"]) == (2, 120.0)
        board = await ok(await client.get("/api/v1/dashboard", headers=staff.supervisor.headers))
        figures = next(q for q in board["queues"] if q["queue_id"] == queue["id"])
        assert (figures["waiting"], figures["longest_wait_s"]) == (2, 120.0)
        assert set(board["agents"]) == {"available", "busy", "wrap_up", "away", "offline"}
        assert opened[-1] in [r["id"] for r in board["recent"]]
    finally:
        await client.close()
        await container.close()
