"""/api/v1/queues: the queues, with their live figures; each caller sees the queues of their team."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aiohttp import web
from pydantic import Field, StringConstraints

from contact_center.api.access import principal_of, queue_in_view
from contact_center.api.idempotency import idempotent
from contact_center.api.keys import BUS, UOW
from contact_center.api.serialize import row
from contact_center.api.validation import Body, Int32, length, parse_body, path_id
from contact_center.domain.commands import CreateQueue, UpdateQueue
from contact_center.domain.enums import Channel, Role
from contact_center.domain.errors import InvalidInputError
from contact_center.domain.principal import Principal
from contact_center.domain.queues import Queue
from contact_center.queries.dashboard import dashboard, queue_figures
from contact_center.services import policy

routes = web.RouteTableDef()


QueueName = Annotated[str, length(100, min_length=1)]
SkillName = Annotated[str, length(100)]
TimeZone = Annotated[str, length(64)]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Team = Annotated[str, length(100)]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$")]
Holiday = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
Count = Annotated[float, Field(ge=0, le=1_000_000)]
Fraction = Annotated[float, Field(ge=0, le=1)]
AlertEmail = Annotated[str, length(254, min_length=3)]


class AlertThresholds(Body):
    """The wallboard's limits (docs/supervisor.md): a tile turns amber or red when waiting now or
    longest wait now reaches a limit, or service level today falls below one. Left out: unused."""

    waiting_amber: Count | None = None
    waiting_red: Count | None = None
    longest_wait_amber_s: Count | None = None
    longest_wait_red_s: Count | None = None
    service_level_amber: Fraction | None = None
    service_level_red: Fraction | None = None


def _limits(given: AlertThresholds | None) -> dict[str, float]:
    return {} if given is None else given.model_dump(exclude_none=True)


class QueueCreate(Body):
    name: QueueName
    channels: list[Channel] = Field(
        default=[Channel.VOICE, Channel.SMS, Channel.EMAIL, Channel.CHAT], min_length=1
    )
    required_skills: dict[SkillName, int] = {}
    priority: Int32 = 0
    sl_target: float = 0.8
    sl_threshold_s: Int32 = 20
    timezone: TimeZone = "UTC"
    business_hours: dict[Day, list[tuple[ClockTime, ClockTime]]] = {}
    interval_minutes: int = 30
    team: Team | None = None
    #: Agents may take waiting work from this queue without an offer.
    allow_picking: bool = False
    #: Days closed whatever the hours say, in the queue's time zone.
    holidays: list[Holiday] = Field(default=[], max_length=366)
    alert_thresholds: AlertThresholds | None = None
    #: Mailed once per alert episode of this queue.
    alert_emails: list[AlertEmail] = Field(default=[], max_length=20)


def shown(queue: Queue, principal: Principal) -> dict[str, Any]:
    """A queue as the caller may read it: alert recipients are addresses only admins see."""
    return row(queue, exclude=None if principal.role is Role.ADMIN else {"alert_emails"})


@routes.get("/api/v1/queues")
async def list_queues(request: web.Request) -> web.Response:
    principal = principal_of(request)
    async with request.app[UOW]() as uow:
        figures = {f.queue_id: f for f in await queue_figures(uow, uow.now())}
        items = []
        for queue in await uow.queues.list():
            if not policy.sees_queue(principal, queue.team):
                continue
            doc = shown(queue, principal)
            live = figures.get(queue.id or 0)
            doc["waiting"] = live.waiting if live else 0
            doc["longest_wait_s"] = live.longest_wait_s if live else 0.0
            items.append(doc)
    return web.json_response({"items": items})


@routes.post("/api/v1/queues")
@idempotent()
async def create_queue(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await parse_body(request, QueueCreate)
    queue_id = await request.app[BUS].handle(
        CreateQueue(
            name=body.name,
            channels=tuple(body.channels),
            required_skills=tuple(body.required_skills.items()),
            priority=body.priority,
            sl_target=body.sl_target,
            sl_threshold_s=body.sl_threshold_s,
            timezone=body.timezone,
            business_hours=tuple((d, tuple(s)) for d, s in body.business_hours.items()),
            interval_minutes=body.interval_minutes,
            team=body.team,
            allow_picking=body.allow_picking,
            holidays=tuple(body.holidays),
            alert_thresholds=tuple(_limits(body.alert_thresholds).items()),
            alert_emails=tuple(body.alert_emails),
            actor=principal.actor,
        )
    )
    async with request.app[UOW]() as uow:
        return web.json_response(row(await uow.queues.get(queue_id)), status=201)


class QueueUpdate(Body):
    """The settings to change; a field left out stays as it is (`"team": null` removes the team)."""

    channels: list[Channel] | None = Field(default=None, min_length=1)
    required_skills: dict[SkillName, int] | None = None
    priority: Int32 | None = None
    sl_target: float | None = None
    sl_threshold_s: Int32 | None = None
    timezone: TimeZone | None = None
    business_hours: dict[Day, list[tuple[ClockTime, ClockTime]]] | None = None
    interval_minutes: int | None = None
    team: Team | None = None
    allow_picking: bool | None = None
    holidays: list[Holiday] | None = Field(default=None, max_length=366)
    alert_thresholds: AlertThresholds | None = None
    alert_emails: list[AlertEmail] | None = Field(default=None, max_length=20)


@routes.patch("/api/v1/queues/{id}")
async def update_queue(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await parse_body(request, QueueUpdate)
    changes = body.model_dump(exclude_unset=True)
    if "alert_thresholds" in changes:
        changes["alert_thresholds"] = _limits(body.alert_thresholds)  # null clears every limit
    nullable = {"team", "alert_thresholds"}
    refused = sorted(field for field, value in changes.items() if value is None and field not in nullable)
    if refused:
        raise InvalidInputError(
            f"{', '.join(refused)} cannot be null; leave a field out to keep it", field=refused[0]
        )
    queue = await request.app[BUS].handle(
        UpdateQueue(queue_id=path_id(request), changes=tuple(changes.items()), actor=principal.actor)
    )
    return web.json_response(row(queue))


@routes.get("/api/v1/queues/{id}")
async def get_queue(request: web.Request) -> web.Response:
    queue_id = path_id(request)
    principal = principal_of(request)
    async with request.app[UOW]() as uow:
        await queue_in_view(uow, principal, queue_id)
        return web.json_response(shown(await uow.queues.get(queue_id), principal))


@routes.get("/api/v1/dashboard")
async def get_dashboard(request: web.Request) -> web.Response:
    """Live figures for the supervisor page: waiting, longest wait, agents by state, latest contacts
    (those of the caller's team; planners get the figures without the contacts)."""
    view = policy.dashboard_view(principal_of(request))
    return web.json_response(await dashboard(request.app[UOW](), view))
