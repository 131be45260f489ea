"""The language of a request: the signed-in user's own, else what the browser asks for.

The error middleware sets the `Accept-Language` choice first; signing in (`auth.authenticate`)
replaces it with the user's language, so everything the request shows speaks one language.
"""

from __future__ import annotations

from aiohttp import web

from contact_center import i18n
from contact_center.api.auth import PRINCIPAL_KEY


def request_language(request: web.Request) -> str:
    principal = request.get(PRINCIPAL_KEY)
    if principal is not None and principal.language in i18n.LANGUAGES:
        return str(principal.language)
    return i18n.negotiate(request.headers.get("Accept-Language"))


def request_timezone(request: web.Request) -> str | None:
    """The signed-in user's time zone; None: the browser's own (UTC where the server formats)."""
    principal = request.get(PRINCIPAL_KEY)
    return principal.timezone if principal is not None else None
