"""/api/v1/planning: history, forecasts, overrides, requirements with what-if, schedules, adherence.

Planners (and admins) plan; supervisors may read every planning figure; any signed-in user reads
their own published schedule. The maths lives in contact_center.planning and workforce/; this
module parses, authorises and answers. Design: docs/planning.md.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Annotated

from aiohttp import web
from pydantic import AwareDatetime, Field

from contact_center.api.auth import CONTAINER_KEY, STAFF, require
from contact_center.api.validation import Body, parse_body, path_id, query_int, text
from contact_center.domain.enums import Channel, Role
from contact_center.domain.errors import InvalidInputError
from contact_center.planning import documents as docs
from contact_center.planning.adherence import schedule_adherence
from contact_center.planning.forecast import DEFAULT_WEEKS, forecast_week, held_out_accuracy, week_grid
from contact_center.planning.history import load_history
from contact_center.planning.overrides import OverrideSpec, add_override, delete_override, list_overrides
from contact_center.planning.published import export_csv, export_icalendar, my_schedule, usernames
from contact_center.planning.requirements import WhatIf, requirements
from contact_center.planning.schedules import (
    BuildRequest,
    build_schedule,
    list_schedules,
    load_schedule,
    publish_schedule,
)
from contact_center.planning.staff import Terms, contract_terms, set_contract
from contact_center.planning.weeks import current_monday, zone

routes = web.RouteTableDef()

PLAN = (Role.PLANNER,)
READ = (Role.PLANNER, Role.SUPERVISOR)
WHAT_IF_QUERY = ("week", "aht_s", "sl_target", "sl_threshold_s")
Minutes = Annotated[int, Field(ge=0, le=7 * 24 * 60)]
Reason = text(200)


class OverrideCreate(Body):
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    multiplier: Annotated[float, Field(ge=0, le=100)] | None = None
    value: Annotated[float, Field(ge=0, le=1_000_000)] | None = None
    channel: Channel | None = None
    reason: Reason = ""


class ScheduleBuild(Body):
    week_start: date | None = None
    days: Annotated[int, Field(ge=1, le=7)] = 7
    time_limit_s: Annotated[float, Field(gt=0, le=300)] = 10.0
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    aht_s: Annotated[float, Field(ge=1, le=86_400)] | None = None
    sl_target: Annotated[float, Field(gt=0, lt=1)] | None = None
    sl_threshold_s: Annotated[float, Field(ge=1, le=3600)] | None = None


class ContractTerms(Body):
    min_weekly_minutes: Minutes = 0
    max_weekly_minutes: Minutes = 40 * 60
    max_weekly_shifts: Annotated[int, Field(ge=0, le=7)] = 5
    min_days_off: Annotated[int, Field(ge=0, le=7)] = 2
    min_rest_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 11 * 60


def query_float(request: web.Request, name: str) -> float | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInputError(f"{name} must be a number") from None
    if not math.isfinite(value):
        raise InvalidInputError(f"{name} must be a finite number")
    return value


def query_week(request: web.Request, default: date) -> date:
    raw = request.query.get("week")
    if raw is None or raw == "":
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInputError("week must be a date, YYYY-MM-DD") from None


def what_if_of(request: web.Request) -> WhatIf:
    return WhatIf(
        query_float(request, "aht_s"),
        query_float(request, "sl_target"),
        query_float(request, "sl_threshold_s"),
    )


def _next_week(now_monday: date) -> date:
    return now_monday + timedelta(weeks=1)


@routes.get("/api/v1/planning/queues/{id}/history")
async def get_history(request: web.Request) -> web.Response:
    await require(request, *READ)
    weeks = query_int(request, "weeks", 4, high=26)
    async with request.app[CONTAINER_KEY].uow() as uow:
        queue = await uow.queues.get(path_id(request))
        monday = current_monday(uow.now(), zone(queue.timezone))
        grid = week_grid(queue, monday - timedelta(weeks=weeks), weeks)
        history = await load_history(uow, queue.id or 0, grid)
    return web.json_response(docs.history_doc(queue.id or 0, history))


@routes.get("/api/v1/planning/queues/{id}/forecast")
async def get_forecast(request: web.Request) -> web.Response:
    await require(request, *READ)
    weeks = query_int(request, "weeks", DEFAULT_WEEKS, high=26)
    async with request.app[CONTAINER_KEY].uow() as uow:
        queue = await uow.queues.get(path_id(request))
        week = query_week(request, _next_week(current_monday(uow.now(), zone(queue.timezone))))
        made = await forecast_week(uow, queue, week, weeks=weeks)
        held = await held_out_accuracy(uow, queue, weeks=weeks)
    return web.json_response(docs.forecast_doc(made, held))


@routes.get("/api/v1/planning/queues/{id}/requirements")
async def get_requirements(request: web.Request) -> web.Response:
    await require(request, *READ)
    what_if = what_if_of(request)
    async with request.app[CONTAINER_KEY].uow() as uow:
        queue = await uow.queues.get(path_id(request))
        week = query_week(request, _next_week(current_monday(uow.now(), zone(queue.timezone))))
        made = await forecast_week(uow, queue, week)
    return web.json_response(docs.requirements_doc(made, requirements(made, what_if), what_if))


@routes.get("/api/v1/planning/queues/{id}/overrides")
async def get_overrides(request: web.Request) -> web.Response:
    await require(request, *READ)
    async with request.app[CONTAINER_KEY].uow() as uow:
        queue = await uow.queues.get(path_id(request))
        rows = await list_overrides(uow, queue.id or 0)
    return web.json_response({"items": [docs.override_doc(r) for r in rows]})


@routes.post("/api/v1/planning/queues/{id}/overrides")
async def post_override(request: web.Request) -> web.Response:
    principal = await require(request, *PLAN)
    body = await parse_body(request, OverrideCreate)
    spec = OverrideSpec(body.starts_at, body.ends_at, body.multiplier, body.value, body.channel, body.reason)
    row = await add_override(request.app[CONTAINER_KEY].uow(), path_id(request), spec, principal.actor)
    return web.json_response(docs.override_doc(row), status=201)


@routes.delete("/api/v1/planning/overrides/{id}")
async def remove_override(request: web.Request) -> web.Response:
    principal = await require(request, *PLAN)
    await delete_override(request.app[CONTAINER_KEY].uow(), path_id(request), principal.actor)
    return web.json_response({"deleted": path_id(request)})


@routes.get("/api/v1/planning/queues/{id}/schedules")
async def get_schedules(request: web.Request) -> web.Response:
    await require(request, *READ)
    async with request.app[CONTAINER_KEY].uow() as uow:
        queue = await uow.queues.get(path_id(request))
        rows = await list_schedules(uow, queue.id or 0)
    return web.json_response({"items": [docs.schedule_row_doc(r) for r in rows]})


@routes.post("/api/v1/planning/queues/{id}/schedules")
async def post_schedule(request: web.Request) -> web.Response:
    principal = await require(request, *PLAN)
    body = await parse_body(request, ScheduleBuild)
    container = request.app[CONTAINER_KEY]
    queue_id = path_id(request)
    async with container.uow() as uow:
        queue = await uow.queues.get(queue_id)
        week = body.week_start or _next_week(current_monday(uow.now(), zone(queue.timezone)))
    what_if = WhatIf(body.aht_s, body.sl_target, body.sl_threshold_s)
    build = BuildRequest(week, body.days, body.time_limit_s, body.seed, what_if)
    schedule_id = await build_schedule(container.uow(), queue_id, build, principal.actor)
    return web.json_response(await _schedule_doc(request, schedule_id), status=201)


async def _schedule_doc(request: web.Request, schedule_id: int) -> dict[str, object]:
    async with request.app[CONTAINER_KEY].uow() as uow:
        schedule = await load_schedule(uow, schedule_id)
        agents = await uow.agents.list()
    return docs.schedule_doc(schedule, agents)


@routes.get("/api/v1/planning/schedules/{id}")
async def get_schedule(request: web.Request) -> web.Response:
    await require(request, *READ)
    return web.json_response(await _schedule_doc(request, path_id(request)))


@routes.post("/api/v1/planning/schedules/{id}/publish")
async def post_publish(request: web.Request) -> web.Response:
    principal = await require(request, *PLAN)
    await publish_schedule(request.app[CONTAINER_KEY].uow(), path_id(request), principal.actor)
    return web.json_response(await _schedule_doc(request, path_id(request)))


@routes.get("/api/v1/planning/schedules/{id}/export.csv")
async def get_csv(request: web.Request) -> web.Response:
    await require(request, *READ)
    async with request.app[CONTAINER_KEY].uow() as uow:
        body = await export_csv(uow, await load_schedule(uow, path_id(request)))
    return web.Response(text=body, content_type="text/csv", charset="utf-8")


@routes.get("/api/v1/planning/schedules/{id}/export.ics")
async def get_ics(request: web.Request) -> web.Response:
    await require(request, *READ)
    async with request.app[CONTAINER_KEY].uow() as uow:
        body = await export_icalendar(uow, await load_schedule(uow, path_id(request)))
    return web.Response(text=body, content_type="text/calendar", charset="utf-8")


@routes.get("/api/v1/planning/schedules/{id}/adherence")
async def get_adherence(request: web.Request) -> web.Response:
    await require(request, *READ)
    async with request.app[CONTAINER_KEY].uow() as uow:
        schedule = await load_schedule(uow, path_id(request))
        report = await schedule_adherence(uow, schedule, uow.now())
        names = await usernames(uow, {int(a.agent_id) for a in report})
    return web.json_response(docs.adherence_doc(schedule, report, names))


@routes.get("/api/v1/planning/my-schedule")
async def get_my_schedule(request: web.Request) -> web.Response:
    principal = await require(request, *STAFF)
    async with request.app[CONTAINER_KEY].uow() as uow:
        segments = await my_schedule(uow, principal.agent_id, uow.now())
    items = [
        {
            "schedule_id": s.schedule_id,
            "queue_id": s.queue_id,
            "start": s.start.isoformat(),
            "end": s.end.isoformat(),
            "activity": s.activity,
        }
        for s in segments
    ]
    return web.json_response({"agent_id": principal.agent_id, "items": items})


@routes.get("/api/v1/planning/agents/{id}/contract")
async def get_contract(request: web.Request) -> web.Response:
    await require(request, *READ)
    agent_id = path_id(request)
    async with request.app[CONTAINER_KEY].uow() as uow:
        await uow.agents.get(agent_id)
        row = (await contract_terms(uow, [agent_id])).get(agent_id)
    terms = Terms() if row is None else Terms(**{f: getattr(row, f) for f in Terms.__dataclass_fields__})
    return web.json_response(_terms_doc(agent_id, terms, row is None))


@routes.put("/api/v1/planning/agents/{id}/contract")
async def put_contract(request: web.Request) -> web.Response:
    principal = await require(request, *PLAN)
    body = await parse_body(request, ContractTerms)
    terms = Terms(**body.model_dump())
    await set_contract(request.app[CONTAINER_KEY].uow(), path_id(request), terms, principal.actor)
    return web.json_response(_terms_doc(path_id(request), terms, False))


def _terms_doc(agent_id: int, terms: Terms, is_default: bool) -> dict[str, object]:
    fields = {name: getattr(terms, name) for name in Terms.__dataclass_fields__}
    return {"agent_id": agent_id, "is_default": is_default, **fields}
