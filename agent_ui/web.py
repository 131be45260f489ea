"""The supervisor's first page: the wallboard (a tile per queue and one for all of them, with
today's figures, colours, alerts and the forecast against actual) and the latest contacts.

Server-rendered with jinja2, then kept live over a websocket: every committed event marks the
figures stale, and within a twentieth of a second the hub reads them again once per view (a
team's figures, with or without the latest contacts: `policy.dashboard_view`; today's counts at
most once a second) and pushes them to every open page of that view (docs/supervisor.md). An
agent signing in gets their desk instead (`agent_ui/desk.py`). Sign-in trades a password for the
same bearer token the API uses, kept in a cookie. Who may open what: the rules of
`contact_center/api/route_rules.py`, checked at the door.
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

from aiohttp import WSMsgType, web

from agent_ui.desk import SENDING_KEY, desk_config, wrap_up_limit
from agent_ui.desk_presence import DeskWatch
from agent_ui.event_stream import EVENTS_KEY, EventStream
from agent_ui.pages import page_environment, render_page
from contact_center import i18n
from contact_center.api.access import principal_of
from contact_center.api.auth import COOKIE
from contact_center.api.keys import BUS, SETTINGS
from contact_center.api.language import request_language
from contact_center.bus import EventBroker
from contact_center.domain.commands import IssueToken
from contact_center.domain.enums import Channel
from contact_center.domain.errors import ContactCenterError
from contact_center.domain.events import Event, QueueCreated, QueueUpdated
from contact_center.outage import Outage, is_outage
from contact_center.queries.wallboard import TodayCache, console_figures
from contact_center.queries.wallboard_forecast import ForecastCache
from contact_center.services import policy
from contact_center.services.policy import DashboardView
from contact_center.signals import Signals
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
TEMPLATES = page_environment(HERE / "templates")
HUB_KEY: web.AppKey[DashboardHub] = web.AppKey("dashboard_hub")


class DashboardHub:
    """Pushes fresh dashboard figures to open pages after events, coalescing bursts.

    A push follows an event within `min_interval_s` (plus the reads): the live figures are read
    for each push, today's counts at most every `today_max_age_s` (`TodayCache`), so a contact
    shows on every console well within a tenth of a second at 200 events a second
    (bench/console_fanout.py). Without events, waits still grow: a push every `tick_s`."""

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        *,
        min_interval_s: float = 0.05,
        tick_s: float = 5.0,
        today_max_age_s: float = 1.0,
    ) -> None:
        self._uow = uow
        self._sockets: weakref.WeakKeyDictionary[web.WebSocketResponse, DashboardView] = (
            weakref.WeakKeyDictionary()
        )
        self._dirty = asyncio.Event()
        self._min_interval = min_interval_s
        self._tick = tick_s
        self._task: asyncio.Task[None] | None = None
        self.forecasts = ForecastCache(uow, self._dirty.set)
        self.today = TodayCache(today_max_age_s)

    async def on_event(self, event: Event) -> None:
        if isinstance(event, QueueCreated | QueueUpdated):
            self.today.forget()
        self._dirty.set()

    def add(self, ws: web.WebSocketResponse, view: DashboardView) -> None:
        self._sockets[ws] = view

    def discard(self, ws: web.WebSocketResponse) -> None:
        self._sockets.pop(ws, None)

    async def figures(self, view: DashboardView) -> dict[str, Any]:
        """The dashboard's figures with the wallboard's tiles and the forecasts made so far."""
        data = await console_figures(self._uow(), view, today_cache=self.today)
        data["wallboard"] = self.forecasts.attach(data["wallboard"])
        return data

    async def start(self, _app: web.Application) -> None:
        self._task = asyncio.create_task(self._run(), name="dashboard-hub")

    async def stop(self, _app: web.Application) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.forecasts.close()
        for ws in list(self._sockets):
            await ws.close()

    async def _run(self) -> None:
        outage = Outage(log, "dashboard")
        while True:
            # Events mark the figures stale; without any, waits still grow: refresh every few seconds.
            # A push that reused today's counts owes one with them read afresh once they expire.
            wait = self.today.max_age_s if self.today.owes_refresh else self._tick
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._dirty.wait(), timeout=wait)
            self._dirty.clear()
            payloads: dict[DashboardView, str] = {}
            try:
                for ws, view in list(self._sockets.items()):
                    if view not in payloads:
                        payloads[view] = json.dumps(await self.figures(view), ensure_ascii=False)
                    with contextlib.suppress(ConnectionError, RuntimeError):
                        await ws.send_str(payloads[view])
            except Exception as exc:  # the database away: refresh again once it answers
                if not is_outage(exc):
                    log.exception("dashboard.refresh_failed")
                outage.failed(exc)
                await outage.pause()
                self._dirty.set()
                continue
            outage.recovered()
            await asyncio.sleep(self._min_interval)


def render(
    name: str, *, language: str | None = None, timezone: str | None = None, **context: Any
) -> web.Response:
    """A page in the language of its `user` (or `language`, for a page nobody signed in to), with
    their time zone for dates and the scripts' strings in that language."""
    return web.Response(
        text=render_page(TEMPLATES, name, language=language, timezone=timezone, **context),
        content_type="text/html",
    )


