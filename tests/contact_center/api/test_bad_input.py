"""Bad input on every endpoint that takes a body: always a JSON error, never a trace, nothing stored."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient

from contact_center.api.openapi import OPERATIONS
from contact_center.bootstrap import build_container
from contact_center.settings import HttpSettings
from tests.conftest import make_settings, unique
from tests.contact_center.api.conftest import Staff, error_of, make_client, ok

Client = TestClient[Any, Any]

BODY_OPERATIONS = [(op.method, op.path) for op in OPERATIONS if op.body is not None]


async def body_urls(client: Client, staff: Staff) -> list[tuple[str, str]]:
    """Every operation that takes a body, with a real id where the path has one."""
    resp = await client.post("/api/v1/customers", json={"name": unique("B ")}, headers=staff.agent.headers)
    customer_id = (await ok(resp, 201))["id"]
    resp = await client.post(
        "/api/v1/interactions",
        json={"customer_id": customer_id, "channel": "chat"},
        headers=staff.agent.headers,
    )
    interaction_id = (await ok(resp, 201))["id"]
    canned = await client.post(
        "/api/v1/canned-responses", json={"title": "t", "body": "b"}, headers=staff.admin.headers
    )
    task = await client.post(
        f"/api/v1/customers/{customer_id}/follow-ups",
        json={"title": "t", "due_at": "2026-12-24T09:00:00+00:00"},
        headers=staff.admin.headers,
    )
    ids = {
        "customers": customer_id,
        "interactions": interaction_id,
        "agents": staff.agent.agent_id,
        "canned-responses": (await ok(canned, 201))["canned_response"]["id"],
        "follow-ups": (await ok(task, 201))["follow_up"]["id"],
    }
    urls = []
    for method, path in BODY_OPERATIONS:
        resource = path.split("/")[3]
        urls.append((method, path.replace("{id}", str(ids.get(resource, 0)))))
    return urls


async def send(client: Client, staff: Staff, method: str, url: str, data: bytes, ctype: str | None) -> Any:
    headers = dict(staff.admin.headers)
    if ctype is not None:
        headers["Content-Type"] = ctype
    return await client.request(method.upper(), url, data=data, headers=headers)


async def test_malformed_json_is_400_everywhere(client: Client, staff: Staff) -> None:
    for method, url in await body_urls(client, staff):
        for data in (
            b"{",
            b'{"name": }',
            b"{'single': 1}",
            b"\xff\xfe{}",
            '{"name": "x"}'.encode("utf-16-le"),
            b'{"a": 1} trailing',
        ):
            resp = await send(client, staff, method, url, data, "application/json")
            await error_of(resp, 400, "malformed_json")


async def test_json_that_is_not_an_object_is_400(client: Client, staff: Staff) -> None:
    for method, url in await body_urls(client, staff):
        for data in (b"[]", b'"text"', b"42", b"null", b"true", b""):
            resp = await send(client, staff, method, url, data, "application/json")
            await error_of(resp, 400, "malformed_json")


async def test_wrong_content_type_is_415(client: Client, staff: Staff) -> None:
    for method, url in await body_urls(client, staff):
        for ctype in ("text/plain", "application/x-www-form-urlencoded", "application/xml", None):
            resp = await send(client, staff, method, url, b"{}", ctype)
            await error_of(resp, 415, "unsupported_media_type")
    resp = await client.post("/api/v1/auth/token", data=b"username=a&password=b")
    await error_of(resp, 415)


async def test_unknown_fields_are_422_everywhere(client: Client, staff: Staff) -> None:
    for method, url in await body_urls(client, staff):
        resp = await send(client, staff, method, url, b'{"surprise": 1}', "application/json; charset=utf-8")
        error = await error_of(resp, 422, "unknown_field")
        assert "surprise" in error["message"]


async def test_hostile_values_are_4xx_not_500(client: Client, staff: Staff) -> None:
    name = unique("Hostile ")
    bodies = [
        b'{"name": "a\\u0000b"}',
        b'{"name": "ok", "tags": ["a\\u0000"]}',
        b'{"name": "\\ud800"}',
        b'{"name": "ok", "value": NaN}',
        b'{"name": "ok", "value": Infinity}',
        b'{"name": "ok", "value": 1e999}',
        b'{"name": "ok", "consent": {"sms": "yes"}}',
        b'{"name": ["not", "text"]}',
        ('{"name": "' + name + '", "value": 1e999}').encode(),
    ]
    for data in bodies:
        resp = await send(client, staff, "post", "/api/v1/customers", data, "application/json")
        await error_of(resp, 422)
    deep = b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    await error_of(await send(client, staff, "post", "/api/v1/customers", deep, "application/json"), 400)
    resp = await client.get("/api/v1/customers", params={"q": name}, headers=staff.agent.headers)
    assert (await ok(resp))["items"] == []


async def test_unknown_route_and_wrong_method_are_json(client: Client, staff: Staff) -> None:
    await error_of(await client.get("/api/v1/nothing-here", headers=staff.agent.headers), 404, "not_found")
    await error_of(await client.get("/api/v1/customers/", headers=staff.agent.headers), 404)
    resp = await client.delete("/api/v1/customers", headers=staff.agent.headers)
    await error_of(resp, 405, "method_not_allowed")
    assert "GET" in resp.headers["Allow"]


async def test_body_over_the_limit_is_413_and_stores_nothing(database_url: str, staff: Staff) -> None:
    container = build_container(make_settings(database_url).model_copy(update={"http": _small_http()}))
    client = await make_client(container)
    try:
        name = unique("Huge ")
        body = {"name": name, "tags": ["t" * 90] * 30}
        resp = await client.post("/api/v1/customers", json=body, headers=staff.agent.headers)
        error = await error_of(resp, 413, "too_large")
        assert "large" in error["message"]
        small = await client.post("/api/v1/customers", json={"name": name + "s"}, headers=staff.agent.headers)
        await ok(small, 201)
        resp = await client.get("/api/v1/customers", params={"q": name}, headers=staff.agent.headers)
        assert [c["name"] for c in (await ok(resp))["items"]] == [name + "s"]
    finally:
        await client.close()
        await container.close()


async def test_chunked_body_over_the_limit_is_413(database_url: str, staff: Staff) -> None:
    container = build_container(make_settings(database_url).model_copy(update={"http": _small_http()}))
    client = await make_client(container)

    async def chunks() -> Any:
        yield b'{"name": "'
        for _ in range(10):
            yield b"x" * 500
            await asyncio.sleep(0)
        yield b'"}'

    try:
        headers = {**staff.agent.headers, "Content-Type": "application/json"}
        resp = await client.post("/api/v1/customers", data=chunks(), headers=headers)
        await error_of(resp, 413, "too_large")
    finally:
        await client.close()
        await container.close()


def _small_http() -> HttpSettings:
    return HttpSettings(max_body_bytes=2048)
