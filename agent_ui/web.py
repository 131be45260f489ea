"""The supervisor's first page: the wallboard (a tile per queue and one for all of them, with
today's figures, colours, alerts and the forecast against actual) and the latest contacts.

Server-rendered with jinja2, then kept live over a websocket: within a few hundredths of a
second of each committed event the hub (`agent_ui/console_hub.py`) pushes every open page its
view's figures (a team's, with or without the latest contacts: `policy.dashboard_view`), the
live ones moved on by the events, the rest read at most once a second (docs/supervisor.md). An
agent signing in gets their desk instead (`agent_ui/desk.py`). Sign-in trades a password for the
same bearer token the API uses, kept in a cookie. Who may open what: the rules of
`contact_center/api/route_rules.py`, checked at the door.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from agent_ui.console_hub import DashboardHub
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
from contact_center.services import policy
from contact_center.signals import Signals
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
TEMPLATES = page_environment(HERE / "templates")
HUB_KEY: web.AppKey[DashboardHub] = web.AppKey("dashboard_hub")


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
    formula = request.app[SETTINGS].service_level_formula
    # `tojson` escapes the data for <script>.
    return render("dashboard.html", user=principal, initial=data, sl_formula=formula)


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
    hub = DashboardHub(uow, formula=app[SETTINGS].service_level_formula)
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
