"""The supervisor console's API: the agents view, and stepping into live work (whispers, take over).

Reassigning is the transfer (`POST /api/v1/interactions/{id}/transfer`, `api/desk.py`); a
supervisor changes an agent's state with `PUT /api/v1/agents/{id}/presence` (`api/agents.py`).
Each handler asks the policy on the facts of its one interaction (`services/policy/stepping_in.py`);
out of view is a 404, as a missing row is. Design: docs/supervisor-agents.md.
"""

from __future__ import annotations

from typing import Annotated

from aiohttp import web

from contact_center.api.access import hidden, interaction_in_view, principal_of
from contact_center.api.idempotency import idempotent
from contact_center.api.interactions import interaction_document
from contact_center.api.keys import BUS, UOW
from contact_center.api.validation import Body, length, parse_body, path_id, query_id
from contact_center.domain.errors import ForbiddenError
from contact_center.domain.stepping_in import WHISPER_MAX_CHARS, TakeOverInteraction, WhisperToAgent
from contact_center.queries.agents_live import agents_live
from contact_center.queries.whispers import WhisperView, whispers_of
from contact_center.services import policy

routes = web.RouteTableDef()

WhisperBody = Annotated[str, length(WHISPER_MAX_CHARS, 1)]
Reason = Annotated[str, length(100)]


class WhisperRequest(Body):
    body: WhisperBody


class TakeOverRequest(Body):
    reason: Reason = ""


@routes.get("/api/v1/console/agents")
async def console_agents(request: web.Request) -> web.Response:
    """Each agent of the caller's team (admins and supervisors without a team: all), live."""
    principal = principal_of(request)
    if not policy.sees_agents_console(principal):
        raise ForbiddenError("the agents view is for supervisors")
    found = await agents_live(request.app[UOW](), policy.agent_scope(principal), timezone=principal.timezone)
    return web.json_response(found.to_dict())


@routes.get("/api/v1/interactions/{id}/whispers")
async def list_whispers(request: web.Request) -> web.Response:
    """For the agent handling it and the supervisors monitoring it; anyone else: 404."""
    principal = principal_of(request)
    interaction_id = path_id(request)
    after = query_id(request, "after")
    async with request.app[UOW]() as uow:
        facts = await interaction_in_view(uow, principal, interaction_id)
        if not policy.reads_whispers(principal, facts):
            raise hidden(f"interaction {interaction_id}")
        found = await whispers_of(uow.session, interaction_id, after=after)
    return web.json_response({"whispers": [w.to_dict() for w in found]})


@routes.post("/api/v1/interactions/{id}/whispers")
@idempotent()
async def add_whisper(request: web.Request) -> web.Response:
    principal = principal_of(request)
    interaction_id = path_id(request)
    async with request.app[UOW]() as uow:  # out of view: a 404 before the body says anything
        await interaction_in_view(uow, principal, interaction_id)
    body = await parse_body(request, WhisperRequest)
    note = await request.app[BUS].handle(
        WhisperToAgent(
            principal=principal, interaction_id=interaction_id, body=body.body, actor=principal.actor
        )
    )
    view = WhisperView(
        note.id or 0,
        interaction_id,
        principal.agent_id,
        principal.username,
        note.to_agent_id,
        note.body,
        note.created_at.isoformat(),
    )
    return web.json_response({"whisper": view.to_dict()}, status=201)


@routes.post("/api/v1/interactions/{id}/take-over")
async def take_over(request: web.Request) -> web.Response:
    """The caller becomes the handling agent; it opens on their own desk (`/desk`)."""
    principal = principal_of(request)
    interaction_id = path_id(request)
    async with request.app[UOW]() as uow:
        await interaction_in_view(uow, principal, interaction_id)
    body = await parse_body(request, TakeOverRequest)
    record = await request.app[BUS].handle(
        TakeOverInteraction(
            principal=principal,
            interaction_id=interaction_id,
            reason=body.reason.strip(),
            actor=principal.actor,
        )
    )
    return web.json_response({"interaction": interaction_document(record, principal)})
