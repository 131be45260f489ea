"""/api/v1/canned-responses: prepared replies, personal and shared, searched and filled in.

A caller lists their own and every shared one; who may change which is the policy's, asked by the
handlers of the commands (`services/canned_responses.py`). Rendering fills the variables in on the
server for one interaction the caller sees, with the customer's name as the policy shows it.
"""

from __future__ import annotations

from typing import Annotated, Any

from aiohttp import web

from contact_center.api.access import hidden, interaction_in_view, principal_of
from contact_center.api.idempotency import idempotent
from contact_center.api.keys import BUS, UOW
from contact_center.api.validation import (
    Body,
    Id,
    length,
    omitted,
    parse_body,
    path_id,
    query_int,
    query_text,
)
from contact_center.domain.desk import CannedResponse
from contact_center.domain.desk_commands import (
    CreateCannedResponse,
    DeleteCannedResponse,
    UpdateCannedResponse,
)
from contact_center.services import policy
from contact_center.services.canned_responses import fill
from contact_center.storage.desk import DeskRepository

routes = web.RouteTableDef()

Title = Annotated[str, length(200, min_length=1)]
Shortcut = Annotated[str, length(50)]
Text = Annotated[str, length(5000, min_length=1)]


class CannedResponseCreate(Body):
    title: Title
    body: Text
    shortcut: Shortcut = ""
    shared: bool = False


class CannedResponsePatch(Body):
    """Fields left out stay as they are."""

    title: Title = omitted()
    body: Text = omitted()
    shortcut: Shortcut = omitted()
    shared: bool = omitted()


class RenderRequest(Body):
    interaction_id: Id


def canned_doc(canned: CannedResponse) -> dict[str, Any]:
    return {
        "id": canned.id,
        "title": canned.title,
        "shortcut": canned.shortcut,
        "body": canned.body,
        "shared": canned.shared,
        "owner_agent_id": canned.owner_agent_id,
        "updated_at": canned.updated_at.isoformat(),
    }


@routes.get("/api/v1/canned-responses")
async def list_canned_responses(request: web.Request) -> web.Response:
    principal = principal_of(request)
    query = query_text(request, "q")
    limit = query_int(request, "limit", 100)
    async with request.app[UOW]() as uow:
        found = await DeskRepository(uow.session).canned_responses(principal.agent_id, query, limit)
    return web.json_response({"canned_responses": [canned_doc(c) for c in found]})


@routes.post("/api/v1/canned-responses")
@idempotent()
async def create_canned_response(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await parse_body(request, CannedResponseCreate)
    canned = await request.app[BUS].handle(
        CreateCannedResponse(
            principal=principal,
            title=body.title,
            body=body.body,
            shortcut=body.shortcut,
            shared=body.shared,
            actor=principal.actor,
        )
    )
    return web.json_response({"canned_response": canned_doc(canned)}, status=201)


async def _visible(request: web.Request, canned_id: int) -> CannedResponse:
    """The canned response, if the caller may see it; else the 404 of a missing one."""
    principal = principal_of(request)
    async with request.app[UOW]() as uow:
        canned = await DeskRepository(uow.session).canned_response(canned_id)
    if not policy.sees_canned_response(principal, canned.owner_agent_id, canned.shared):
        raise hidden(f"canned response {canned_id}")
    return canned


@routes.patch("/api/v1/canned-responses/{id}")
async def update_canned_response(request: web.Request) -> web.Response:
    principal = principal_of(request)
    canned_id = path_id(request)
    await _visible(request, canned_id)  # out of view: a 404 before the body says anything
    body = await parse_body(request, CannedResponsePatch)
    changes = body.model_dump(exclude_unset=True)
    canned = await request.app[BUS].handle(
        UpdateCannedResponse(
            principal=principal,
            canned_response_id=canned_id,
            changes=tuple(changes.items()),
            actor=principal.actor,
        )
    )
    return web.json_response({"canned_response": canned_doc(canned)})


@routes.delete("/api/v1/canned-responses/{id}")
async def delete_canned_response(request: web.Request) -> web.Response:
    principal = principal_of(request)
    canned_id = path_id(request)
    await request.app[BUS].handle(
        DeleteCannedResponse(principal=principal, canned_response_id=canned_id, actor=principal.actor)
    )
    return web.Response(status=204)


@routes.post("/api/v1/canned-responses/{id}/render")
async def render_canned_response(request: web.Request) -> web.Response:
    """The body with `{customer_name}`, `{agent_name}` and `{reference}` filled in for one
    interaction in the caller's view; other `{words}` stay as written."""
    principal = principal_of(request)
    canned = await _visible(request, path_id(request))
    body = await parse_body(request, RenderRequest)
    async with request.app[UOW]() as uow:
        await interaction_in_view(uow, principal, body.interaction_id)
        interaction = await uow.interactions.get(body.interaction_id)
        customer = await uow.customers.get(interaction.customer_id)
        me = await uow.agents.get(principal.agent_id)
    values = {
        "customer_name": policy.shown_customer_name(principal, customer.name),
        "agent_name": me.display_name or me.username,
        "reference": f"#{interaction.id}",
    }
    return web.json_response({"text": fill(canned.body, values)})
