"""The supervisor's first page: queues with waiting count and longest wait, and the latest contacts.

Server-rendered with jinja2, then kept live over a websocket: every committed event marks the
figures stale, and at most twice a second the hub recomputes them once and pushes them to every
open page. Sign-in trades a password for the same bearer token the API uses, kept in a cookie.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import WSMsgType, web

from agent_ui.event_stream import EVENTS_KEY, EventStream
from contact_center.api.auth import COOKIE, STAFF, Principal, require
from contact_center.api.keys import BUS, SETTINGS, UOW
from contact_center.bus import EventBroker
from contact_center.domain.commands import IssueToken
from contact_center.domain.errors import ContactCenterError
from contact_center.domain.events import Event
from contact_center.queries.dashboard import dashboard
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=jinja2.select_autoescape(["html"])
)
HUB_KEY: web.AppKey[DashboardHub] = web.AppKey("dashboard_hub")


class DashboardHub:
    """Pushes fresh dashboard figures to open pages after events, coalescing bursts."""

    def __init__(self, uow: Callable[[], UnitOfWork], *, min_interval_s: float = 0.5) -> None:
        self._uow = uow
        self._sockets: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()
        self._dirty = asyncio.Event()
        self._min_interval = min_interval_s
        self._task: asyncio.Task[None] | None = None

    async def on_event(self, event: Event) -> None:
        self._dirty.set()

    def add(self, ws: web.WebSocketResponse) -> None:
        self._sockets.add(ws)

    def discard(self, ws: web.WebSocketResponse) -> None:
        self._sockets.discard(ws)

    async def start(self, _app: web.Application) -> None:
        self._task = asyncio.create_task(self._run(), name="dashboard-hub")

    async def stop(self, _app: web.Application) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for ws in list(self._sockets):
            await ws.close()

    async def _run(self) -> None:
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            if self._sockets:
                try:
                    payload = json.dumps(await dashboard(self._uow()), ensure_ascii=False)
                except Exception:  # the database may be briefly unavailable; try on the next event
                    log.exception("dashboard.refresh_failed")
                else:
                    for ws in list(self._sockets):
                        with contextlib.suppress(ConnectionError, RuntimeError):
                            await ws.send_str(payload)
            await asyncio.sleep(self._min_interval)


def render(name: str, **context: Any) -> web.Response:
    return web.Response(text=TEMPLATES.get_template(name).render(**context), content_type="text/html")


async def _principal_or_none(request: web.Request) -> Principal | None:
    try:
        return await require(request, *STAFF)
    except ContactCenterError:
        return None


async def index(request: web.Request) -> web.StreamResponse:
    principal = await _principal_or_none(request)
    if principal is None:
        raise web.HTTPFound("/login")
    data = await dashboard(request.app[UOW]())
    return render("dashboard.html", user=principal, initial=data)  # `tojson` escapes it for <script>


async def login_form(request: web.Request) -> web.Response:
    return render("login.html", error=None)


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    try:
        token = await request.app[BUS].handle(
            IssueToken(
                username=username, password=password, label="web", source=request.remote or "", actor=username
            )
        )
    except ContactCenterError as exc:
        response = render("login.html", error=exc.message)
        response.set_status(401)
        return response
    response = web.HTTPFound("/")
    secure = request.app[SETTINGS].http.cookie_secure
    max_age = request.app[SETTINGS].sessions.max_age_s  # the token itself is refused after that too
    response.set_cookie(COOKIE, token, httponly=True, samesite="Lax", secure=secure, max_age=max_age)
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    response = web.HTTPFound("/login")
    response.del_cookie(COOKIE)
    raise response


async def dashboard_socket(request: web.Request) -> web.StreamResponse:
    await require(request, *STAFF)
    ws = web.WebSocketResponse(heartbeat=30, max_msg_size=4096)
    await ws.prepare(request)
    hub = request.app[HUB_KEY]
    hub.add(ws)
    try:
        await ws.send_str(json.dumps(await dashboard(request.app[UOW]()), ensure_ascii=False))
        async for message in ws:
            if message.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
                break
    finally:
        hub.discard(ws)
    return ws


def setup_ui(app: web.Application, *, uow: Callable[[], UnitOfWork], events: EventBroker) -> None:
    """Add the pages to the API application and subscribe the hub to every event (before start).

    `uow` gives the hub its reads; `events` is the broker every committed event reaches."""
    hub = DashboardHub(uow)
    events.subscribe("ui", hub.on_event, live=True)
    app[HUB_KEY] = hub
    app.on_startup.append(hub.start)
    app.on_shutdown.append(hub.stop)
    app.router.add_get("/", index)
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/ws/dashboard", dashboard_socket)
    stream = app[EVENTS_KEY] = EventStream()
    events.subscribe("events", stream.on_event, live=True)
    app.router.add_get("/ws/events", stream.handle)
    app.on_shutdown.append(stream.close_all)
    app.router.add_static("/static/", HERE / "static")
