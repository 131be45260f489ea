"""/api/v1/interactions/search: the supervisor's search, as JSON pages or one CSV of the whole result.

Filters: channel, queue_id, state, customer (a name's beginning, a phone number or an email
address), agent_id, wrap_up_code, created_after and created_before (an ISO time with offset, or a
plain date read in the caller's time zone: `created_before=2026-12-07` counts that whole day).
A bad filter is a 400 before anything is read. Scoped by the policy before paging; supervisors
and admins only (the console's search), agents list their own work at /api/v1/interactions.

The CSV streams: rows are read a batch at a time and written as they come, so an export of a
million rows holds one batch in memory (`csv_export.py`: BOM, formula guard).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from aiohttp import web

from contact_center.api.access import principal_of
from contact_center.api.csv_export import stream_csv
from contact_center.api.keys import SETTINGS, UOW
from contact_center.api.validation import (
    decode_cursor,
    encode_cursor,
    query_id,
    query_int,
    query_text,
    query_time,
)
from contact_center.domain.enums import Channel, InteractionState
from contact_center.domain.errors import InvalidInputError
from contact_center.domain.principal import Principal
from contact_center.i18n import formatting
from contact_center.queries.interaction_search import SearchFilters, SearchRow, every_row, search
from contact_center.services import policy

routes = web.RouteTableDef()
E = TypeVar("E", Channel, InteractionState)


def _choice(request: web.Request, name: str, enum: type[E]) -> E | None:
    raw = request.query.get(name, "")
    if not raw:
        return None
    try:
        return enum(raw)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise InvalidInputError(f"{name} must be one of {allowed}") from None


def _moment(request: web.Request, name: str, zone: str | None, *, end: bool) -> datetime | None:
    """An ISO time with offset, or a date in the caller's zone (its start; for an end, the next
    day's start, so the date counts whole)."""
    raw = request.query.get(name, "")
    if len(raw) != 10:
        return query_time(request, name) if raw else None
    try:
        day = date.fromisoformat(raw) + timedelta(days=1 if end else 0)
        return datetime.combine(day, time(), formatting.zone(zone)).astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidInputError(
            f"{name} must be a date (2026-12-07) or an ISO 8601 time with offset"
        ) from None


def search_filters(request: web.Request, principal: Principal) -> SearchFilters:
    """The filters of a search request (the API's and the search page's: the same names)."""
    filters = SearchFilters(
        channel=_choice(request, "channel", Channel),
        queue_id=query_id(request, "queue_id") if request.query.get("queue_id") else None,
        state=_choice(request, "state", InteractionState),
        customer=query_text(request, "customer", max_length=200),
        customer_id=query_id(request, "customer_id") if request.query.get("customer_id") else None,
        agent_id=query_id(request, "agent_id") if request.query.get("agent_id") else None,
        created_after=_moment(request, "created_after", principal.timezone, end=False),
        created_before=_moment(request, "created_before", principal.timezone, end=True),
        wrap_up_code=query_text(request, "wrap_up_code", max_length=50) or None,
        region=request.app[SETTINGS].default_region,
    )
    if filters.created_after and filters.created_before and filters.created_after >= filters.created_before:
        raise InvalidInputError("created_after must be before created_before")
    return filters


def search_document(found: SearchRow) -> dict[str, object]:
    return {
        "id": found.id,
        "created_at": found.created_at.isoformat(),
        "channel": found.channel,
        "state": found.state,
        "queue_id": found.queue_id,
        "queue": found.queue,
        "customer_id": found.customer_id,
        "customer": found.customer,
        "agent_id": found.agent_id,
        "agent": found.agent,
        "wrap_up_code": found.wrap_up_code,
        "subject": found.subject,
    }


@routes.get("/api/v1/interactions/search")
async def search_interactions(request: web.Request) -> web.Response:
    principal = principal_of(request)
    filters = search_filters(request, principal)
    limit = query_int(request, "limit", 50)
    before = decode_cursor(request.query.get("cursor"))
    async with request.app[UOW]() as uow:
        found = await search(
            uow.session, filters, policy.interaction_scope(principal), limit=limit, before_id=before
        )
    cursor = encode_cursor(found[-1].id) if len(found) == limit else None
    return web.json_response({"items": [search_document(f) for f in found], "next_cursor": cursor})


@routes.get("/api/v1/interactions/search.csv")
async def export_interactions(request: web.Request) -> web.StreamResponse:
    principal = principal_of(request)
    filters = search_filters(request, principal)  # a bad filter is a 400 before the answer starts
    scope = policy.interaction_scope(principal)
    async with request.app[UOW]() as uow:
        rows = every_row(uow.session, filters, scope)
        return await stream_csv(request, rows, principal.timezone)
