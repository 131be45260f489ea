"""/api/v1/interactions: list with filters and cursor pagination, read with messages, open, transition.

What a caller may see is scoped before paging (`policy.interaction_scope`); an interaction out of
view answers 404 as a missing one does; a move is checked by the policy inside its own transaction.
"""

from __future__ import annotations

from typing import Annotated

from aiohttp import web
from pydantic import model_validator

from contact_center.api.access import customer_in_view, interaction_in_view, principal_of
from contact_center.api.idempotency import idempotent
from contact_center.api.keys import BUS, UOW
from contact_center.api.privacy import record_access
from contact_center.api.serialize import row
from contact_center.api.validation import (
    Body,
    Id,
    Int32,
    decode_cursor,
    encode_cursor,
    length,
    parse_body,
    path_id,
    query_id,
    query_int,
    query_time,
)
from contact_center.domain.commands import OpenInteraction, TransitionInteraction
from contact_center.domain.enums import Channel, Direction, InteractionState
from contact_center.domain.errors import InvalidInputError
from contact_center.domain.privacy import AccessKind
from contact_center.domain.states import TRANSITIONS
from contact_center.services import policy
from contact_center.services.interactions import InteractionRecord
from contact_center.storage import access_facts

routes = web.RouteTableDef()


QueueName = Annotated[str, length(100)]
Subject = Annotated[str, length(500)]
MessageBody = Annotated[str, length(100_000)]
WrapUpCode = Annotated[str, length(50)]


class InteractionCreate(Body):
    customer_id: Id
    channel: Channel
    direction: Direction = Direction.OUTBOUND
    queue: QueueName | None = None
    subject: Subject = ""
    priority: Int32 | None = None
    agent_id: Id | None = None
    body: MessageBody = ""


class TransitionRequest(Body):
    """The state to move to, as `to` or (the agent desk's word) `target`: exactly one of them."""

    to: InteractionState | None = None
    target: InteractionState | None = None
    agent_id: Id | None = None
    queue: QueueName | None = None
    wrap_up_code: WrapUpCode | None = None

    @model_validator(mode="after")
    def _one_state(self) -> TransitionRequest:
        if (self.to is None) == (self.target is None):
            raise ValueError("give the state to move to as exactly one of to and target")
        return self

    @property
    def state(self) -> InteractionState:
        state = self.to or self.target
        assert state is not None  # checked above
        return state


def _enum_query(request: web.Request, name: str, enum: type[Channel] | type[InteractionState]) -> str | None:
    raw = request.query.get(name)
    if raw is None:
        return None
    try:
        return enum(raw).value
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise InvalidInputError(f"{name} must be one of {allowed}") from None


@routes.get("/api/v1/interactions")
async def list_interactions(request: web.Request) -> web.Response:
    scope = access_facts.interaction_where(policy.interaction_scope(principal_of(request)))
    limit = query_int(request, "limit", 50)
    state = _enum_query(request, "state", InteractionState)
    channel = _enum_query(request, "channel", Channel)
    async with request.app[UOW]() as uow:
        found = await uow.interactions.list(
            limit=limit,
            before_id=decode_cursor(request.query.get("cursor")),
            state=InteractionState(state) if state else None,
            channel=Channel(channel) if channel else None,
            queue_id=query_id(request, "queue_id"),
            customer_id=query_id(request, "customer_id"),
            agent_id=query_id(request, "agent_id"),
            created_after=query_time(request, "created_after"),
            created_before=query_time(request, "created_before"),
            scope=scope,
        )
    cursor = encode_cursor(found[-1].id or 0) if len(found) == limit else None
    return web.json_response({"items": [row(i) for i in found], "next_cursor": cursor})


@routes.post("/api/v1/interactions")
@idempotent()
async def open_interaction(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await parse_body(request, InteractionCreate)
    async with request.app[UOW]() as uow:
        await customer_in_view(uow, principal, body.customer_id)
        team = (
            await access_facts.agent_team(uow.session, body.agent_id) if body.agent_id is not None else None
        )
        refusal = policy.open_refusal(principal, assignee=body.agent_id, assignee_team=team)
        policy.check(refusal, f"agent {body.agent_id}")
    record = await request.app[BUS].handle(
        OpenInteraction(
            customer_id=body.customer_id,
            channel=body.channel,
            direction=body.direction,
            queue=body.queue,
            subject=body.subject,
            priority=body.priority,
            agent_id=body.agent_id,
            body=body.body,
            actor=principal.actor,
        )
    )
    return web.json_response(interaction_document(record, principal), status=201)


@routes.get("/api/v1/interactions/{id}")
async def get_interaction(request: web.Request) -> web.Response:
    """The interaction with its messages: a read of the customer's conversation, access-logged."""
    document = await _document(request, path_id(request))
    customer_id = document.get("customer_id")
    if isinstance(customer_id, int):
        await record_access(request, customer_id, AccessKind.CONVERSATION)
    return web.json_response(document)


@routes.post("/api/v1/interactions/{id}/transitions")
async def transition_interaction(request: web.Request) -> web.Response:
    principal = principal_of(request)
    interaction_id = path_id(request)
    async with request.app[UOW]() as uow:  # out of view: a 404 before the body says anything
        await interaction_in_view(uow, principal, interaction_id)
    body = await parse_body(request, TransitionRequest)
    record = await request.app[BUS].handle(
        TransitionInteraction(
            interaction_id=interaction_id,
            target=body.state,
            agent_id=body.agent_id,
            queue=body.queue,
            wrap_up_code=body.wrap_up_code,
            principal=principal,
            actor=principal.actor,
        )
    )
    return web.json_response(interaction_document(record, principal))


async def _document(request: web.Request, interaction_id: int) -> dict[str, object]:
    principal = principal_of(request)
    async with request.app[UOW]() as uow:
        await interaction_in_view(uow, principal, interaction_id)
        interaction = await uow.interactions.get(interaction_id)
        record = InteractionRecord(
            interaction,
            await uow.messages.for_interaction(interaction_id),
            await uow.interactions.transitions(interaction_id),
        )
    return interaction_document(record, principal)


def interaction_document(record: InteractionRecord, principal: policy.Principal) -> dict[str, object]:
    """The interaction document, from what a command returned or a read found. `offered` is never
    an allowed move here: only the router offers."""
    doc = row(record.interaction)
    if policy.sees_message_bodies(principal):
        doc["messages"] = [row(m) for m in record.messages]
    doc["transitions"] = [row(t) for t in record.transitions]
    state = InteractionState(record.interaction.state)
    doc["allowed_transitions"] = sorted(s.value for s in TRANSITIONS[state] - {InteractionState.OFFERED})
    return doc
