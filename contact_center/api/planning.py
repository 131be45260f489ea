"""/api/v1/planning: history, forecasts, overrides, requirements with what-if, schedules, adherence.

Planners (and admins) plan; supervisors read the planning figures of their team's queues and
agents; any signed-in user reads their own published schedule (rules: `route_rules.py`). Reads
are the queries of contact_center.planning.queries, changes are commands on the bus, and building
a schedule is a background job: the POST answers 202 with the job to poll. This module parses,
checks what the caller may see, and answers. Design: docs/planning.md.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated

from aiohttp import web
from pydantic import Field, StringConstraints

from contact_center.api.access import agent_in_view, principal_of, queue_in_view, schedule_in_view
from contact_center.api.idempotency import idempotent
from contact_center.api.keys import BUS, CLOCK, JOBS, UOW
from contact_center.api.validation import AwareUtcTime, Body, parse_body, path_id
from contact_center.domain.enums import Channel
from contact_center.domain.errors import InvalidInputError, UnprocessableError
from contact_center.domain.planning_commands import (
    AddOverride,
    DeleteOverride,
    PublishSchedule,
    SetContract,
    Terms,
)
from contact_center.planning import documents as docs
from contact_center.planning import queries
from contact_center.planning.forecast import DEFAULT_WEEKS
from contact_center.planning.jobs import BUILD_SCHEDULE, build_args
from contact_center.planning.requirements import WhatIf
from contact_center.planning.schedules import BuildRequest

routes = web.RouteTableDef()

WHAT_IF_QUERY = ("week", "aht_s", "sl_target", "sl_threshold_s")
Minutes = Annotated[int, Field(ge=0, le=7 * 24 * 60)]
Reason = Annotated[str, StringConstraints(max_length=200)]


#: The longest period one override may cover, and how far from now it may lie.
MAX_OVERRIDE_DAYS = 92
OVERRIDE_REACH_DAYS = 2 * 366


class OverrideCreate(Body):
    starts_at: AwareUtcTime
    ends_at: AwareUtcTime
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


def query_week(request: web.Request) -> date | None:
    raw = request.query.get("week")
    if raw is None or raw == "":
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInputError("week must be a date, YYYY-MM-DD") from None


def query_weeks(request: web.Request, default: int) -> int:
    """A count of weeks: not a number is a 400; the query checks its bound (422 beyond it)."""
    raw = request.query.get("weeks")
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        raise InvalidInputError("weeks must be a whole number")
    return int(raw)


async def _queue_in_view(request: web.Request) -> None:
    async with request.app[UOW]() as uow:
        await queue_in_view(uow, principal_of(request), path_id(request))


async def _schedule_in_view(request: web.Request) -> None:
    async with request.app[UOW]() as uow:
        await schedule_in_view(uow, principal_of(request), path_id(request))


async def _agent_in_view(request: web.Request) -> None:
    async with request.app[UOW]() as uow:
        await agent_in_view(uow, principal_of(request), path_id(request))


def what_if_of(request: web.Request) -> WhatIf:
    return WhatIf(
        query_float(request, "aht_s"),
        query_float(request, "sl_target"),
        query_float(request, "sl_threshold_s"),
    )


@routes.get("/api/v1/planning/queues/{id}/history")
async def get_history(request: web.Request) -> web.Response:
    await _queue_in_view(request)
    weeks = query_weeks(request, 4)
    return web.json_response(await queries.history(request.app[UOW], path_id(request), weeks))


@routes.get("/api/v1/planning/queues/{id}/forecast")
async def get_forecast(request: web.Request) -> web.Response:
    await _queue_in_view(request)
    weeks, week = query_weeks(request, DEFAULT_WEEKS), query_week(request)
    return web.json_response(await queries.forecast(request.app[UOW], path_id(request), week, weeks))


@routes.get("/api/v1/planning/queues/{id}/requirements")
async def get_requirements(request: web.Request) -> web.Response:
    await _queue_in_view(request)
    what_if, week = what_if_of(request), query_week(request)
    doc = await queries.week_requirements(request.app[UOW], path_id(request), week, what_if)
    return web.json_response(doc)


@routes.get("/api/v1/planning/queues/{id}/overrides")
async def get_overrides(request: web.Request) -> web.Response:
    await _queue_in_view(request)
    return web.json_response(await queries.overrides(request.app[UOW], path_id(request)))


def _check_override_reach(request: web.Request, body: OverrideCreate) -> None:
    now = request.app[CLOCK]()
    if (body.ends_at - body.starts_at).days > MAX_OVERRIDE_DAYS:
        raise UnprocessableError(
            f"an override covers at most {MAX_OVERRIDE_DAYS} days", code="horizon_too_long"
        )
    if abs((body.starts_at - now).days) > OVERRIDE_REACH_DAYS:
        raise UnprocessableError(
            f"an override starts within {OVERRIDE_REACH_DAYS} days of today", code="horizon_too_long"
        )


@routes.post("/api/v1/planning/queues/{id}/overrides")
@idempotent()
async def post_override(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await parse_body(request, OverrideCreate)
    _check_override_reach(request, body)
    row = await request.app[BUS].handle(
        AddOverride(
            queue_id=path_id(request),
            starts_at=body.starts_at,
            ends_at=body.ends_at,
            multiplier=body.multiplier,
            value=body.value,
            channel=body.channel,
            reason=body.reason,
            actor=principal.actor,
        )
    )
    return web.json_response(docs.override_doc(row), status=201)


@routes.delete("/api/v1/planning/overrides/{id}")
async def remove_override(request: web.Request) -> web.Response:
    principal = principal_of(request)
    await request.app[BUS].handle(DeleteOverride(override_id=path_id(request), actor=principal.actor))
    return web.json_response({"deleted": path_id(request)})


@routes.get("/api/v1/planning/queues/{id}/schedules")
async def get_schedules(request: web.Request) -> web.Response:
    await _queue_in_view(request)
    return web.json_response(await queries.schedules(request.app[UOW], path_id(request)))


@routes.post("/api/v1/planning/queues/{id}/schedules")
@idempotent()
async def post_schedule(request: web.Request) -> web.Response:
    """Start a build and answer 202 at once: the solve may take minutes, and runs as a job."""
    principal = principal_of(request)
    body = await parse_body(request, ScheduleBuild)
    queue_id = path_id(request)
    week = await queries.planning_week(request.app[UOW], queue_id, body.week_start)
    what_if = WhatIf(body.aht_s, body.sl_target, body.sl_threshold_s)
    build = BuildRequest(week, body.days, body.time_limit_s, body.seed, what_if)
    job_id = await request.app[JOBS].enqueue(
        BUILD_SCHEDULE, build_args(queue_id, build), actor=principal.actor
    )
    location = f"/api/v1/jobs/{job_id}"
    doc = {"job_id": job_id, "status": "queued", "links": {"job": location}}
    return web.json_response(doc, status=202, headers={"Location": location})


@routes.get("/api/v1/planning/schedules/{id}")
async def get_schedule(request: web.Request) -> web.Response:
    await _schedule_in_view(request)
    return web.json_response(await queries.schedule(request.app[UOW], path_id(request)))


@routes.post("/api/v1/planning/schedules/{id}/publish")
async def post_publish(request: web.Request) -> web.Response:
    principal = principal_of(request)
    await request.app[BUS].handle(PublishSchedule(schedule_id=path_id(request), actor=principal.actor))
    return web.json_response(await queries.schedule(request.app[UOW], path_id(request)))


@routes.get("/api/v1/planning/schedules/{id}/export.csv")
async def get_csv(request: web.Request) -> web.Response:
    await _schedule_in_view(request)
    body = await queries.schedule_csv(request.app[UOW], path_id(request))
    return web.Response(text=body, content_type="text/csv", charset="utf-8")


@routes.get("/api/v1/planning/schedules/{id}/export.ics")
async def get_ics(request: web.Request) -> web.Response:
    await _schedule_in_view(request)
    body = await queries.schedule_ics(request.app[UOW], path_id(request))
    return web.Response(text=body, content_type="text/calendar", charset="utf-8")


@routes.get("/api/v1/planning/schedules/{id}/adherence")
async def get_adherence(request: web.Request) -> web.Response:
    await _schedule_in_view(request)
    return web.json_response(await queries.adherence(request.app[UOW], path_id(request)))


@routes.get("/api/v1/planning/my-schedule")
async def get_my_schedule(request: web.Request) -> web.Response:
    principal = principal_of(request)
    return web.json_response(await queries.own_schedule(request.app[UOW], principal.agent_id))


@routes.get("/api/v1/planning/agents/{id}/contract")
async def get_contract(request: web.Request) -> web.Response:
    await _agent_in_view(request)
    return web.json_response(await queries.contract(request.app[UOW], path_id(request)))


@routes.put("/api/v1/planning/agents/{id}/contract")
async def put_contract(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await parse_body(request, ContractTerms)
    terms = Terms(**body.model_dump())
    await request.app[BUS].handle(SetContract(agent_id=path_id(request), terms=terms, actor=principal.actor))
    return web.json_response(docs.terms_doc(path_id(request), terms, False))
