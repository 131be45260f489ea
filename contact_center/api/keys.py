"""The narrow things a web handler may use, each under its own typed application key.

The composition root (`bootstrap.py`) sets them; handlers read only the ones they need, so no
handler reaches into a container of everything and nothing here imports `bootstrap`.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from contact_center.api.principals import TokenCache
from contact_center.bus import MessageBus
from contact_center.jobs import JobRunner
from contact_center.settings import Settings
from contact_center.storage.uow import Clock, UnitOfWork

SETTINGS = web.AppKey("settings", Settings)
BUS = web.AppKey("bus", MessageBus)
#: A fresh unit of work for reads (writes go through BUS).
UOW = web.AppKey("uow", Callable[[], UnitOfWork])
JOBS = web.AppKey("jobs", JobRunner)
CLOCK = web.AppKey("clock", Clock)
#: Bearer tokens to principals, cached; revocations reach every process at once.
TOKENS = web.AppKey("tokens", TokenCache)


def install(
    app: web.Application,
    *,
    settings: Settings,
    bus: MessageBus,
    uow: Callable[[], UnitOfWork],
    jobs: JobRunner,
    clock: Clock,
    tokens: TokenCache,
) -> None:
    """Set every key above on `app` (the composition root calls this once)."""
    app[SETTINGS] = settings
    app[BUS] = bus
    app[UOW] = uow
    app[JOBS] = jobs
    app[CLOCK] = clock
    app[TOKENS] = tokens
