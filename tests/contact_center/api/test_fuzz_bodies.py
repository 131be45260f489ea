"""Fuzzing every request model with hypothesis: parsing any input gives a valid model or our own
4xx error, never another exception; and through the real app, no body yields a 5xx.

Example counts are bounded so the whole file stays well under half a minute.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from contact_center.api.openapi import OPERATIONS
from contact_center.api.validation import parse_json
from contact_center.bootstrap import Container
from contact_center.domain.enums import Role
from contact_center.domain.errors import ContactCenterError
from tests.conftest import unique
from tests.contact_center.api.bodies import JSON, encoded, request_models, shaped_like
from tests.contact_center.api.conftest import Staff, new_agent, ok

Client = TestClient[Any, Any]
MODELS = request_models()
BODY_OPERATIONS = [op for op in OPERATIONS if op.body is not None]


def test_every_request_model_is_fuzzed_and_every_body_operation_uses_one() -> None:
    assert len(MODELS) >= 15
    assert {op.body for op in BODY_OPERATIONS} <= set(MODELS)


def _parses_or_refuses(model: type[BaseModel], raw: bytes) -> None:
    try:
        parsed = parse_json(raw, model)
    except ContactCenterError as exc:
        assert 400 <= exc.http_status < 500, exc
        assert exc.message
    else:
        assert isinstance(parsed, model)
        model.model_validate_json(parsed.model_dump_json(exclude_unset=True))  # accepted: valid again


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_parsing_anything_gives_the_model_or_a_4xx(model: type[BaseModel], data: st.DataObject) -> None:
    document = data.draw(st.one_of(shaped_like(model), shaped_like(model), JSON), label="document")
    _parses_or_refuses(model, encoded(document))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@settings(max_examples=30, deadline=None)
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_parsing_arbitrary_bytes_gives_the_model_or_a_4xx(model: type[BaseModel], raw: bytes) -> None:
    _parses_or_refuses(model, raw)


async def _targets(
    container: Container, client: Client, staff: Staff
) -> dict[str, tuple[str, dict[str, str]]]:
    """A URL and the caller's headers per body operation, with ids of records made for this test
    (so a fuzzed PATCH or merge changes nothing another test relies on). `PATCH /api/v1/me` is
    fuzzed as the agent made here, not the shared admin, whose language other tests rely on."""
    agent = await new_agent(container, Role.AGENT)
    made = []
    for _ in range(2):
        resp = await client.post(
            "/api/v1/customers", json={"name": unique("F ")}, headers=staff.admin.headers
        )
        made.append((await ok(resp, 201))["id"])
    resp = await client.post(
        "/api/v1/interactions", json={"customer_id": made[0], "channel": "chat"}, headers=staff.admin.headers
    )
    interaction = (await ok(resp, 201))["id"]
    queue = await ok(
        await client.post("/api/v1/queues", json={"name": unique("fq")}, headers=staff.admin.headers), 201
    )
    ids = {
        "customers": made[0],
        "interactions": interaction,
        "agents": agent.agent_id,
        "planning": queue["id"],
    }
    urls = {}
    for op in BODY_OPERATIONS:
        resource = op.path.split("/")[3]
        if resource == "planning" and "/agents/" in op.path:
            resource = "agents"
        caller = agent.headers if op.path == "/api/v1/me" else staff.admin.headers
        urls[f"{op.method} {op.path}"] = (op.path.replace("{id}", str(ids.get(resource, 1))), caller)
    return urls


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_no_body_makes_the_app_answer_5xx(
    container: Container, client: Client, staff: Staff, data: st.DataObject
) -> None:
    urls = await _urls_once(container, client, staff)
    operation = data.draw(st.sampled_from(BODY_OPERATIONS), label="operation")
    assert operation.body is not None
    document = data.draw(st.one_of(shaped_like(operation.body), JSON), label="body")
    url, caller = urls[f"{operation.method} {operation.path}"]
    resp = await client.request(
        operation.method.upper(),
        url,
        data=encoded(document),
        headers={**caller, "Content-Type": "application/json"},
    )
    text = await resp.text()
    assert resp.status < 500, (operation.method, url, document, text)
    if resp.status >= 400:
        assert set(json.loads(text)) == {"error"}, text


_URLS: dict[int, dict[str, tuple[str, dict[str, str]]]] = {}


async def _urls_once(
    container: Container, client: Client, staff: Staff
) -> dict[str, tuple[str, dict[str, str]]]:
    """The targets, made on the first example of a run and reused by the rest."""
    key = id(client)
    if key not in _URLS:
        _URLS.clear()
        _URLS[key] = await _targets(container, client, staff)
    return _URLS[key]


async def test_a_time_utc_cannot_hold_is_a_422_not_a_500(client: Client, staff: Staff) -> None:
    """Found by the fuzzing above: the offset pushed the instant past year 1 or 9999 in UTC, and
    the conversion raised OverflowError in the handler."""
    for at in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"):
        body = {"channel": "chat", "sender": unique("v"), "body": "hi", "received_at": at}
        resp = await client.post("/api/v1/inbound", json=body, headers=staff.admin.headers)
        assert resp.status == 422, await resp.text()