async def index(request: web.Request) -> web.StreamResponse:
    """Supervisors, admins and planners get the dashboard (as their view allows); an agent their
    own work, never the floor's."""
    principal = principal_of(request)
    if not policy.sees_dashboard(principal):
        return desk_page(request)
    data = await request.app[HUB_KEY].figures(policy.dashboard_view(principal))
    return render("dashboard.html", user=principal, initial=data)  # `tojson` escapes it for <script>


async def desk(request: web.Request) -> web.Response:
    """The desk for anyone who takes work: an agent's `/`, and a supervisor's or admin's `/desk`."""
    return desk_page(request)


def desk_page(request: web.Request) -> web.Response:
    principal = principal_of(request)
    settings = request.app[SETTINGS]
    limit = wrap_up_limit(settings)
    repeat = settings.desk.alert_repeat_s
    config = desk_config(request.app, principal, limit, request.app[SENDING_KEY], repeat)
    return render("desk.html", user=principal, desk=config)


async def login_form(request: web.Request) -> web.Response:
    return render("login.html", error=None, language=request_language(request))


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
        language = request_language(request)
        response = render("login.html", error=i18n.translate(exc.message, language), language=language)
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
    view = policy.dashboard_view(principal_of(request))
    ws = web.WebSocketResponse(heartbeat=30, max_msg_size=4096)
    await ws.prepare(request)
    hub = request.app[HUB_KEY]
    hub.add(ws, view)
    try:
        await ws.send_str(json.dumps(await hub.figures(view), ensure_ascii=False))
        async for message in ws:
            if message.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
                break
    finally:
        hub.discard(ws)
    return ws


def setup_ui(
    app: web.Application,
    *,
    uow: Callable[[], UnitOfWork],
    events: EventBroker,
    signals: Signals,
    desks: DeskWatch | None = None,
    sending: frozenset[Channel] = frozenset(),
) -> None:
    """Add the pages to the API application and subscribe the hub to every event (before start).

    `uow` gives the hub its reads; `events` is the broker every committed event reaches;
    `signals` carries typing and read marks, which `/ws/events` passes on as they come; `desks`
    watches the agents' desk sockets (none: a closed desk changes nothing); `sending`: the
    channels with an outbound adapter, which the desk tells its agents before they type."""
    app[SENDING_KEY] = sending
    hub = DashboardHub(uow)
    events.subscribe("ui", hub.on_event, live=True)
    app[HUB_KEY] = hub
    app.on_startup.append(hub.start)
    app.on_shutdown.append(hub.stop)
    app.router.add_get("/", index)
    app.router.add_get("/desk", desk)
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/ws/dashboard", dashboard_socket)
    stream = app[EVENTS_KEY] = EventStream(uow, desks=desks)
    if desks is not None:
        desks.attach(app)  # before the sockets' own shutdown, below
    events.subscribe("events", stream.on_event, live=True)
    signals.subscribe(stream.on_signal)
    app.router.add_get("/ws/events", stream.handle)
    app.on_shutdown.append(stream.close_all)
    app.router.add_static("/static/", HERE / "static")
