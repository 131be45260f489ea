"""The aiohttp application of the REST API, with the error middleware, the body-size limit, the
same-origin check for browsers (`origin.py`), the door of every route (`access.py`, by the rules
of `route_rules.py`) and the security headers (`headers.py`).

It receives the narrow things handlers use and sets each under its key (`api/keys.py`); the
composition root decides what they are.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from contact_center.api import (
    agents,
    audit_log,
    canned_responses,
    console,
    customer_work,
    customers,
    desk,
    health,
    inbound,
    interaction_search,
    interactions,
    jobs,
    keys,
    messages,
    offers,
    openapi,
    planning,
    privacy,
    queues,
    tokens,
    webchat_sites,
)
from contact_center.api.access import access_middleware
from contact_center.api.errors import error_middleware
from contact_center.api.headers import add_security_headers
from contact_center.api.origin import same_origin_middleware
from contact_center.api.principals import TokenCache
from contact_center.bus import MessageBus
from contact_center.jobs import JobRunner
from contact_center.readiness import Readiness
from contact_center.router.explain_rpc import Explain
from contact_center.settings import Settings
from contact_center.signals import Signals
from contact_center.storage.idempotency import IdempotencyStore
from contact_center.storage.uow import Clock, UnitOfWork

ROUTE_TABLES = (
    health.routes,
    tokens.routes,
    customers.routes,
    customer_work.routes,
    canned_responses.routes,
    desk.routes,
    console.routes,
    privacy.routes,
    inbound.routes,
    interaction_search.routes,  # before /interactions/{id}, which would take "search"
    interactions.routes,
    messages.routes,
    offers.routes,
    agents.routes,
    queues.routes,
    planning.routes,
    jobs.routes,
    audit_log.routes,
    webchat_sites.routes,
    openapi.routes,
)


def create_app(
    *,
    settings: Settings,
    bus: MessageBus,
    uow: Callable[[], UnitOfWork],
    jobs: JobRunner,
    clock: Clock,
    readiness: Readiness,
    tokens: TokenCache,
    idempotency: IdempotencyStore,
    signals: Signals,
    explain: Explain = keys.no_explanation,
) -> web.Application:
    app = web.Application(
        middlewares=[error_middleware, same_origin_middleware, access_middleware],
        client_max_size=settings.http.max_body_bytes,
    )
    app[keys.SETTINGS] = settings
    app[keys.BUS] = bus
    app[keys.UOW] = uow
    app[keys.JOBS] = jobs
    app[keys.CLOCK] = clock
    app[keys.READINESS] = readiness
    app[keys.TOKENS] = tokens
    app[keys.IDEMPOTENCY] = idempotency
    app[keys.EXPLAIN] = explain
    app[keys.SIGNALS] = signals
    for table in ROUTE_TABLES:
        app.add_routes(table)
    app.on_response_prepare.append(add_security_headers)
    return app
