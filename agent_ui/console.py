"""The supervisor's drill-down: a queue's live view, an interaction's timeline with the router's
"why this agent", a customer's record across channels, and the search with its CSV export.

Server-rendered pages (the queue's refreshes itself every few seconds: `static/console.js`
fetches the page again and swaps its live part). Supervisors and admins open them
(`policy.opens_console`); anyone else signed in gets a 403 page. What each shows is the policy's
rule for its resource: a queue or interaction out of a supervisor's view is a 404 page, word for
word a missing one's. Reading an interaction's messages or a customer's record is logged as the
API logs it (docs/privacy.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from agent_ui.console_timeline import channel_name, state_name, worded
from agent_ui.web import render
from contact_center import i18n
from contact_center.api.access import (
    customer_in_view,
    identities,
    interaction_in_view,
    principal_of,
    queue_in_view,
)
from contact_center.api.interaction_search import search_filters
from contact_center.api.keys import CLOCK, EXPLAIN, UOW
from contact_center.api.privacy import record_access
from contact_center.api.validation import decode_cursor, encode_cursor, path_id
from contact_center.domain.enums import Channel, InteractionState
from contact_center.domain.errors import InvalidInputError, NotFoundError
from contact_center.domain.principal import Principal
from contact_center.domain.privacy import AccessKind
from contact_center.queries.console_records import customer_record, interaction_header
from contact_center.queries.interaction_search import search
from contact_center.queries.interaction_timeline import timeline
from contact_center.queries.queue_live import queue_live
from contact_center.services import policy
from contact_center.storage.uow import UnitOfWork

PAGE = 50
#: Query names the search page passes on to its CSV link and its next page.
FILTERS = (
    "channel",
    "queue_id",
    "state",
    "customer",
    "agent_id",
    "wrap_up_code",
    "created_after",
    "created_before",
)


def waited(now: datetime, since: datetime | None) -> str:
    """A wait as h:mm:ss (or m:ss): digits read the same in every language."""
    if since is None:
        return ""
    seconds = max(0, int((now - since) / timedelta(seconds=1)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _refused(principal: Principal, status: int) -> web.Response:
    response = render("console_refused.html", user=principal, status=status)
    response.set_status(status)
    return response


def _words() -> dict[str, Any]:
    """Names of states and channels in the reader's language, for the templates."""
    return {
        "states": {s.value: state_name(s.value) for s in InteractionState},
        "channels": {c.value: channel_name(c.value) for c in Channel},
    }


InView = Callable[[UnitOfWork, Principal, int], Awaitable[object]]


async def _door(request: web.Request, in_view: InView) -> tuple[Principal, int] | web.Response:
    """The caller and the page's resource id, or the page refusing them: 403 outside the
    console's roles, 404 for a resource out of their view (as for a missing one)."""
    principal = principal_of(request)
    if not policy.opens_console(principal):
        return _refused(principal, 403)
    resource_id = path_id(request)
    async with request.app[UOW]() as uow:
        try:
            await in_view(uow, principal, resource_id)
        except NotFoundError:
            return _refused(principal, 404)
    return principal, resource_id


async def queue_page(request: web.Request) -> web.StreamResponse:
    door = await _door(request, queue_in_view)
    if isinstance(door, web.Response):
        return door
    principal, queue_id = door
    async with request.app[UOW]() as uow:
        queue = await uow.queues.get(queue_id)
        live = await queue_live(uow.session, queue_id)
    now = request.app[CLOCK]()
    waits = {row.id: waited(now, row.queued_at) for row in live.waiting}
    return render(
        "console_queue.html", user=principal, queue=queue, live=live, waits=waits, now=now, **_words()
    )


async def interaction_page(request: web.Request) -> web.StreamResponse:
    door = await _door(request, interaction_in_view)
    if isinstance(door, web.Response):
        return door
    principal, interaction_id = door
    async with request.app[UOW]() as uow:
        header = await interaction_header(uow.session, interaction_id)
        entries = await timeline(uow.session, interaction_id)
    if header is None:
        return _refused(principal, 404)
    await record_access(request, header.customer_id, AccessKind.CONVERSATION)
    live = await request.app[EXPLAIN](interaction_id) if header.state in ("queued", "offered") else None
    language = i18n.current()
    lines = [worded(e, language, principal.timezone) for e in entries]
    return render("console_interaction.html", user=principal, it=header, lines=lines, live=live, **_words())


async def customer_page(request: web.Request) -> web.StreamResponse:
    door = await _door(request, customer_in_view)
    if isinstance(door, web.Response):
        return door
    principal, customer_id = door
    async with request.app[UOW]() as uow:
        record = await customer_record(uow.session, customer_id, policy.interaction_scope(principal))
    if record is None:
        return _refused(principal, 404)
    await record_access(request, customer_id, AccessKind.VIEW)
    return render(
        "console_customer.html",
        user=principal,
        customer=record.customer,
        addresses=identities(principal, record.identities),
        history=record.history,
        **_words(),
    )


async def _choices(request: web.Request, principal: Principal) -> dict[str, Any]:
    """The queues and agents the search's lists offer: those in the reader's view."""
    async with request.app[UOW]() as uow:
        queues = [q for q in await uow.queues.list() if policy.sees_queue(principal, q.team)]
        agents = [a for a in await uow.agents.list() if policy.sees_agent(principal, a.id or 0, a.team)]
    return {"queues": queues, "agents": agents}


async def search_page(request: web.Request) -> web.StreamResponse:
    principal = principal_of(request)
    if not policy.opens_console(principal):
        return _refused(principal, 403)
    asked = {k: request.query[k] for k in FILTERS if request.query.get(k)}
    rows, error, next_link = [], None, None
    try:
        filters = search_filters(request, principal)
        before = decode_cursor(request.query.get("cursor"))
        async with request.app[UOW]() as uow:
            rows = await search(
                uow.session, filters, policy.interaction_scope(principal), limit=PAGE, before_id=before
            )
        if len(rows) == PAGE:
            next_link = "?" + urlencode(asked | {"cursor": encode_cursor(rows[-1].id)})
    except InvalidInputError as exc:
        error = i18n.translate(exc.message, i18n.current())
    # A filter the form could not have sent (a hand-typed URL) is said on the page, which answers
    # as a form does: the API's 400 is for programs.
    return render(
        "console_search.html",
        user=principal,
        asked=asked,
        rows=rows,
        error=error,
        next_link=next_link,
        csv_link="/api/v1/interactions/search.csv" + ("?" + urlencode(asked) if asked else ""),
        **(await _choices(request, principal)),
        **_words(),
    )


def setup_console(app: web.Application) -> None:
    app.router.add_get("/console/queues/{id}", queue_page)
    app.router.add_get("/console/interactions/{id}", interaction_page)
    app.router.add_get("/console/customers/{id}", customer_page)
    app.router.add_get("/console/search", search_page)
