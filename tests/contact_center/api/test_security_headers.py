"""Every answer carries the security headers, errors and static files included, and names no
software in `Server`."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from contact_center.api.headers import CONTENT_SECURITY_POLICY


def _check(headers: Any) -> None:
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Server"] == "contact-center"  # not "Python/3.x aiohttp/3.x"
    assert "Strict-Transport-Security" not in headers  # plain HTTP here (cookie_secure off)


async def test_answers_errors_included_carry_the_security_headers(client: TestClient[Any, Any]) -> None:
    for method, path, status in (
        ("GET", "/healthz", 200),
        ("GET", "/api/v1/no-such-thing", 404),
        ("GET", "/api/v1/customers", 401),
        ("POST", "/api/v1/auth/token", 415),  # no JSON body
    ):
        resp = await client.request(method, path)
        assert resp.status == status, (path, await resp.text())
        _check(resp.headers)
