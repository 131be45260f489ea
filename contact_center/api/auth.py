"""Bearer-token authentication. The web pages send the same token in a cookie.

Tokens resolve through the cache in `principals.py`, so a request costs no transaction to sign in.
Who may do what is decided elsewhere: the door in `access.py` by the rules of `route_rules.py`,
and the ownership of each resource by `services/policy/`.
"""

from __future__ import annotations

from aiohttp import web

from contact_center import i18n
from contact_center.api.keys import TOKENS
from contact_center.api.principals import Principal as Principal
from contact_center.domain.errors import UnauthenticatedError

COOKIE = "cc_session"


PRINCIPAL_KEY = web.RequestKey("principal", Principal)


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(COOKIE)


async def authenticate(request: web.Request) -> Principal:
    if PRINCIPAL_KEY in request:
        return request[PRINCIPAL_KEY]
    token = bearer_token(request)
    if token is None:
        raise UnauthenticatedError("sign in: send Authorization: Bearer <token>")
    principal = await request.app[TOKENS].principal(token)
    request[PRINCIPAL_KEY] = principal
    if principal.language:  # what this request's pages and error messages speak from now on
        i18n.use(principal.language)
    return principal
