"""/api/v1/agents and /api/v1/auth: accounts, presence, and trading a password for a token."""

from __future__ import annotations

from typing import Annotated, Literal

from aiohttp import web

from contact_center.api.access import agent_in_view, principal_of
from contact_center.api.idempotency import idempotent, named_user
from contact_center.api.keys import BUS, TOKENS, UOW
from contact_center.api.serialize import agent as agent_doc
from contact_center.api.validation import Body, length, omitted, parse_body, path_id
from contact_center.domain.agents import MIN_PASSWORD_CHARS
from contact_center.domain.commands import CreateAgent, IssueToken, SetPresence, UpdateAgent
from contact_center.domain.enums import Presence, Role
from contact_center.domain.errors import ConflictError, ForbiddenError, UnprocessableError
from contact_center.i18n.formatting import is_zone
from contact_center.services import policy
from contact_center.services.agents import temporary_password

routes = web.RouteTableDef()


Password = Annotated[str, length(1024)]
NewPassword = Annotated[str, length(1024, min_length=MIN_PASSWORD_CHARS)]
DisplayName = Annotated[str, length(200)]
Username = Annotated[str, length(64, min_length=1)]
LoginName = Annotated[str, length(200)]
ShortText = Annotated[str, length(100)]
Team = Annotated[str, length(100)]
Language = Literal["en", "zh-CN"]
TimeZone = Annotated[str, length(64, min_length=1)]


class TokenRequest(Body):
    username: LoginName
    password: Password
    label: ShortText = ""


class AgentCreate(Body):
    username: Username
    display_name: DisplayName = ""
    role: Role = Role.AGENT
    password: NewPassword | None = None
    skills: dict[str, int] = {}
    capacity: dict[str, int] = {}
    team: Team | None = None
    language: Language | None = None
    timezone: TimeZone | None = None


class AgentPatch(Body):
    """Fields left out stay as they are; team, language and timezone can be cleared with null
    (language and timezone then follow the user's browser)."""

    display_name: DisplayName = omitted()
    role: Role = omitted()
    password: NewPassword = omitted()
    skills: dict[str, int] = omitted()
    capacity: dict[str, int] = omitted()
    is_active: bool = omitted()
    team: Team | None = None
    language: Language | None = None
    timezone: TimeZone | None = None


class MySettings(Body):
    """What every user sets for themselves (`PATCH /api/v1/me`): their language and time zone, and
    nothing else of their account, which stays the admin's. Left out: unchanged; null: the
    browser's again."""

    language: Language | None = None
    timezone: TimeZone | None = None


class PasswordReset(Body):
    """A password the admin chose; left out (`{}`): the server makes a temporary one, shown once."""

    password: NewPassword = omitted()


class PresenceRequest(Body):
    presence: Presence
    reason: ShortText = ""


@routes.post("/api/v1/auth/token")
@idempotent(caller=named_user, holds_secret=True)
async def issue_token(request: web.Request) -> web.Response:
    body = await parse_body(request, TokenRequest)
    token = await request.app[BUS].handle(
        IssueToken(
            username=body.username,
            password=body.password,
            label=body.label,
            source=request.remote or "",
            actor=body.username,
        )
    )
    return web.json_response({"token": token, "token_type": "bearer"}, status=201)


@routes.get("/api/v1/me")
async def me(request: web.Request) -> web.Response:
    principal = principal_of(request)
    async with request.app[UOW]() as uow:
        return web.json_response(agent_doc(await uow.agents.get(principal.agent_id)))


@routes.patch("/api/v1/me")
async def update_me(request: web.Request) -> web.Response:
    """A user's own language and time zone, through the same command (and audit entry) as an
    admin's change. The zone is checked here so a bad one is a 422 naming its field, like every
    other refusal of this body; the cached principal is dropped before answering, so the page
    the user reloads next already speaks the new language."""
    principal = principal_of(request)
    body = await parse_body(request, MySettings)
    changes = body.model_dump(exclude_unset=True, mode="json")
    if not changes:
        raise UnprocessableError("send language, timezone or both", code="invalid_field")
    zone = changes.get("timezone")
    if zone is not None and not is_zone(zone):
        raise UnprocessableError(
            "timezone must be an IANA time zone name, e.g. Asia/Shanghai",
            code="invalid_field",
            field="timezone",
        )
    agent = await request.app[BUS].handle(
        UpdateAgent(agent_id=principal.agent_id, changes=tuple(changes.items()), actor=principal.actor)
    )
    await request.app[TOKENS].revoked(principal.agent_id)
    return web.json_response(agent_doc(agent))


