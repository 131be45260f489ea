"""/healthz (the process is up) and /readyz (the database and, when configured, Redis answer)."""

from __future__ import annotations

import asyncio

from aiohttp import web
from sqlalchemy import text

from contact_center.api.auth import CONTAINER_KEY

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    container = request.app[CONTAINER_KEY]
    checks: dict[str, str] = {}
    try:
        async with asyncio.timeout(3):
            async with container.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # readiness reports any failure instead of raising it
        checks["database"] = f"unavailable: {type(exc).__name__}"
    if container.redis is not None:
        try:
            async with asyncio.timeout(3):
                await container.redis.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"unavailable: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return web.json_response(
        {"status": "ready" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
