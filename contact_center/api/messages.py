"""A conversation's messages: read them from a sequence number on, write a reply, signal typing.

Message ids are the conversation's sequence numbers, so a desk that saw up to `n` asks for
`after=n` and gets exactly what it missed. A reply is stored and answered 201 before its channel
sends it; its `delivery_status` moves on as the adapter reports (`services/messages.py`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from aiohttp import web

from contact_center.api.access import interaction_in_view, principal_of
from contact_center.api.idempotency import idempotent
from contact_center.api.keys import BUS, SIGNALS, UOW
from contact_center.api.privacy import record_access
from contact_center.api.serialize import row
from contact_center.api.validation import Body, Id, length, parse_body, path_id, query_id, query_int
from contact_center.domain.commands import SendMessage
from contact_center.domain.errors import ForbiddenError, InvalidInputError
from contact_center.domain.privacy import AccessKind
from contact_center.services import policy
from contact_center.signals import Signal

routes = web.RouteTableDef()

ReplyBody = Annotated[str, length(20_000, 1)]


class ReplyRequest(Body):
    body: ReplyBody


class SignalRequest(Body):
    kind: Literal["typing", "read"]
    #: For "read": the last message the agent has seen.
    up_to: Id | None = None


@routes.get("/api/v1/interactions/{id}/messages")
async def list_messages(request: web.Request) -> web.Response:
    principal = principal_of(request)
    interaction_id = path_id(request)
    after = query_id(request, "after")
    limit = query_int(request, "limit", 200, high=500)
    async with request.app[UOW]() as uow:
        await interaction_in_view(uow, principal, interaction_id)
        if not policy.sees_message_bodies(principal):
            raise ForbiddenError("your role does not read conversations")
        interaction = await uow.interactions.get(interaction_id)
        found = await uow.messages.for_interaction(interaction_id, after=after, limit=limit)
    await record_access(request, interaction.customer_id, AccessKind.CONVERSATION)
    return web.json_response({"messages": [row(m) for m in found]})


@routes.post("/api/v1/interactions/{id}/messages")
@idempotent()
async def send_message(request: web.Request) -> web.Response:
    principal = principal_of(request)
    interaction_id = path_id(request)
    async with request.app[UOW]() as uow:  # out of view: a 404 before the body says anything
        await interaction_in_view(uow, principal, interaction_id)
    body = await parse_body(request, ReplyRequest)
    if not body.body.strip():
        raise InvalidInputError("body must not be blank")
    message = await request.app[BUS].handle(
        SendMessage(
            interaction_id=interaction_id,
            agent_id=principal.agent_id,
            body=body.body,
            principal=principal,
            actor=principal.actor,
        )
    )
    return web.json_response({"message": row(message)}, status=201)


@routes.post("/api/v1/interactions/{id}/signals")
async def send_signal(request: web.Request) -> web.Response:
    """Typing or read, passed on to the other side live and never stored."""
    principal = principal_of(request)
    interaction_id = path_id(request)
    async with request.app[UOW]() as uow:
        await interaction_in_view(uow, principal, interaction_id)
        interaction = await uow.interactions.get(interaction_id)
    policy.check(policy.reply_refusal(principal, interaction.agent_id), "interaction")
    body = await parse_body(request, SignalRequest)
    await request.app[SIGNALS].publish(
        Signal(interaction_id, body.kind, "agent", agent_id=principal.agent_id, up_to=body.up_to)
    )
    return web.Response(status=204)
