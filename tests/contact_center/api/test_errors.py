"""The error middleware: request ids on every answer, and a 500 that tells the client nothing more."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from contact_center.api.route_rules import PUBLIC, RULES
from contact_center.bootstrap import Container, build_api_app
from tests.contact_center.api.conftest import Staff, error_of, ok

Client = TestClient[Any, Any]


async def test_every_error_carries_a_request_id(client: Client, staff: Staff) -> None:
    headers = staff.agent.headers
    answers = [
        await client.get("/api/v1/customers"),
        await client.get("/api/v1/customers/abc", headers=headers),
        await client.get("/api/v1/customers/2000000000", headers=headers),
        await client.post("/api/v1/queues", json={"name": "x"}, headers=headers),
        await client.post(
            "/api/v1/customers", data=b"{", headers={**headers, "Content-Type": "application/json"}
        ),
        await client.post("/api/v1/customers", data=b"x", headers={**headers, "Content-Type": "text/plain"}),
        await client.post("/api/v1/customers", json={"nom": "x"}, headers=headers),
        await client.delete("/api/v1/customers", headers=headers),
        await client.get("/nowhere"),
    ]
    ids = set()
    for resp in answers:
        assert resp.status >= 400
        await error_of(resp, resp.status)
        ids.add(resp.headers["X-Request-Id"])
    assert len(ids) == len(answers)
    assert (await client.get("/healthz")).headers["X-Request-Id"]


async def test_a_plain_request_id_is_kept_and_a_hostile_one_replaced(client: Client) -> None:
    resp = await client.get("/api/v1/me", headers={"X-Request-Id": "abc-123.x"})
    assert resp.headers["X-Request-Id"] == "abc-123.x"
    for hostile in ("has spaces <script>", "x" * 65, "ünïcode"):
        resp = await client.get("/api/v1/me", headers={"X-Request-Id": hostile})
        await error_of(resp, 401)
        assert resp.headers["X-Request-Id"] != hostile


async def test_unexpected_exception_is_500_internal_with_request_id_and_no_trace(
    container: Container, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def explode(request: web.Request) -> web.Response:
        raise RuntimeError("secret detail: password=hunter2")

    # A route needs a rule to be reached at all (tests/contact_center/api/test_authorisation_matrix.py).
    monkeypatch.setitem(RULES, ("GET", "/api/v1/explode"), PUBLIC)

    app = build_api_app(container)
    app.router.add_get("/api/v1/explode", explode)
    async with TestClient(TestServer(app)) as client:
        with caplog.at_level(logging.ERROR, logger="contact_center.api.errors"):
            resp = await client.get("/api/v1/explode")
            text = await resp.text()
            error = await error_of(resp, 500, "internal")
    assert error["request_id"] == resp.headers["X-Request-Id"]
    assert "secret" not in text and "hunter2" not in text and "RuntimeError" not in text
    logged = [r for r in caplog.records if r.message == "request.failed"]
    assert len(logged) == 1 and logged[0].exc_info is not None
    assert getattr(logged[0], "request_id", None) == error["request_id"]


async def test_head_and_options_do_not_break_the_json_contract(client: Client, staff: Staff) -> None:
    resp = await client.head("/api/v1/customers", headers=staff.agent.headers)
    assert resp.status == 200
    resp = await client.options("/api/v1/customers", headers=staff.agent.headers)
    await error_of(resp, 405)
    await ok(await client.get("/api/v1/customers", params={"limit": "1"}, headers=staff.agent.headers))
