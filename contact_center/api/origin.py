"""Cross-site request forgery: a request a page on another site made the browser send is refused.

The pages authenticate with a cookie, which the browser attaches whoever made the request; the
cookie's SameSite=Lax alone still let a cross-site form post a body-less request, sign a user in
as someone else (login CSRF) or open the live websockets. So every request that changes something,
and every websocket, coming from a browser must come from this site: its `Origin` header (or, for a
cookie-authenticated change without one, its `Referer`) names this server's own origin or the
configured public URL. Requests carrying `Authorization: Bearer` are left alone: a token in a
header is not something another site can make a browser send. Routes whose rule says the handler
checks the Origin itself (the web chat, embedded on other sites by design) are left to it.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler
from yarl import URL

from contact_center.api.access import route_of
from contact_center.api.auth import COOKIE
from contact_center.api.keys import SETTINGS
from contact_center.api.route_rules import rule_for
from contact_center.domain.errors import ForbiddenError

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def allowed_origins(request: web.Request) -> set[str]:
    own = {str(request.url.origin())}
    public = request.app[SETTINGS].http.public_base_url
    return own | {str(URL(public).origin())} if public else own


@web.middleware
async def same_origin_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    websocket = request.headers.get("Upgrade", "").lower() == "websocket"
    if (request.method in UNSAFE or websocket) and not _has_bearer(request) and not _checks_origin(request):
        origin = request.headers.get("Origin")
        if origin is not None:
            if origin not in allowed_origins(request):
                raise ForbiddenError("a request from another site is refused")
        elif COOKIE in request.cookies:  # a browser that sent no Origin: its Referer must be ours
            referer = request.headers.get("Referer")
            if referer is None or str(URL(referer).origin()) not in allowed_origins(request):
                raise ForbiddenError("a request from another site is refused")
    return await handler(request)


def _checks_origin(request: web.Request) -> bool:
    route = route_of(request)
    rule = rule_for(request.method, route) if route is not None else None
    return rule is not None and rule.checks_origin


def _has_bearer(request: web.Request) -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")
