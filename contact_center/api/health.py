"""/healthz (the process is up) and /readyz (the database and, when configured, Redis answer;
which parts of the process are degraded, and since when)."""

from __future__ import annotations

from aiohttp import web

from contact_center.api.keys import READINESS
from contact_center.outage import DEGRADED

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    """Which backend failed, and nothing of how: an exception's type or message tells a prober
    which database and driver run here. The log has the details."""
    failures, down = await request.app[READINESS].watched()  # each outage logged there, once
    checks = {name: "ok" if e is None else "unavailable" for name, e in failures.items()}
    ready = all(exc is None for exc in failures.values())
    # Parts of this process riding out an outage or waiting to restart, and for how many seconds:
    # the process still serves (200) while its backends answer, and says what is degraded. A
    # backend that does not answer is named too, with how long it has not.
    degraded = dict(sorted({**DEGRADED.now(), **down}.items(), key=lambda item: -item[1]))
    status = ("degraded" if degraded else "ready") if ready else "unavailable"
    return web.json_response(
        {"status": status, "checks": checks, "degraded": degraded}, status=200 if ready else 503
    )
