"""/api/v1/customers: search, create, read, update and merge customers.

An agent sees the customers of their own work (`policy.customer_scope`, applied before paging) and
changes only their free text; identities are shown as `policy.shown_address` prepares them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from aiohttp import web

from contact_center.api.access import customer_in_view, identities, principal_of
from contact_center.api.idempotency import idempotent
from contact_center.api.keys import BUS, UOW
from contact_center.api.privacy import record_access
from contact_center.api.serialize import row
from contact_center.api.validation import (
    Body,
    Id,
    decode_cursor,
    encode_cursor,
    length,
    omitted,
    parse_body,
    path_id,
    query_id,
    query_int,
    query_text,
)
from contact_center.domain.commands import CreateCustomer, MergeCustomers, UpdateCustomer
from contact_center.domain.customers import Customer, CustomerIdentity
from contact_center.domain.enums import CustomerClass, LifecycleStage, Role, SizeBand
from contact_center.domain.errors import ForbiddenError
from contact_center.domain.principal import Principal
from contact_center.domain.privacy import AccessKind
from contact_center.services import policy
from contact_center.storage import access_facts
from contact_center.storage.desk import DeskRepository

routes = web.RouteTableDef()


Name = Annotated[str, length(200, min_length=1)]
Company = Annotated[str, length(200)]
Region = Annotated[str, length(100)]
Industry = Annotated[str, length(100)]
Tag = Annotated[str, length(100)]
Phone = Annotated[str, length(64)]
Email = Annotated[str, length(254)]
ChatId = Annotated[str, length(128)]


class CustomerCreate(Body):
    name: Name
    company: Company = ""
    region: Region = ""
    industry: Industry = ""
    size_band: SizeBand | None = None
    tags: list[Tag] = []
    customer_class: CustomerClass = CustomerClass.REGULAR
    lifecycle_stage: LifecycleStage = LifecycleStage.POTENTIAL
    consent: dict[str, bool] = {}
    value: float = 0.0
    phones: list[Phone] = []
    emails: list[Email] = []
    chat_ids: list[ChatId] = []


class CustomerPatch(Body):
    """Fields left out stay as they are; only size_band and owner_agent_id may be cleared with null."""

    name: Name = omitted()
    company: Company = omitted()
    region: Region = omitted()
    industry: Industry = omitted()
    size_band: SizeBand | None = None
    tags: list[Tag] = omitted()
    customer_class: CustomerClass = omitted()
    lifecycle_stage: LifecycleStage = omitted()
    consent: dict[str, bool] = omitted()
    value: float = omitted()
    owner_agent_id: Id | None = None


class CustomerMerge(Body):
    merge_id: Id


def customer_doc(principal: Principal, record: Customer, found: Sequence[CustomerIdentity]) -> dict[str, Any]:
    out = row(record)
    out["identities"] = identities(principal, found)
    return out


async def _document(request: web.Request, customer_id: int) -> dict[str, Any]:
    """The customer as the desk's panel shows it: with identities, past satisfaction and the
    number of open follow-ups."""
    principal = principal_of(request)
    async with request.app[UOW]() as uow:
        await customer_in_view(uow, principal, customer_id)
        customer = await uow.customers.get(customer_id)
        doc = customer_doc(principal, customer, await uow.customers.identities(customer_id))
        desk = DeskRepository(uow.session)
        scores = await desk.satisfaction(customer_id)
        doc["satisfaction"] = {
            "average": scores.average,
            "count": scores.count,
            "recent": [
                {
                    "interaction_id": s.interaction_id,
                    "score": s.score,
                    "comment": s.comment,
                    "at": s.created_at.isoformat(),
                }
                for s in scores.recent
            ],
        }
        doc["open_follow_ups"] = await desk.open_follow_ups(customer_id)
        return doc


@routes.get("/api/v1/customers")
async def list_customers(request: web.Request) -> web.Response:
    principal = principal_of(request)
    scope = access_facts.customer_where(policy.customer_scope(principal))
    limit = query_int(request, "limit", 50)
    after = decode_cursor(request.query.get("cursor"))
    query = query_text(request, "q")
    async with request.app[UOW]() as uow:
        if query:
            found = await uow.customers.search(query, limit=limit, after_id=after, scope=scope)
        else:
            found = await uow.customers.list(limit=limit, after_id=after, scope=scope)
        items = [customer_doc(principal, c, await uow.customers.identities(c.id or 0)) for c in found]
    cursor = encode_cursor(found[-1].id or 0) if len(found) == limit else None
    return web.json_response({"items": items, "next_cursor": cursor})


@routes.post("/api/v1/customers")
@idempotent()
async def create_customer(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await parse_body(request, CustomerCreate)
    owner = None
    if principal.role is Role.AGENT:  # theirs, so they see it; what steers routing is not theirs to set
        steered = body.model_fields_set & {"customer_class", "lifecycle_stage", "consent", "value"}
        if steered:
            raise ForbiddenError(f"setting {', '.join(sorted(steered))} needs a supervisor")
        owner = principal.agent_id
    customer_id = await request.app[BUS].handle(
        CreateCustomer(
            name=body.name,
            company=body.company,
            region=body.region,
            industry=body.industry,
            size_band=body.size_band.value if body.size_band else None,
            tags=tuple(body.tags),
            customer_class=body.customer_class,
            lifecycle_stage=body.lifecycle_stage.value,
            consent=tuple(body.consent.items()),
            value=body.value,
            phones=tuple(body.phones),
            emails=tuple(body.emails),
            chat_ids=tuple(body.chat_ids),
            owner_agent_id=owner,
            actor=principal.actor,
        )
    )
    return web.json_response(await _document(request, customer_id), status=201)


@routes.get("/api/v1/customers/{id}")
async def get_customer(request: web.Request) -> web.Response:
    document = await _document(request, path_id(request))
    await record_access(request, int(str(document["id"])), AccessKind.VIEW)
    return web.json_response(document)


@routes.patch("/api/v1/customers/{id}")
async def update_customer(request: web.Request) -> web.Response:
    principal = principal_of(request)
    customer_id = path_id(request)
    async with request.app[UOW]() as uow:
        facts = await customer_in_view(uow, principal, customer_id)
    body = await parse_body(request, CustomerPatch)
    changes = body.model_dump(exclude_unset=True, mode="json")
    refusal = policy.customer_change_refusal(principal, facts, set(changes))
    policy.check(refusal, f"customer {customer_id}")
    await request.app[BUS].handle(
        UpdateCustomer(customer_id=customer_id, changes=tuple(changes.items()), actor=principal.actor)
    )
    return web.json_response(await _document(request, customer_id))


@routes.post("/api/v1/customers/{id}/merge")
async def merge_customer(request: web.Request) -> web.Response:
    principal = principal_of(request)
    survivor_id = path_id(request)
    body = await parse_body(request, CustomerMerge)
    await request.app[BUS].handle(
        MergeCustomers(survivor_id=survivor_id, merged_id=body.merge_id, actor=principal.actor)
    )
    return web.json_response(await _document(request, survivor_id))


@routes.get("/api/v1/customers/{id}/interactions")
async def customer_history(request: web.Request) -> web.Response:
    """The customer's history across every channel, newest first, paged by `before` (an id) and
    `limit`: the part the caller may see, each with its agent's name and satisfaction score."""
    principal = principal_of(request)
    customer_id = path_id(request)
    scope = access_facts.interaction_where(policy.interaction_scope(principal))
    limit = query_int(request, "limit", 50)
    before = query_id(request, "before")
    async with request.app[UOW]() as uow:
        await customer_in_view(uow, principal, customer_id)
        found = await DeskRepository(uow.session).history(
            customer_id, before_id=before, limit=limit, scope=scope
        )
    items = [row(i) | {"agent_name": agent, "satisfaction_score": score} for i, agent, score in found]
    await record_access(request, customer_id, AccessKind.HISTORY)
    next_before = items[-1]["id"] if len(items) == limit else None
    return web.json_response({"items": items, "next_before": next_before})
