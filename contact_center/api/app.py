"""The aiohttp application of the REST API, with the error middleware and the body-size limit."""

from __future__ import annotations

from aiohttp import web

from contact_center.api import (
    agents,
    customers,
    health,
    interactions,
    jobs,
    keys,
    offers,
    openapi,
    planning,
    queues,
)
from contact_center.api.auth import CONTAINER_KEY
from contact_center.api.errors import error_middleware
from contact_center.bootstrap import Container

ROUTE_TABLES = (
    health.routes,
    customers.routes,
    interactions.routes,
    offers.routes,
    agents.routes,
    queues.routes,
    planning.routes,
    jobs.routes,
    openapi.routes,
)


def create_app(container: Container) -> web.Application:
    app = web.Application(
        middlewares=[error_middleware], client_max_size=container.settings.http.max_body_bytes
    )
    app[CONTAINER_KEY] = container
    keys.install(
        app,
        settings=container.settings,
        bus=container.bus,
        uow=container.uow,
        jobs=container.jobs,
        clock=container.clock,
    )
    for table in ROUTE_TABLES:
        app.add_routes(table)
    return app
