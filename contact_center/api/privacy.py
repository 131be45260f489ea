"""/api/v1/customers/{id}/export, /erase, /audit and /access-log: a customer's personal data as the
law asks (docs/privacy.md). Export and erasure are for administrators only; supervisors read the
audit trail and the access log.

`record_access` is the one call a reading handler adds so the access log knows who looked.
"""

from __future__ import annotations

from aiohttp import web

from contact_center.api.access import principal_of
from contact_center.api.keys import BUS, UOW
from contact_center.api.validation import path_id
from contact_center.domain.commands import EraseCustomer, RecordCustomerAccess
from contact_center.domain.privacy import AccessKind
from contact_center.privacy.export import export_customer
from contact_center.privacy.records import access_log, audit_entries, customer_group

routes = web.RouteTableDef()


async def record_access(request: web.Request, customer_id: int, kind: AccessKind) -> None:
    """Log that the caller read this customer's record; answer only once it is written."""
    principal = principal_of(request)
    await request.app[BUS].handle(
        RecordCustomerAccess(
            customer_id=customer_id, kind=kind.value, agent_id=principal.agent_id, actor=principal.actor
        )
    )


async def _group(request: web.Request) -> list[int]:
    async with request.app[UOW]() as uow:
        return await customer_group(uow, path_id(request))


@routes.get("/api/v1/customers/{id}/export")
async def export(request: web.Request) -> web.Response:
    group = await _group(request)  # 404 before anything is logged
    await record_access(request, group[0], AccessKind.EXPORT)
    async with request.app[UOW]() as uow:
        document = await export_customer(uow, group[0])
    disposition = f'attachment; filename="customer-{group[0]}.json"'
    return web.json_response(document, headers={"Content-Disposition": disposition})


@routes.post("/api/v1/customers/{id}/erase")
async def erase(request: web.Request) -> web.Response:
    principal = principal_of(request)
    result = await request.app[BUS].handle(
        EraseCustomer(customer_id=path_id(request), agent_id=principal.agent_id, actor=principal.actor)
    )
    return web.json_response(result)


@routes.get("/api/v1/customers/{id}/audit")
async def audit(request: web.Request) -> web.Response:
    """The audit trail of the customer and its interactions: personal values opened while the
    customer's key exists, `"erased": true` once it was erased."""
    group = await _group(request)
    await record_access(request, group[0], AccessKind.AUDIT)
    async with request.app[UOW]() as uow:
        items = await audit_entries(uow, group)
    return web.json_response({"items": items})


@routes.get("/api/v1/customers/{id}/access-log")
async def access(request: web.Request) -> web.Response:
    group = await _group(request)
    async with request.app[UOW]() as uow:
        items = await access_log(uow, group)
    return web.json_response({"items": items})
