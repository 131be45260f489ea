"""The agent's desk page: one server-rendered shell, then live over `/ws/events?desk=1`.

The page carries no data of customers: the script reads the agent's work from the REST API and
keeps it live from the events stream. What the shell does carry (as JSON escaped for `<script>`,
never run) is who the agent is, which channels can send replies, and which of the desk's APIs
this server offers, so the page turns a feature on when its endpoint exists instead of probing
it (a probe's 404 is noise in the console and says nothing true about the customer). The
wrap-up limit is the fallback the page counts down from when an interaction carries no deadline
of its own.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from contact_center.domain.enums import Channel
from contact_center.domain.principal import Principal

#: Desk features and the route each needs; a feature is on when the application serves its route.
FEATURES: dict[str, tuple[str, str]] = {
    "messages": ("GET", "/api/v1/interactions/{id}/messages"),
    "send": ("POST", "/api/v1/interactions/{id}/messages"),
    "signals": ("POST", "/api/v1/interactions/{id}/signals"),
    "canned": ("GET", "/api/v1/canned-responses"),
    "render": ("POST", "/api/v1/canned-responses/{id}/render"),
    "notes": ("GET", "/api/v1/customers/{id}/notes"),
    "follow_ups": ("GET", "/api/v1/customers/{id}/follow-ups"),
    "transfer": ("POST", "/api/v1/interactions/{id}/transfer"),
    "whispers": ("GET", "/api/v1/interactions/{id}/whispers"),
    "wrap_up_codes": ("GET", "/api/v1/queues/{id}/wrap-up-codes"),
}
#: The channels whose replies can leave (an outbound adapter is plugged in), set by `setup_ui`.
SENDING_KEY: web.AppKey[frozenset[Channel]] = web.AppKey("desk_sending")
#: Seconds an interaction may stay in wrap-up when neither it nor the settings say otherwise.
DEFAULT_WRAP_UP_LIMIT_S = 120
#: Seconds between an unseen item's repeated alerts when the settings do not say.
DEFAULT_ALERT_REPEAT_S = 15.0


def served_routes(app: web.Application) -> set[tuple[str, str]]:
    return {(route.method, route.resource.canonical) for route in app.router.routes() if route.resource}


def desk_config(
    app: web.Application,
    principal: Principal,
    wrap_up_limit_s: int,
    sending: frozenset[Channel],
    alert_repeat_s: float = DEFAULT_ALERT_REPEAT_S,
) -> dict[str, Any]:
    """What the desk script starts from: the agent, the features on, the channels that can send
    (the composer says so before the agent types; the server's 409 stays the last word), the
    wrap-up fallback, and how often an unseen item's alert comes again."""
    served = served_routes(app)
    return {
        "agent_id": principal.agent_id,
        "username": principal.username,
        "role": principal.role.value,
        "features": {name: route in served for name, route in FEATURES.items()},
        "sending": sorted(c.value for c in sending),
        "wrap_up_limit_s": wrap_up_limit_s,
        "alert_repeat_s": alert_repeat_s,
    }


def wrap_up_limit(settings: object) -> int:
    """`[desk] wrap_up_limit_s` once the settings have it (helper desk-api adds it), else 120."""
    desk = getattr(settings, "desk", None)
    limit = getattr(desk, "wrap_up_limit_s", DEFAULT_WRAP_UP_LIMIT_S)
    return int(limit) if isinstance(limit, int | float) else DEFAULT_WRAP_UP_LIMIT_S
