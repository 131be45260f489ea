"""/healthz (the process is up) and /readyz (the database and, when configured, Redis answer)."""

from __future__ import annotations

from aiohttp import web

from contact_center.api.keys import READINESS

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    """Only the kind of failure is shown: its message may name hosts a client need not learn."""
    failures = await request.app[READINESS].failures()
    checks = {name: "ok" if e is None else f"unavailable: {type(e).__name__}" for name, e in failures.items()}
    ready = all(exc is None for exc in failures.values())
    return web.json_response(
        {"status": "ready" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
