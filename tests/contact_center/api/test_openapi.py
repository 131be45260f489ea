"""The OpenAPI document stays true: its shape, no drift from the router, and bodies as the handlers read them.

No schema library is installed for this; `conforms` checks the subset of JSON Schema that pydantic
emits for our request models, which is enough to say "the document calls this body valid".
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestClient

from contact_center.api.openapi import OPERATIONS, document
from contact_center.bootstrap import Container, build_api_app
from contact_center.domain.commands import CreateAgent, ReceiveInbound
from contact_center.domain.enums import Channel
from tests.conftest import unique
from tests.contact_center.api.conftest import PASSWORD, Staff, error_of, ok, phone_number
from tests.contact_center.conftest import offer_and_accept

Client = TestClient[Any, Any]
METHODS = {"get", "put", "post", "patch", "delete"}
TYPES: dict[str, Any] = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "object": dict,
    "array": list,
    "null": type(None),
}


def resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = {**doc["components"]["schemas"][name], **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def conforms(doc: dict[str, Any], schema: dict[str, Any], value: Any) -> bool:
    schema = resolve(doc, schema)
    if "anyOf" in schema:
        return any(conforms(doc, s, value) for s in schema["anyOf"])
    kind = schema.get("type")
    if kind is not None and not _is_type(kind, value):
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if isinstance(value, list):
        return _list_conforms(doc, schema, value)
    if isinstance(value, dict):
        return _object_conforms(doc, schema, value)
    return _scalar_conforms(schema, value)


def _is_type(kind: str, value: Any) -> bool:
    if isinstance(value, bool) and kind in ("integer", "number"):
        return False
    return isinstance(value, TYPES[kind])


def _scalar_conforms(schema: dict[str, Any], value: Any) -> bool:
    if isinstance(value, str):
        if not schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", len(value)):
            return False
        return "pattern" not in schema or re.search(schema["pattern"], value) is not None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return bool(schema.get("minimum", value) <= value <= schema.get("maximum", value))
    return True


def _list_conforms(doc: dict[str, Any], schema: dict[str, Any], value: list[Any]) -> bool:
    if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value)):
        return False
    prefix = schema.get("prefixItems", [])
    return all(
        conforms(doc, prefix[i] if i < len(prefix) else schema.get("items", {}), item)
        for i, item in enumerate(value)
    )


def _object_conforms(doc: dict[str, Any], schema: dict[str, Any], value: dict[str, Any]) -> bool:
    props = schema.get("properties", {})
    if not set(schema.get("required", [])) <= set(value):
        return False
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if "propertyNames" in schema and not conforms(doc, schema["propertyNames"], key):
            return False
        if key in props:
            sub = props[key]
        elif extra is False:
            return False
        else:
            sub = {} if extra is True else extra
        if not conforms(doc, sub, item):
            return False
    return True


def test_document_has_the_shape_of_openapi_3_1() -> None:
    doc = document()
    assert re.fullmatch(r"3\.1\.\d+", doc["openapi"])
    assert doc["info"]["title"] and doc["info"]["version"]
    schemes = doc["components"]["securitySchemes"]
    operation_ids = []
    for path, item in doc["paths"].items():
        assert path.startswith("/api/v1/")
        assert set(item) <= METHODS, path
        for method, op in item.items():
            operation_ids.append(op["operationId"])
            assert op["summary"] and op["responses"]
            for status, response in op["responses"].items():
                assert status == "default" or re.fullmatch(r"[1-5]\d\d", status)
                assert response["description"]
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), (method, path)
            for param in op.get("parameters", []):
                assert param["in"] in ("path", "query", "header") and "schema" in param
                assert param["required"] is True or param["in"] in ("query", "header")
            for requirement in op.get("security", []):
                assert set(requirement) <= set(schemes)
            if "requestBody" in op:
                schema = op["requestBody"]["content"]["application/json"]["schema"]
                assert resolve(doc, schema)["type"] == "object"
    assert len(operation_ids) == len(set(operation_ids))
    _check_refs(doc, doc)


def _check_refs(doc: dict[str, Any], node: Any) -> None:
    if isinstance(node, dict):
        if "$ref" in node:
            assert node["$ref"].startswith("#/components/schemas/")
            assert node["$ref"].rsplit("/", 1)[1] in doc["components"]["schemas"], node["$ref"]
        for value in node.values():
            _check_refs(doc, value)
    elif isinstance(node, list):
        for value in node:
            _check_refs(doc, value)


def test_every_route_is_documented_and_every_operation_routed(container: Container) -> None:
    app = build_api_app(container)
    routed = {
        (route.method.lower(), route.resource.canonical)
        for route in app.router.routes()
        if route.resource is not None
        and route.resource.canonical.startswith("/api/v1/")
        and route.method != "HEAD"
    }
    documented = {(method, path) for path, item in document()["paths"].items() for method in item}
    assert routed == documented


def test_body_schemas_list_exactly_the_model_fields() -> None:
    doc = document()
    for op in OPERATIONS:
        if op.body is None:
            continue
        schema = doc["components"]["schemas"][op.body.__name__]
        assert schema["additionalProperties"] is False
        assert set(schema["properties"]) == set(op.body.model_fields)
        required = {name for name, field in op.body.model_fields.items() if field.is_required()}
        assert set(schema.get("required", [])) == required
        for name, prop in schema["properties"].items():
            if "default" in prop:
                assert conforms(doc, prop, prop["default"]), (op.body.__name__, name)


async def test_documented_example_bodies_are_accepted_and_extra_fields_refused(
    client: Client, staff: Staff, container: Container
) -> None:
    doc = document()
    schemas = {(op.method, op.path): op.body.__name__ for op in OPERATIONS if op.body is not None}
    admin = staff.admin.headers
    seen: set[tuple[str, str]] = set()

    async def call(method: str, template: str, url: str, body: dict[str, Any], status: int = 200) -> Any:
        schema = doc["components"]["schemas"][schemas[(method, template)]]
        assert conforms(doc, schema, body), (template, body)
        assert not conforms(doc, schema, {**body, "undocumented": 1})
        refused = await client.request(method, url, json={**body, "undocumented": 1}, headers=admin)
        await error_of(refused, 422, "unknown_field")
        seen.add((method, template))
        resp = await client.request(method, url, json=body, headers=admin)
        if status == 204:
            assert resp.status == 204, await resp.text()
            return None
        return await ok(resp, status)

    await call(
        "post",
        "/api/v1/auth/token",
        "/api/v1/auth/token",
        {"username": staff.agent.username, "password": PASSWORD, "label": "laptop"},
        201,
    )
    queue = await call(
        "post",
        "/api/v1/queues",
        "/api/v1/queues",
        {
            "name": unique("doc"),
            "channels": ["chat", "email"],
            "required_skills": {"english": 2},
            "priority": 1,
            "sl_target": 0.8,
            "sl_threshold_s": 20,
            "timezone": "Europe/Paris",
            "business_hours": {"mon": [["08:00", "17:30"]]},
            "interval_minutes": 30,
        },
        201,
    )
    await call(
        "patch",
        "/api/v1/queues/{id}",
        f"/api/v1/queues/{queue['id']}",
        {"allow_picking": True, "team": None, "sl_threshold_s": 30},
    )
    customer_body = {
        "name": unique("王 "),
        "company": "Acme",
        "region": "CN",
        "industry": "retail",
        "size_band": "small",
        "tags": ["vip"],
        "customer_class": "vip",
        "lifecycle_stage": "growth",
        "consent": {"sms": True},
        "value": 10.5,
        "phones": [phone_number()],
        "emails": [f"{unique('d')}@doc.example"],
        "chat_ids": [unique("visitor")],
    }
    customer = await call("post", "/api/v1/customers", "/api/v1/customers", customer_body, 201)
    other = await call("post", "/api/v1/customers", "/api/v1/customers", {"name": unique("Other ")}, 201)
    cid = customer["id"]
    await call(
        "patch",
        "/api/v1/customers/{id}",
        f"/api/v1/customers/{cid}",
        {"company": "Initech", "size_band": None, "owner_agent_id": staff.agent.agent_id},
    )
    await call(
        "post", "/api/v1/customers/{id}/merge", f"/api/v1/customers/{cid}/merge", {"merge_id": other["id"]}
    )
    interaction = await call(
        "post",
        "/api/v1/interactions",
        "/api/v1/interactions",
        {
            "customer_id": cid,
            "channel": "chat",
            "direction": "inbound",
            "queue": queue["name"],
            "subject": "Order",
            "priority": 2,
            "body": "Hello",
        },
        201,
    )
    iid = interaction["id"]
    await call(
        "post",
        "/api/v1/interactions/{id}/transitions",
        f"/api/v1/interactions/{iid}/transitions",
        {"to": "active", "agent_id": staff.agent.agent_id},
    )
    agent = await call(
        "post",
        "/api/v1/agents",
        "/api/v1/agents",
        {
            "username": unique("doc_"),
            "display_name": "Doc",
            "role": "agent",
            "skills": {"english": 5},
            "capacity": {"chat": 2},
        },
        201,
    )
    aid = agent["id"]
    await call(
        "patch",
        "/api/v1/agents/{id}",
        f"/api/v1/agents/{aid}",
        {"display_name": "Doc Two", "is_active": True},
    )
    await call(
        "put",
        "/api/v1/agents/{id}/presence",
        f"/api/v1/agents/{aid}/presence",
        {"presence": "available", "reason": "back from training"},  # another's: with a reason
    )
    qid = queue["id"]
    await call(
        "put",
        "/api/v1/planning/agents/{id}/contract",
        f"/api/v1/planning/agents/{aid}/contract",
        {
            "min_weekly_minutes": 0,
            "max_weekly_minutes": 2400,
            "max_weekly_shifts": 5,
            "min_days_off": 2,
            "min_rest_minutes": 660,
        },
    )
    await call(
        "post",
        "/api/v1/planning/queues/{id}/overrides",
        f"/api/v1/planning/queues/{qid}/overrides",
        {
            "starts_at": "2026-12-24T00:00:00+00:00",
            "ends_at": "2026-12-25T00:00:00+00:00",
            "multiplier": 0.5,
            "channel": "chat",
            "reason": "Christmas Eve",
        },
        201,
    )
    # The body passes validation: the build starts as a job (whose failure the job tests cover).
    started = await call(
        "post",
        "/api/v1/planning/queues/{id}/schedules",
        f"/api/v1/planning/queues/{qid}/schedules",
        {"week_start": "2026-11-30", "days": 1, "time_limit_s": 1.0, "seed": 0},
        202,
    )
    assert started["links"]["job"] == f"/api/v1/jobs/{started['job_id']}"
    await call(
        "post",
        "/api/v1/inbound",
        "/api/v1/inbound",
        {
            "channel": "email",
            "sender": f"{unique('in')}@doc.example",
            "sender_name": "Wang Fang",
            "subject": "Invoice",
            "body": "Please resend my invoice.",
            "provider_message_id": unique("<m-") + "@doc.example>",
            "attachments": [
                {"name": "a.pdf", "content_type": "application/pdf", "url": "https://x.example/a"}
            ],
        },
        201,
    )
    canned = await call(
        "post",
        "/api/v1/canned-responses",
        "/api/v1/canned-responses",
        {"title": "Greeting", "body": "Hello {customer_name}", "shortcut": "hi", "shared": True},
        201,
    )
    canned_url = f"/api/v1/canned-responses/{canned['canned_response']['id']}"
    await call(
        "patch",
        "/api/v1/canned-responses/{id}",
        canned_url,
        {
            "title": "Greeting",
            "body": "Hi {customer_name}, {agent_name} here",
            "shortcut": "hi",
            "shared": True,
        },
    )
    await call(
        "post", "/api/v1/canned-responses/{id}/render", f"{canned_url}/render", {"interaction_id": iid}
    )
    await call(
        "post",
        "/api/v1/customers/{id}/notes",
        f"/api/v1/customers/{cid}/notes",
        {"body": "Prefers email", "interaction_id": iid},
        201,
    )
    task = await call(
        "post",
        "/api/v1/customers/{id}/follow-ups",
        f"/api/v1/customers/{cid}/follow-ups",
        {
            "title": "Call back",
            "due_at": "2026-12-24T09:00:00+00:00",
            "owner_agent_id": staff.agent.agent_id,
            "interaction_id": iid,
        },
        201,
    )
    await call(
        "patch", "/api/v1/follow-ups/{id}", f"/api/v1/follow-ups/{task['follow_up']['id']}", {"done": True}
    )
    await call(
        "put",
        "/api/v1/queues/{id}/wrap-up-codes",
        f"/api/v1/queues/{qid}/wrap-up-codes",
        {"codes": ["resolved"]},
    )
    await call(
        "post",
        "/api/v1/interactions/{id}/transfer",
        f"/api/v1/interactions/{iid}/transfer",
        {"to_queue": queue["name"], "note": "Billing question"},
    )
    code = unique("doc_")
    await call("post", "/api/v1/wrap-up-codes", "/api/v1/wrap-up-codes", {"code": code, "label": "Doc"}, 201)
    site = await call(
        "post",
        "/api/v1/webchat-sites",
        "/api/v1/webchat-sites",
        {
            "key": unique("doc-site"),
            "allowed_origins": ["https://shop.example"],
            "languages": ["zh-CN", "en"],
            "prechat": ["name", "phone"],
            "topics": {"Billing": queue["name"]},
            "colour": "#2a9d8f",
        },
        201,
    )
    await call(
        "patch",
        "/api/v1/webchat-sites/{id}",
        f"/api/v1/webchat-sites/{site['id']}",
        {"allowed_origins": ["https://shop.example", "https://www.shop.example"], "colour": "#1d3557"},
    )
    throwaway = await container.bus.handle(CreateAgent(username=unique("reset_")))
    await call(
        "post",
        "/api/v1/agents/{id}/reset-password",
        f"/api/v1/agents/{throwaway}/reset-password",
        {"password": "a fresh passphrase 42"},
    )
    # A reply and a typing mark, on a chat the signed-in admin steps into (no chat adapter is
    # plugged into this app, so the reply is refused with 409: its body was accepted first).
    received = await container.bus.handle(ReceiveInbound(channel=Channel.CHAT, sender=unique("v"), body="hi"))
    iid = received.interaction_id
    await call(
        "post",
        "/api/v1/interactions/{id}/signals",
        f"/api/v1/interactions/{iid}/signals",
        {"kind": "typing"},
        204,
    )
    await call(
        "post",
        "/api/v1/interactions/{id}/messages",
        f"/api/v1/interactions/{iid}/messages",
        {"body": "Hello"},
        409,
    )
    # The admin whispers to the agent handling a chat, then takes it over.
    handled = await container.bus.handle(ReceiveInbound(channel=Channel.CHAT, sender=unique("v"), body="hi"))
    await offer_and_accept(container, handled.interaction_id, staff.agent.agent_id)
    hid = handled.interaction_id
    await call(
        "post",
        "/api/v1/interactions/{id}/whispers",
        f"/api/v1/interactions/{hid}/whispers",
        {"body": "Offer the refund"},
        201,
    )
    await call(
        "post",
        "/api/v1/interactions/{id}/take-over",
        f"/api/v1/interactions/{hid}/take-over",
        {"reason": "escalated"},
    )
    # The admin's own settings, as the shared account had them: its browser's (other tests read
    # its messages in the language they ask for).
    mine = await call("patch", "/api/v1/me", "/api/v1/me", {"language": None, "timezone": None})
    assert (mine["id"], mine["language"], mine["timezone"]) == (staff.admin.agent_id, None, None)
    assert seen == set(schemas)


async def test_served_document_is_the_built_one(client: Client) -> None:
    assert await ok(await client.get("/api/v1/openapi.json")) == document()