@routes.get("/api/v1/agents")
async def list_agents(request: web.Request) -> web.Response:
    """Everyone the caller may see (a short list, unpaged: filtering it here pages nothing)."""
    principal = principal_of(request)
    async with request.app[UOW]() as uow:
        found = [a for a in await uow.agents.list() if policy.sees_agent(principal, a.id or 0, a.team)]
        return web.json_response({"items": [agent_doc(a) for a in found]})


@routes.post("/api/v1/agents")
@idempotent(holds_secret=True)
async def create_agent(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await parse_body(request, AgentCreate)
    agent_id = await request.app[BUS].handle(
        CreateAgent(
            username=body.username,
            display_name=body.display_name,
            role=body.role,
            password=body.password,
            skills=tuple(body.skills.items()),
            capacity=tuple(body.capacity.items()),
            team=body.team,
            language=body.language,
            timezone=body.timezone,
            actor=principal.actor,
        )
    )
    async with request.app[UOW]() as uow:
        return web.json_response(agent_doc(await uow.agents.get(agent_id)), status=201)


@routes.get("/api/v1/agents/{id}")
async def get_agent(request: web.Request) -> web.Response:
    agent_id = path_id(request)
    async with request.app[UOW]() as uow:
        await agent_in_view(uow, principal_of(request), agent_id)
        return web.json_response(agent_doc(await uow.agents.get(agent_id)))


@routes.patch("/api/v1/agents/{id}")
async def update_agent(request: web.Request) -> web.Response:
    principal = principal_of(request)
    agent_id = path_id(request)
    body = await parse_body(request, AgentPatch)
    changes = body.model_dump(exclude_unset=True, mode="json")
    if agent_id == principal.agent_id:  # the admin pages must not let an admin lock themselves out
        if changes.get("is_active") is False:
            raise ConflictError("you cannot disable your own account", field="is_active")
        if changes.get("role", principal.role.value) != principal.role.value:
            raise ConflictError("you cannot change your own role", field="role")
    agent = await request.app[BUS].handle(
        UpdateAgent(agent_id=agent_id, changes=tuple(changes.items()), actor=principal.actor)
    )
    stale = {"role", "is_active", "password", "team", "language", "timezone"}
    if stale & changes.keys():  # a cached principal is stale now
        await request.app[TOKENS].revoked(agent_id)
    return web.json_response(agent_doc(agent))


@routes.post("/api/v1/agents/{id}/reset-password")
async def reset_password(request: web.Request) -> web.Response:
    """An admin's reset for someone who forgot theirs: every session of the account ends, and a
    made-up password is answered once (only its hash is stored), to be handed over in person."""
    principal = principal_of(request)
    body = await parse_body(request, PasswordReset)
    agent_id = path_id(request)
    chosen = body.password if "password" in body.model_fields_set else None
    password = chosen or temporary_password()
    await request.app[BUS].handle(
        UpdateAgent(agent_id=agent_id, changes=(("password", password),), actor=principal.actor)
    )
    await request.app[TOKENS].revoked(agent_id)
    return web.json_response({"agent_id": agent_id, "password": None if chosen else password})


#: What a supervisor may set another agent to: busy and wrap-up follow the agent's work.
SET_BY_SUPERVISOR = frozenset({Presence.AVAILABLE, Presence.AWAY, Presence.OFFLINE})


def _check_stepping_in(body: PresenceRequest) -> None:
    """Someone else's presence changes to available, away or offline, always with a reason (the
    audit entry keeps it, and the agent's desk shows it)."""
    if body.presence not in SET_BY_SUPERVISOR:
        raise UnprocessableError(
            "another agent's presence can be set to available, away or offline", code="presence_not_settable"
        )
    if not body.reason.strip():
        raise UnprocessableError("say why you change another agent's presence", code="reason_required")


@routes.put("/api/v1/agents/{id}/presence")
async def set_presence(request: web.Request) -> web.Response:
    """An agent sets their own presence; a supervisor their team's; an admin anyone's. Setting
    someone else's takes a reason and one of available, away, offline (docs/supervisor-agents.md)."""
    principal = principal_of(request)
    agent_id = path_id(request)
    async with request.app[UOW]() as uow:
        team = await agent_in_view(uow, principal, agent_id)
    if not policy.sets_presence_of(principal, agent_id, team):
        raise ForbiddenError("only a supervisor can set another agent's presence")
    body = await parse_body(request, PresenceRequest)
    if agent_id != principal.agent_id:
        _check_stepping_in(body)
    agent = await request.app[BUS].handle(
        SetPresence(agent_id=agent_id, presence=body.presence, reason=body.reason, actor=principal.actor)
    )
    return web.json_response(agent_doc(agent))
