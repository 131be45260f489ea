"""The aiohttp application of the REST API, with the error middleware and the body-size limit."""

from __future__ import annotations

from aiohttp import web

from contact_center.api import (
    agents,
    customers,
    health,
    inbound,
    interactions,
    keys,
    offers,
    openapi,
    planning,
    queues,
    tokens,
)
from contact_center.api.auth import CONTAINER_KEY
from contact_center.api.errors import error_middleware
from contact_center.bootstrap import Container

ROUTE_TABLES = (
    health.routes,
    tokens.routes,
    customers.routes,
    inbound.routes,
    interactions.routes,
    offers.routes,
    agents.routes,
    queues.routes,
    planning.routes,
    openapi.routes,
)


def create_app(container: Container) -> web.Application:
    app = web.Application(
        middlewares=[error_middleware], client_max_size=container.settings.http.max_body_bytes
    )
    app[CONTAINER_KEY] = container
    assert container.tokens is not None, "build the container with bootstrap.build_container"
    keys.install(
        app,
        settings=container.settings,
        bus=container.bus,
        uow=container.read_uow,
        jobs=container.jobs,
        clock=container.clock,
        tokens=container.tokens,
    )
    for table in ROUTE_TABLES:
        app.add_routes(table)
    return app
