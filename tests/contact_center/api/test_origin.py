"""Requests a page on another site makes a browser send are refused; the site's own pages, and
clients with a bearer token, are not."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from contact_center.api.auth import COOKIE
from tests.conftest import unique
from tests.contact_center.api.conftest import Staff, error_of, ok

EVIL = "https://evil.example"


def _own(client: TestClient[Any, Any]) -> str:
    return str(client.make_url("/").origin())


async def test_a_cookie_authenticated_change_needs_this_sites_origin(
    client: TestClient[Any, Any], staff: Staff
) -> None:
    cookie = {"Cookie": f"{COOKIE}={staff.admin.token}"}

    def queue() -> dict[str, Any]:
        return {"name": unique("q"), "channels": ["chat"]}

    for refused in ({"Origin": EVIL}, {"Referer": EVIL + "/page"}, {}):
        resp = await client.post("/api/v1/queues", json=queue(), headers={**cookie, **refused})
        await error_of(resp, 403, "forbidden")
    for allowed in ({"Origin": _own(client)}, {"Referer": _own(client) + "/planner"}):
        await ok(await client.post("/api/v1/queues", json=queue(), headers={**cookie, **allowed}), 201)
    # A bearer token in a header is nothing another site can make a browser send.
    bearer = {**staff.admin.headers, "Origin": EVIL}
    await ok(await client.post("/api/v1/queues", json=queue(), headers=bearer), 201)
    # Reads are not changes.
    await ok(await client.get("/api/v1/queues", headers={**cookie, "Origin": EVIL}))


async def test_sign_in_from_another_site_is_refused(client: TestClient[Any, Any], staff: Staff) -> None:
    body = {"username": staff.agent.username, "password": "whatever-it-is"}
    await error_of(await client.post("/api/v1/auth/token", json=body, headers={"Origin": EVIL}), 403)
