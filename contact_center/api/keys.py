"""The narrow things a web handler may use, each under its own typed application key.

The composition root (`bootstrap.py`) hands them to `api.app.create_app`, which sets them;
handlers read only the ones they need, so no handler reaches into a container of everything and
nothing here imports `bootstrap`.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from contact_center.api.principals import TokenCache
from contact_center.bus import MessageBus
from contact_center.jobs import JobRunner
from contact_center.readiness import Readiness
from contact_center.router.explain_rpc import Explain
from contact_center.settings import Settings
from contact_center.signals import Signals
from contact_center.storage.idempotency import IdempotencyStore
from contact_center.storage.uow import Clock, UnitOfWork

SETTINGS = web.AppKey("settings", Settings)
BUS = web.AppKey("bus", MessageBus)
#: A fresh unit of work for reads (writes go through BUS).
UOW: web.AppKey[Callable[[], UnitOfWork]] = web.AppKey("uow")
JOBS = web.AppKey("jobs", JobRunner)
CLOCK: web.AppKey[Clock] = web.AppKey("clock")
#: Bearer tokens to principals, cached; revocations reach every process at once.
TOKENS = web.AppKey("tokens", TokenCache)
#: What /readyz asks: can the database (and Redis, when there is one) be reached?
READINESS = web.AppKey("readiness", Readiness)
#: Idempotency-Key claims and the answers they gave (`api/idempotency.py`).
IDEMPOTENCY = web.AppKey("idempotency", IdempotencyStore)
#: The router's live "why is this one waiting": in process, over Redis, or `no_explanation`.
EXPLAIN: web.AppKey[Explain] = web.AppKey("explain")
#: Typing and read marks, passed between processes and never stored (`signals.py`).
SIGNALS: web.AppKey[Signals] = web.AppKey("signals")


async def no_explanation(interaction_id: int) -> None:
    """Where no router answers: the stored decision log is all there is."""
    return
