"""/api/v1/audit: the audit log for admins, newest first, filtered and paged by a cursor.

Every change made through the API or the admin pages is in it (`UnitOfWork.audit`). Entries
about a customer keep their personal values sealed (docs/privacy.md); this list shows them as
stored, sealed, and the customer's own trail (`/api/v1/customers/{id}/audit`) opens them.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlmodel import col, select

from contact_center.api.keys import UOW
from contact_center.api.validation import (
    decode_cursor,
    encode_cursor,
    query_id,
    query_int,
    query_text,
    query_time,
)
from contact_center.domain.audit import AuditEntry
from contact_center.domain.errors import InvalidInputError

routes = web.RouteTableDef()

#: The query parameters this list takes, for the OpenAPI document.
AUDIT_QUERY = ("actor", "entity", "entity_id", "action", "since", "until", "limit", "cursor")


def entry_doc(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "action": entry.action,
        "changes": entry.changes,
    }


@routes.get("/api/v1/audit")
async def list_audit(request: web.Request) -> web.Response:
    """`actor` matches a part of the actor (`alice` finds `agent:alice`); `entity` and `action`
    match exactly; `since` is inclusive and `until` exclusive."""
    actor = query_text(request, "actor", max_length=100)
    entity = query_text(request, "entity", max_length=50)
    action = query_text(request, "action", max_length=50)
    entity_id = query_id(request, "entity_id")
    since, until = query_time(request, "since"), query_time(request, "until")
    if since is not None and until is not None and until <= since:
        raise InvalidInputError("until must be after since", field="until")
    limit = query_int(request, "limit", 50)
    before_id = decode_cursor(request.query.get("cursor"))
    statement = select(AuditEntry)
    if actor:
        pattern = "%" + actor.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(col(AuditEntry.actor).ilike(pattern, escape="\\"))
    if entity:
        statement = statement.where(AuditEntry.entity == entity)
    if action:
        statement = statement.where(AuditEntry.action == action)
    if entity_id is not None:
        statement = statement.where(AuditEntry.entity_id == entity_id)
    if since is not None:
        statement = statement.where(col(AuditEntry.at) >= since)
    if until is not None:
        statement = statement.where(col(AuditEntry.at) < until)
    if before_id is not None:
        statement = statement.where(col(AuditEntry.id) < before_id)
    statement = statement.order_by(col(AuditEntry.id).desc()).limit(limit)
    async with request.app[UOW]() as uow:
        found = list((await uow.session.exec(statement)).all())
    cursor = encode_cursor(found[-1].id or 0) if len(found) == limit else None
    return web.json_response({"items": [entry_doc(e) for e in found], "next_cursor": cursor})
