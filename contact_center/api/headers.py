"""Security headers on every answer the web process gives: API, pages, static files, errors.

The pages load scripts and styles only from this origin and run no inline script (their data is a
`<script type="application/json">` block, which a browser does not run), so the policy allows
nothing else: a script that markup smuggled into a page is refused by the browser even if it ever
got past the escaping. No page may be framed (the coming chat widget will list the sites that
may embed it); `Server` names no software or version.
"""

from __future__ import annotations

from collections.abc import MutableMapping

from aiohttp import web

from contact_center.api.keys import SETTINGS

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",  # the pages' websockets, on this origin
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    set_security_headers(response.headers, https=request.app[SETTINGS].http.cookie_secure)


def set_security_headers(headers: MutableMapping[str, str], *, https: bool) -> None:
    """The headers themselves; also set on the answers to requests too malformed to reach the app
    (`api/protocol_errors.py`). `https`: served over HTTPS (secure cookies), so browsers keep to it."""
    headers["Server"] = "contact-center"
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors, for browsers that predate it
    if https:
        headers.setdefault("Strict-Transport-Security", HSTS)
