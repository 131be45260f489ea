"""The web chat channel: a visitor on a website talks to an agent (docs/webchat.md).

`setup_webchat` plugs it into the web application: the visitor websocket (`visitor_socket.py`),
uploads and the widget (`endpoints.py`), and the hub that pushes agents' replies (`hub.py`),
subscribed live to the broker before it starts, and to the signals hub for agents' typing and read
marks. The composition root calls it; the outbound port (`outbound.py`) it plugs in on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from aiohttp import web
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from channels.webchat import conversation, endpoints, upload_cleanup, visitor_socket
from channels.webchat.chat_deps import ChatDeps
from channels.webchat.hub import VisitorHub
from channels.webchat.limits import ConnectionCounts
from channels.webchat.site_directory import SiteDirectory, seed_sites
from channels.webchat.sites import AvailabilityCache
from channels.webchat.tokens import VisitorTokens
from channels.webchat.uploads import UploadStore
from contact_center.bus import EventBroker, MessageBus
from contact_center.domain import events as ev
from contact_center.settings import Settings
from contact_center.signals import Signals
from contact_center.storage.uow import Clock, UnitOfWork
from contact_center.supervision import supervised

log = logging.getLogger(__name__)

CHAT_KEY: web.AppKey[ChatDeps] = web.AppKey("webchat")
SECRET_KEY_SUFFIX = ":webchat:secret"


def setup_webchat(
    app: web.Application,
    *,
    settings: Settings,
    bus: MessageBus,
    read_uow: Callable[[], UnitOfWork],
    reader: AsyncEngine,
    events: EventBroker,
    clock: Clock,
    signals: Signals,
    own_origins: Callable[[web.Request], set[str]],
    redis: Redis | None = None,
) -> None:
    chat = settings.webchat
    hub = VisitorHub(reader)
    events.subscribe("webchat", hub.on_event, live=True)
    signals.subscribe(hub.on_signal)
    deps = ChatDeps(
        settings=chat,
        bus=bus,
        read_uow=read_uow,
        reader=reader,
        clock=clock,
        hub=hub,
        counts=ConnectionCounts(chat.connections_per_address),
        signals=signals,
        uploads=UploadStore(Path(chat.upload_dir), max_bytes=chat.max_upload_bytes, types=chat.upload_types),
        own_origins=own_origins,
        availability=AvailabilityCache(read_uow),
        sites=SiteDirectory(read_uow),
        default_region=settings.default_region,
    )
    app[CHAT_KEY] = deps
    # Live, in every web process: each deletes the files in its own upload directory.
    events.subscribe("webchat-erasure", functools.partial(erase_uploads, deps), live=True)

    sweeping: list[asyncio.Task[None]] = []

    async def start(_app: web.Application) -> None:
        secret = await _secret(chat.secret, redis, f"{settings.redis.stream}{SECRET_KEY_SUFFIX}")
        deps.tokens = VisitorTokens(secret, max_age=timedelta(days=chat.token_max_age_days))
        await seed_sites(bus, chat.sites)
        sweeping.append(asyncio.create_task(supervised("webchat-uploads", sweep), name="webchat-uploads"))

    async def sweep() -> None:
        await upload_cleanup.sweep_periodically(
            deps.uploads,
            clock,
            chat.upload_sweep_s,
            timedelta(seconds=chat.unsent_upload_max_age_s),
            functools.partial(conversation.customer_of, reader),
        )

    async def stop(_app: web.Application) -> None:
        for task in sweeping:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.on_startup.append(start)
    app.on_shutdown.append(hub.close_all)
    app.on_cleanup.append(stop)
    app.on_response_prepare.append(endpoints.add_cors(deps))
    app.router.add_get("/chat/ws", functools.partial(visitor_socket.handle, deps))
    app.router.add_post("/chat/upload", functools.partial(endpoints.upload, deps))
    app.router.add_route("OPTIONS", "/chat/upload", functools.partial(endpoints.preflight, deps))
    app.router.add_get("/chat/files/{id}", functools.partial(endpoints.download, deps))
    app.router.add_route("OPTIONS", "/chat/files/{id}", functools.partial(endpoints.preflight, deps))
    app.router.add_get("/chat/widget.js", endpoints.widget_script())
    app.router.add_get("/chat/widget.css", endpoints.static_file("widget.css", "text/css"))
    app.router.add_get("/demo/shop", endpoints.demo_shop)
    app.router.add_get("/demo/shop.css", endpoints.static_file("shop.css", "text/css"))


async def _secret(configured: str | None, redis: Redis | None, key: str) -> bytes:
    """The configured secret; else one made up now, shared through Redis by every process."""
    if configured is not None:
        return configured.encode()
    made = secrets.token_urlsafe(48)
    if redis is None:
        log.warning("webchat.secret_generated", extra={"shared": False})
        return made.encode()
    await redis.set(key, made, nx=True)
    shared = await redis.get(key)
    log.warning("webchat.secret_generated", extra={"shared": True})
    return shared if isinstance(shared, bytes) else str(shared).encode()


async def erase_uploads(deps: ChatDeps, event: ev.Event) -> None:
    """A customer erased: the files they sent go too (their messages' attachment lists were
    blanked by the erasure; the files themselves are this channel's to delete), and those they
    uploaded but never sent."""
    if not isinstance(event, ev.CustomerErased):
        return
    interaction_ids = await conversation.interactions_of(deps.reader, event.customer_ids)
    erased = await upload_cleanup.erase_for(deps.uploads, event.customer_ids, interaction_ids)
    log.info("webchat.uploads_erased", extra={"customer_id": event.customer_id, "files": erased})
