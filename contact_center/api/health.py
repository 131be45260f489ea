"""/healthz (the process is up) and /readyz (the database and, when configured, Redis answer;
which parts of the process are degraded)."""

from __future__ import annotations

import logging

from aiohttp import web

from contact_center.api.keys import READINESS
from contact_center.outage import DEGRADED

log = logging.getLogger(__name__)
routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    """Which backend failed, and nothing of how: an exception's type or message tells a prober
    which database and driver run here. The log has the details."""
    failures = await request.app[READINESS].failures()
    for name, exc in failures.items():
        if exc is not None:
            log.warning("readyz.unavailable", extra={"check": name, "error": type(exc).__name__})
    checks = {name: "ok" if e is None else "unavailable" for name, e in failures.items()}
    ready = all(exc is None for exc in failures.values())
    # Parts of this process riding out an outage or waiting to restart, and for how many seconds:
    # the process still serves (200) while its backends answer, and says what is degraded.
    degraded = DEGRADED.now()
    status = ("degraded" if degraded else "ready") if ready else "unavailable"
    return web.json_response(
        {"status": status, "checks": checks, "degraded": degraded}, status=200 if ready else 503
    )
