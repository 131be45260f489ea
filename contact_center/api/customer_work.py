"""/api/v1/customers/{id}/notes and /follow-ups, and /api/v1/follow-ups/{id}: the internal work
kept on a customer. Read by whoever sees the customer (an agent: their own customers); notes are
internal and never reach the customer (no channel or customer-facing page reads this table).
"""

from __future__ import annotations

from typing import Annotated, Any

from aiohttp import web

from contact_center.api.access import customer_in_view, principal_of
from contact_center.api.idempotency import idempotent
from contact_center.api.keys import BUS, UOW
from contact_center.api.validation import AwareUtcTime, Body, Id, length, parse_body, path_id, query_int
from contact_center.domain.desk_commands import AddNote, CompleteFollowUp, CreateFollowUp
from contact_center.domain.errors import InvalidInputError
from contact_center.domain.work import FollowUpTask, Note
from contact_center.services import policy
from contact_center.services.customer_work import NoteRecord
from contact_center.storage import access_facts
from contact_center.storage.desk import DeskRepository

routes = web.RouteTableDef()

NoteBody = Annotated[str, length(10_000, min_length=1)]
TaskTitle = Annotated[str, length(300, min_length=1)]


class NoteCreate(Body):
    body: NoteBody
    interaction_id: Id | None = None


class FollowUpCreate(Body):
    title: TaskTitle
    due_at: AwareUtcTime
    owner_agent_id: Id | None = None
    interaction_id: Id | None = None


class FollowUpPatch(Body):
    done: bool


def note_doc(note: Note, author_name: str | None) -> dict[str, Any]:
    return {
        "id": note.id,
        "customer_id": note.customer_id,
        "body": note.body,
        "author_agent_id": note.author_id,
        "author_name": author_name,
        "interaction_id": note.interaction_id,
        "created_at": note.created_at.isoformat(),
    }


def follow_up_doc(task: FollowUpTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "customer_id": task.customer_id,
        "title": task.title,
        "due_at": task.due_at.isoformat(),
        "owner_agent_id": task.owner_id,
        "done": task.done,
        "done_at": task.done_at.isoformat() if task.done_at else None,
        "interaction_id": task.interaction_id,
        "created_at": task.created_at.isoformat(),
    }


@routes.get("/api/v1/customers/{id}/notes")
async def list_notes(request: web.Request) -> web.Response:
    """Newest first."""
    principal = principal_of(request)
    customer_id = path_id(request)
    limit = query_int(request, "limit", 100)
    async with request.app[UOW]() as uow:
        await customer_in_view(uow, principal, customer_id)
        found = await DeskRepository(uow.session).notes(customer_id, limit)
    return web.json_response({"notes": [note_doc(n, author) for n, author in found]})


@routes.post("/api/v1/customers/{id}/notes")
@idempotent()
async def add_note(request: web.Request) -> web.Response:
    principal = principal_of(request)
    customer_id = path_id(request)
    async with request.app[UOW]() as uow:  # out of view: a 404 before the body says anything
        await customer_in_view(uow, principal, customer_id)
    body = await parse_body(request, NoteCreate)
    record: NoteRecord = await request.app[BUS].handle(
        AddNote(
            principal=principal,
            customer_id=customer_id,
            body=body.body,
            interaction_id=body.interaction_id,
            actor=principal.actor,
        )
    )
    return web.json_response({"note": note_doc(record.note, record.author_name)}, status=201)


def _open_only(request: web.Request) -> bool:
    raw = request.query.get("open")
    if raw is None:
        return False
    if raw not in ("true", "false"):
        raise InvalidInputError("open must be true or false")
    return raw == "true"


@routes.get("/api/v1/customers/{id}/follow-ups")
async def list_follow_ups(request: web.Request) -> web.Response:
    """Soonest due first; `open=true` leaves out the done ones."""
    principal = principal_of(request)
    customer_id = path_id(request)
    open_only = _open_only(request)
    limit = query_int(request, "limit", 100)
    async with request.app[UOW]() as uow:
        await customer_in_view(uow, principal, customer_id)
        found = await DeskRepository(uow.session).follow_ups(customer_id, open_only=open_only, limit=limit)
    return web.json_response({"follow_ups": [follow_up_doc(t) for t in found]})


@routes.post("/api/v1/customers/{id}/follow-ups")
@idempotent()
async def create_follow_up(request: web.Request) -> web.Response:
    principal = principal_of(request)
    customer_id = path_id(request)
    async with request.app[UOW]() as uow:
        await customer_in_view(uow, principal, customer_id)
    body = await parse_body(request, FollowUpCreate)
    task = await request.app[BUS].handle(
        CreateFollowUp(
            principal=principal,
            customer_id=customer_id,
            title=body.title,
            due_at=body.due_at,
            owner_agent_id=body.owner_agent_id,
            interaction_id=body.interaction_id,
            actor=principal.actor,
        )
    )
    return web.json_response({"follow_up": follow_up_doc(task)}, status=201)


@routes.patch("/api/v1/follow-ups/{id}")
async def update_follow_up(request: web.Request) -> web.Response:
    principal = principal_of(request)
    follow_up_id = path_id(request)
    async with request.app[UOW]() as uow:  # out of view: a 404 before the body says anything
        task = await DeskRepository(uow.session).follow_up(follow_up_id)
        facts = await access_facts.customer_facts(uow.session, task.customer_id)
        team = await access_facts.agent_team(uow.session, task.owner_id) if task.owner_id else None
    refusal = policy.follow_up_change_refusal(principal, facts, task.owner_id, team)
    policy.check(refusal, f"follow-up {follow_up_id}")
    body = await parse_body(request, FollowUpPatch)
    task = await request.app[BUS].handle(
        CompleteFollowUp(
            principal=principal, follow_up_id=follow_up_id, done=body.done, actor=principal.actor
        )
    )
    return web.json_response({"follow_up": follow_up_doc(task)})
