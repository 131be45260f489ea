"""The desk's moves on an interaction beyond the generic transitions: transfer with a note, and
each queue's list of wrap-up codes (read by whoever sees the queue, set by admins)."""

from __future__ import annotations

from typing import Annotated, Any

from aiohttp import web
from pydantic import Field

from contact_center.api.access import interaction_in_view, principal_of, queue_in_view
from contact_center.api.idempotency import idempotent
from contact_center.api.interactions import interaction_document
from contact_center.api.keys import BUS, UOW
from contact_center.api.validation import Body, Id, length, parse_body, path_id
from contact_center.domain.desk_commands import CreateWrapUpCode, SetQueueWrapUpCodes, TransferInteraction
from contact_center.domain.enums import Presence, Role
from contact_center.domain.errors import UnprocessableError
from contact_center.domain.work import WrapUpCode
from contact_center.services import policy
from contact_center.storage.desk import DeskRepository

routes = web.RouteTableDef()

QueueName = Annotated[str, length(100, min_length=1)]
NoteBody = Annotated[str, length(10_000)]
Code = Annotated[str, length(50, min_length=1)]
Label = Annotated[str, length(200)]


class TransferRequest(Body):
    """Exactly one of `to_queue` and `to_agent_id`."""

    to_queue: QueueName | None = None
    to_agent_id: Id | None = None
    note: NoteBody = ""


@routes.get("/api/v1/interactions/{id}/transfer-targets")
async def transfer_targets(request: web.Request) -> web.Response:
    """The colleagues the caller may hand this interaction to, for the desk's transfer dialog.

    An agent's agent directory shows only themselves; transferring needs a short list of the
    people in reach (their team, or everyone for an agent or supervisor without one), with
    whether each can take work now: the router keeps a transfer only for someone who can."""
    principal = principal_of(request)
    interaction_id = path_id(request)
    async with request.app[UOW]() as uow:
        facts = await interaction_in_view(uow, principal, interaction_id)
        policy.check(
            policy.transfer_refusal(principal, facts, to_agent=None, to_agent_team=None),
            f"interaction {interaction_id}",
        )
        agents = await uow.agents.list()
    targets = [
        {
            "id": agent.id,
            "name": agent.display_name or agent.username,
            "team": agent.team,
            "presence": Presence(agent.presence).value,
            "can_take_work": Presence(agent.presence) in (Presence.AVAILABLE, Presence.BUSY),
        }
        for agent in agents
        if agent.id != principal.agent_id
        and agent.id != facts.agent_id
        and agent.is_active
        and Role(agent.role) in (Role.AGENT, Role.SUPERVISOR)
        and policy.assigns_work_refusal(principal, agent.id or 0, agent.team, to_colleagues=True) is None
    ]
    targets.sort(key=lambda t: (not t["can_take_work"], str(t["name"]).casefold()))
    return web.json_response({"agents": targets})


class WrapUpCodesRequest(Body):
    codes: list[Code] = Field(max_length=100)


class WrapUpCodeCreate(Body):
    code: Code
    label: Label = ""


@routes.post("/api/v1/interactions/{id}/transfer")
async def transfer_interaction(request: web.Request) -> web.Response:
    principal = principal_of(request)
    interaction_id = path_id(request)
    async with request.app[UOW]() as uow:  # out of view: a 404 before the body says anything
        await interaction_in_view(uow, principal, interaction_id)
    body = await parse_body(request, TransferRequest)
    if (body.to_queue is None) == (body.to_agent_id is None):
        raise UnprocessableError("name exactly one of to_queue and to_agent_id", code="one_target")
    record = await request.app[BUS].handle(
        TransferInteraction(
            principal=principal,
            interaction_id=interaction_id,
            to_queue=body.to_queue,
            to_agent_id=body.to_agent_id,
            note=body.note.strip(),
            actor=principal.actor,
        )
    )
    return web.json_response({"interaction": interaction_document(record, principal)})


def _codes(found: list[WrapUpCode]) -> dict[str, Any]:
    return {"wrap_up_codes": [{"code": c.code, "label": c.label} for c in found]}


@routes.get("/api/v1/queues/{id}/wrap-up-codes")
async def queue_wrap_up_codes(request: web.Request) -> web.Response:
    principal = principal_of(request)
    queue_id = path_id(request)
    async with request.app[UOW]() as uow:
        await queue_in_view(uow, principal, queue_id)
        found = list(await DeskRepository(uow.session).queue_codes(queue_id))
    return web.json_response(_codes(found))


@routes.put("/api/v1/queues/{id}/wrap-up-codes")
async def set_queue_wrap_up_codes(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await parse_body(request, WrapUpCodesRequest)  # admins only: nothing to hide first
    queue_id = path_id(request)
    found = await request.app[BUS].handle(
        SetQueueWrapUpCodes(queue_id=queue_id, codes=tuple(body.codes), actor=principal.actor)
    )
    return web.json_response(_codes(list(found)))


@routes.get("/api/v1/wrap-up-codes")
async def list_wrap_up_codes(request: web.Request) -> web.Response:
    """The global table of codes, from which each queue's list is chosen."""
    async with request.app[UOW]() as uow:
        return web.json_response(_codes(list(await DeskRepository(uow.session).active_codes())))


@routes.post("/api/v1/wrap-up-codes")
@idempotent()
async def create_wrap_up_code(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await parse_body(request, WrapUpCodeCreate)
    found = await request.app[BUS].handle(
        CreateWrapUpCode(code=body.code, label=body.label, actor=principal.actor)
    )
    return web.json_response({"code": found.code, "label": found.label}, status=201)
