"""Structured logs: JSON lines in production, carrying the request id and the interaction id."""

from __future__ import annotations

import io
import json
import logging

from aiohttp.test_utils import TestClient, TestServer

from contact_center.bootstrap import build_api_app, build_container
from contact_center.domain.commands import CreateAgent
from contact_center.domain.enums import Role
from contact_center.logs import JsonFormatter, TextFormatter, log_context
from contact_center.services.agents import create_token_for
from tests.conftest import make_settings, unique


def test_json_formatter_writes_one_object_per_line_with_context_and_extra_fields() -> None:
    token = log_context.set({"request_id": "r-1"})
    try:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "inbound.stored", (), None)
        record.interaction_id = 42
        line = JsonFormatter().format(record)
    finally:
        log_context.reset(token)
    data = json.loads(line)
    assert data["event"] == "inbound.stored" and data["level"] == "info"
    assert data["request_id"] == "r-1" and data["interaction_id"] == 42
    assert "\n" not in line


def test_text_formatter_is_readable_key_value() -> None:
    record = logging.LogRecord("cc", logging.WARNING, __file__, 1, "sms.received", (), None)
    record.channel = "sms"
    assert TextFormatter().format(record).endswith("WARNING cc: sms.received channel=sms")


async def test_a_request_logs_its_id_on_every_line_it_causes(sqlite_url: str) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    container = build_container(make_settings(sqlite_url))
    try:
        agent_id = await container.bus.handle(CreateAgent(username=unique("a"), role=Role.AGENT))
        token = await create_token_for(container.uow(), agent_id, "test")
        async with TestClient(TestServer(build_api_app(container))) as client:
            resp = await client.post(
                "/api/v1/customers",
                json={"name": "王小明"},
                headers={"Authorization": f"Bearer {token}", "X-Request-Id": "req-abc-123"},
            )
            assert resp.status == 201
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        await container.close()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [line for line in lines if line["event"] == "http.request"]
    assert access and access[-1]["request_id"] == "req-abc-123"
    assert access[-1]["status"] == 201 and access[-1]["path"] == "/api/v1/customers"
