"""/api/v1/planning over HTTP: who may plan, what bad input gets, and the planning round trip."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from contact_center.bootstrap import Container
from contact_center.domain.commands import CreateAgent, CreateCustomer, CreateQueue
from contact_center.domain.enums import Channel, Role
from contact_center.planning.seed import HistoryProfile, seed_history
from contact_center.services.agents import create_token_for
from tests.conftest import unique
from tests.contact_center.api.conftest import Staff, User, error_of, ok
from tests.contact_center.planning.conftest import job_of_build, schedule_built_by_job

Client = TestClient[Any, Any]
_QUEUES: dict[str, tuple[int, list[User]]] = {}


async def planned_queue(container: Container, database_url: str) -> tuple[int, list[User]]:
    """A voice queue with three weeks of history before this week and three agents with its skill."""
    if database_url not in _QUEUES:
        skill, name = unique("skill"), unique("apiq")
        queue_id = await container.bus.handle(
            CreateQueue(name=name, channels=(Channel.VOICE,), required_skills=((skill, 2),))
        )
        agents = []
        for _ in range(3):
            username = unique("ag_")
            agent_id = await container.bus.handle(
                CreateAgent(username=username, role=Role.AGENT, skills=((skill, 5),))
            )
            agents.append(User(agent_id, username, await create_token_for(container.uow(), agent_id, "t")))
        await container.bus.handle(CreateCustomer(name=unique("Api ")))
        profile = HistoryProfile(3.0, {"voice": 1.0})
        await seed_history(container.uow, weeks=3, profiles={name: profile})
        _QUEUES[database_url] = (int(queue_id), agents)
    return _QUEUES[database_url]


async def test_agents_cannot_plan_supervisors_read_and_planners_build(
    client: Client, staff: Staff, container: Container, database_url: str
) -> None:
    queue_id, agents = await planned_queue(container, database_url)
    base = f"/api/v1/planning/queues/{queue_id}"
    build = {"days": 1, "time_limit_s": 1.0}
    await error_of(await client.post(base + "/schedules", json=build, headers=staff.agent.headers), 403)
    await error_of(await client.get(base + "/forecast", headers=staff.agent.headers), 403)
    await error_of(await client.post(base + "/schedules", json=build, headers=staff.supervisor.headers), 403)
    await error_of(await client.get(base + "/forecast"), 401)

    forecast = await ok(await client.get(base + "/forecast", headers=staff.supervisor.headers))
    assert len(forecast["forecast"]) == len(forecast["intervals"]) == 7 * 48
    assert forecast["accuracy"]["model"]["wape"] is not None
    history = await ok(await client.get(base + "/history?weeks=3", headers=staff.planner.headers))
    assert sum(history["offered"]) > 0 and len(history["offered"]) == 3 * 7 * 48

    await container.jobs.start()
    built = await schedule_built_by_job(client, staff.planner.headers, queue_id, build)
    schedule = await ok(
        await client.get(f"/api/v1/planning/schedules/{built}", headers=staff.planner.headers)
    )
    assert schedule["status"] == "draft" and len(schedule["required"]) == 48
    assert schedule["agents"]  # someone has a shift, so the my-schedule checks below are not all empty
    assert {a["agent_id"] for a in schedule["agents"]} <= {a.agent_id for a in agents}
    sid = schedule["id"]
    await error_of(
        await client.post(f"/api/v1/planning/schedules/{sid}/publish", headers=staff.agent.headers), 403
    )
    published = await ok(
        await client.post(f"/api/v1/planning/schedules/{sid}/publish", headers=staff.planner.headers)
    )
    assert published["status"] == "published"
    again = await client.post(f"/api/v1/planning/schedules/{sid}/publish", headers=staff.planner.headers)
    await error_of(again, 409, "conflict")

    csv_resp = await client.get(f"/api/v1/planning/schedules/{sid}/export.csv", headers=staff.planner.headers)
    assert csv_resp.status == 200 and csv_resp.content_type == "text/csv"
    assert (await csv_resp.text()).startswith("agent,date,start,end,activity")
    ics = await client.get(f"/api/v1/planning/schedules/{sid}/export.ics", headers=staff.supervisor.headers)
    assert ics.status == 200 and ics.content_type == "text/calendar"
    assert "BEGIN:VCALENDAR" in await ics.text()
    adherence = await ok(
        await client.get(f"/api/v1/planning/schedules/{sid}/adherence", headers=staff.planner.headers)
    )
    assert {a["agent_id"] for a in adherence["agents"]} == {a["agent_id"] for a in schedule["agents"]}

    for agent in agents:
        mine = await ok(await client.get("/api/v1/planning/my-schedule", headers=agent.headers))
        scheduled = [a for a in schedule["agents"] if a["agent_id"] == agent.agent_id]
        own = [s for s in mine["items"] if s["schedule_id"] == sid]
        assert len(own) == (len(scheduled[0]["segments"]) if scheduled else 0)


async def test_what_if_changes_requirements_and_overrides_round_trip(
    client: Client, staff: Staff, container: Container, database_url: str
) -> None:
    queue_id, _ = await planned_queue(container, database_url)
    base = f"/api/v1/planning/queues/{queue_id}"
    headers = staff.planner.headers
    plain = await ok(await client.get(base + "/requirements", headers=headers))
    strict = await ok(
        await client.get(base + "/requirements?sl_target=0.99&sl_threshold_s=5", headers=headers)
    )
    slower = await ok(await client.get(base + "/requirements?aht_s=900", headers=headers))
    assert all(s >= p for s, p in zip(strict["agents"], plain["agents"], strict=True))
    assert sum(strict["agents"]) > sum(plain["agents"]) and sum(slower["agents"]) > sum(plain["agents"])
    assert strict["targets"]["sl_target"] == 0.99 and slower["targets"]["aht_s"] == 900

    week = plain["week_start"]
    body = {"starts_at": f"{week}T00:00:00+00:00", "ends_at": f"{week}T12:00:00+00:00", "value": 50.0}
    created = await ok(
        await client.post(base + "/overrides", json={**body, "reason": "launch"}, headers=headers), 201
    )
    listed = await ok(await client.get(base + "/overrides", headers=staff.supervisor.headers))
    assert created["id"] in [o["id"] for o in listed["items"]]
    forecast = await ok(await client.get(base + "/forecast", headers=headers))
    assert forecast["forecast"][:24] == [50.0] * 24
    await error_of(
        await client.delete(f"/api/v1/planning/overrides/{created['id']}", headers=staff.agent.headers), 403
    )
    await ok(await client.delete(f"/api/v1/planning/overrides/{created['id']}", headers=headers))
    await error_of(await client.delete(f"/api/v1/planning/overrides/{created['id']}", headers=headers), 404)


async def test_bad_planning_input_is_a_json_4xx(
    client: Client, staff: Staff, container: Container, database_url: str
) -> None:
    queue_id, _ = await planned_queue(container, database_url)
    base = f"/api/v1/planning/queues/{queue_id}"
    h = staff.planner.headers
    good = {
        "starts_at": "2026-12-07T00:00:00+00:00",
        "ends_at": "2026-12-08T00:00:00+00:00",
        "multiplier": 1.5,
    }
    await error_of(
        await client.post(base + "/overrides", json={**good, "extra": 1}, headers=h), 422, "unknown_field"
    )
    await error_of(await client.post(base + "/overrides", json={**good, "value": 3.0}, headers=h), 422)
    backwards = {**good, "ends_at": "2026-12-06T00:00:00+00:00"}
    await error_of(await client.post(base + "/overrides", json=backwards, headers=h), 422)
    naive = {**good, "starts_at": "2026-12-07T00:00:00"}
    await error_of(await client.post(base + "/overrides", json=naive, headers=h), 422)
    await error_of(await client.post(base + "/overrides", json={**good, "multiplier": -1}, headers=h), 422)
    await error_of(await client.post(base + "/overrides", data="nope", headers=h), 415)
    await error_of(await client.get(base + "/requirements?sl_target=abc", headers=h), 400)
    await error_of(await client.get(base + "/requirements?sl_target=1.5", headers=h), 422)
    await error_of(await client.get(base + "/requirements?aht_s=nan", headers=h), 400)
    await error_of(await client.get(base + "/forecast?week=2026-13-01", headers=h), 400)
    await error_of(await client.get(base + "/history?weeks=x", headers=h), 400)
    await error_of(await client.post(base + "/schedules", json={"days": 9}, headers=h), 422)
    await error_of(await client.post(base + "/schedules", json={"time_limit_s": "1"}, headers=h), 422)
    await error_of(await client.get("/api/v1/planning/queues/999999/forecast", headers=h), 404)
    await error_of(await client.get("/api/v1/planning/schedules/999999", headers=h), 404)
    contract = {"max_weekly_minutes": 1200, "min_weekly_minutes": 1800}
    await error_of(
        await client.put(
            f"/api/v1/planning/agents/{staff.agent.agent_id}/contract", json=contract, headers=h
        ),
        422,
    )
    fine = await ok(
        await client.put(
            f"/api/v1/planning/agents/{staff.agent.agent_id}/contract",
            json={"max_weekly_shifts": 4},
            headers=h,
        )
    )
    assert fine["max_weekly_shifts"] == 4 and fine["is_default"] is False
    read = await ok(await client.get(f"/api/v1/planning/agents/{staff.agent.agent_id}/contract", headers=h))
    assert read["max_weekly_shifts"] == 4


async def test_every_planning_horizon_is_bounded_with_a_422(
    client: Client, staff: Staff, container: Container, database_url: str
) -> None:
    queue_id, _ = await planned_queue(container, database_url)
    base = f"/api/v1/planning/queues/{queue_id}"
    h = staff.planner.headers
    for path in (
        "/history?weeks=27",
        "/history?weeks=0",
        "/forecast?weeks=17",
        "/forecast?week=2031-01-06",
        "/forecast?week=9999-12-31",
        "/forecast?week=0001-01-01",
        "/requirements?week=9999-12-27",
        "/requirements?week=2001-01-01",
    ):
        error = await error_of(await client.get(base + path, headers=h), 422, "horizon_too_long")
        assert "week" in error["message"]
    await error_of(await client.get(base + "/forecast?week=10000-01-01", headers=h), 400)
    await error_of(await client.get(base + "/history?weeks=99999999999999999999", headers=h), 400)
    far = {"week_start": "9999-12-27", "days": 1}
    await error_of(await client.post(base + "/schedules", json=far, headers=h), 422, "horizon_too_long")
    await error_of(await client.post(base + "/schedules", json={"time_limit_s": 301}, headers=h), 422)
    long_override = {
        "starts_at": "2026-12-07T00:00:00+00:00",
        "ends_at": "2027-12-07T00:00:00+00:00",
        "multiplier": 2.0,
    }
    await error_of(await client.post(base + "/overrides", json=long_override, headers=h), 422)
    distant = {
        **long_override,
        "starts_at": "9999-12-30T00:00:00+00:00",
        "ends_at": "9999-12-31T00:00:00+00:00",
    }
    await error_of(await client.post(base + "/overrides", json=distant, headers=h), 422, "horizon_too_long")
    await error_of(await client.post("/api/v1/planning/queues/999999/schedules", json={}, headers=h), 404)


async def test_a_build_that_cannot_run_ends_as_a_failed_job_with_the_reason(
    client: Client, staff: Staff, container: Container
) -> None:
    empty = await container.bus.handle(
        CreateQueue(name=unique("nobody"), channels=(Channel.VOICE,), required_skills=((unique("rare"), 9),))
    )
    await container.jobs.start()
    job = await job_of_build(client, staff.planner.headers, int(empty), {"days": 1, "time_limit_s": 1.0})
    assert job["status"] == "failed" and job["result"] is None
    assert job["error"]["code"] == "unprocessable" and "no active agent" in job["error"]["message"]
    assert "Traceback" not in str(job)


async def test_a_job_is_read_by_who_started_it_only(
    client: Client, staff: Staff, container: Container
) -> None:
    job_id = await container.jobs.enqueue("reports.queue_summary", actor=f"agent:{staff.planner.username}")
    path = f"/api/v1/jobs/{job_id}"
    await error_of(await client.get(path, headers=staff.supervisor.headers), 404)
    await error_of(await client.get(path), 401)
    mine = await ok(await client.get(path, headers=staff.planner.headers))
    assert mine["id"] == job_id and mine["name"] == "reports.queue_summary"
    assert (await ok(await client.get(path, headers=staff.admin.headers)))["id"] == job_id
    await error_of(await client.get("/api/v1/jobs/999999", headers=staff.admin.headers), 404)
