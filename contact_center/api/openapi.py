"""The OpenAPI 3.1 document of /api/v1, built from the same request models the handlers validate with.

Each operation is declared once in `OPERATIONS`; a test checks that every API route is documented
and every documented operation is routed, so the document cannot drift from the code.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from contact_center.api.agents import AgentCreate, AgentPatch, MySettings, PresenceRequest, TokenRequest
from contact_center.api.customers import CustomerCreate, CustomerMerge, CustomerPatch
from contact_center.api.inbound import InboundRequest
from contact_center.api.interactions import InteractionCreate, TransitionRequest
from contact_center.api.messages import ReplyRequest, SignalRequest
from contact_center.api.openapi_admin import ADMIN_OPERATIONS
from contact_center.api.openapi_console import CONSOLE_OPERATIONS
from contact_center.api.openapi_desk import DESK_OPERATIONS
from contact_center.api.operation import Operation
from contact_center.api.planning import WHAT_IF_QUERY, ContractTerms, OverrideCreate, ScheduleBuild
from contact_center.api.queues import QueueCreate, QueueUpdate

routes = web.RouteTableDef()
SEARCH_QUERY = (
    "channel",
    "queue_id",
    "state",
    "customer",
    "customer_id",
    "agent_id",
    "wrap_up_code",
    "created_after",
    "created_before",
)


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "post",
        "/api/v1/auth/token",
        "Trade a username and password for a bearer token",
        TokenRequest,
        201,
        auth=False,
    ),
    Operation("delete", "/api/v1/auth/token", "Sign out: revoke the token of this request"),
    Operation("post", "/api/v1/agents/{id}/revoke-tokens", "Revoke every token of an agent (admin)"),
    Operation("get", "/api/v1/me", "The signed-in agent"),
    Operation(
        "patch",
        "/api/v1/me",
        "Set one's own language and time zone (null: the browser's); nothing else of the account",
        MySettings,
    ),
    Operation(
        "get",
        "/api/v1/customers",
        "List or search customers by name, company, phone or email",
        query=("q", "limit", "cursor"),
    ),
    Operation("post", "/api/v1/customers", "Create a customer with identities", CustomerCreate, 201),
    Operation("get", "/api/v1/customers/{id}", "A customer with identities"),
    Operation("patch", "/api/v1/customers/{id}", "Update a customer's fields", CustomerPatch),
    Operation(
        "post",
        "/api/v1/customers/{id}/merge",
        "Merge another customer into this one, keeping history",
        CustomerMerge,
    ),
    Operation("get", "/api/v1/customers/{id}/interactions", "The customer's history on every channel"),
    Operation(
        "get",
        "/api/v1/customers/{id}/export",
        "Everything held about the customer as one JSON document (admin; logged and audited)",
    ),
    Operation(
        "post",
        "/api/v1/customers/{id}/erase",
        "Erase the customer's personal data, keeping anonymous statistics (admin; idempotent)",
    ),
    Operation(
        "get",
        "/api/v1/customers/{id}/audit",
        "The audit trail of the customer and its interactions; erased values read as erased",
    ),
    Operation("get", "/api/v1/customers/{id}/access-log", "Who viewed or exported the customer, and when"),
    Operation(
        "post",
        "/api/v1/inbound",
        "Receive a customer's contact from an integration (idempotent by provider id or Idempotency-Key)",
        InboundRequest,
        201,
    ),
    Operation(
        "get",
        "/api/v1/interactions",
        "List interactions, newest first, with filters and a cursor",
        query=(
            "state",
            "channel",
            "queue_id",
            "customer_id",
            "agent_id",
            "created_after",
            "created_before",
            "limit",
            "cursor",
        ),
    ),
    Operation(
        "post",
        "/api/v1/interactions",
        "Open an interaction (outbound, or on a customer's behalf)",
        InteractionCreate,
        201,
    ),
    Operation(
        "get",
        "/api/v1/interactions/search",
        "Search interactions in view, newest first (supervisors, admins); 400 on a bad filter",
        query=(*SEARCH_QUERY, "limit", "cursor"),
    ),
    Operation(
        "get",
        "/api/v1/interactions/search.csv",
        "The whole result of a search as CSV, streamed (UTF-8 with BOM; formula cells guarded)",
        query=SEARCH_QUERY,
        content_type="text/csv",
    ),
    Operation("get", "/api/v1/interactions/{id}", "An interaction with its messages and transitions"),
    Operation(
        "post",
        "/api/v1/interactions/{id}/transitions",
        "Move an interaction to another state",
        TransitionRequest,
    ),
    Operation(
        "post", "/api/v1/interactions/{id}/accept", "Accept the offer of this interaction (the offered agent)"
    ),
    Operation(
        "post",
        "/api/v1/interactions/{id}/reject",
        "Reject the offer of this interaction; it is routed to someone else",
    ),
    Operation(
        "get",
        "/api/v1/interactions/{id}/routing",
        "Why this agent, or why still waiting: the decision log, offers and the router's live view",
    ),
    Operation(
        "get",
        "/api/v1/interactions/{id}/messages",
        "The conversation's messages, oldest first; `after` a message id gives exactly what came since",
        query=("after", "limit"),
    ),
    Operation(
        "post",
        "/api/v1/interactions/{id}/messages",
        "Reply on an interaction one handles (or as a supervisor); 409 if its channel cannot send",
        ReplyRequest,
        201,
    ),
    Operation(
        "post",
        "/api/v1/interactions/{id}/signals",
        "Tell the other side the agent is typing or has read up to a message (not stored)",
        SignalRequest,
        204,
    ),
    Operation("get", "/api/v1/agents", "List agents"),
    Operation("post", "/api/v1/agents", "Create an agent (admin)", AgentCreate, 201),
    Operation("get", "/api/v1/agents/{id}", "An agent"),
    Operation("patch", "/api/v1/agents/{id}", "Update an agent (admin)", AgentPatch),
    Operation(
        "put",
        "/api/v1/agents/{id}/presence",
        "Set an agent's presence (another's: with a reason)",
        PresenceRequest,
    ),
    Operation("get", "/api/v1/queues", "List queues with waiting count and longest wait"),
    Operation("post", "/api/v1/queues", "Create a queue (admin)", QueueCreate, 201),
    Operation("get", "/api/v1/queues/{id}", "A queue"),
    Operation("patch", "/api/v1/queues/{id}", "Change a queue's settings (admin)", QueueUpdate),
    Operation("get", "/api/v1/dashboard", "Live figures: queues, agents by state, latest interactions"),
    Operation(
        "get",
        "/api/v1/planning/queues/{id}/history",
        "Offered contacts and AHT per interval",
        query=("weeks",),
    ),
    Operation(
        "get",
        "/api/v1/planning/queues/{id}/forecast",
        "Next week's forecast per interval, with the held-out week's accuracy",
        query=("week", "weeks"),
    ),
    Operation(
        "get",
        "/api/v1/planning/queues/{id}/requirements",
        "Agents required per interval; what-if on AHT and service level",
        query=WHAT_IF_QUERY,
    ),
    Operation("get", "/api/v1/planning/queues/{id}/overrides", "The queue's forecast overrides"),
    Operation(
        "post",
        "/api/v1/planning/queues/{id}/overrides",
        "Override the forecast for special days (planner)",
        OverrideCreate,
        status=201,
    ),
    Operation("delete", "/api/v1/planning/overrides/{id}", "Delete a forecast override (planner)"),
    Operation("get", "/api/v1/planning/queues/{id}/schedules", "The queue's schedules, newest first"),
    Operation(
        "post",
        "/api/v1/planning/queues/{id}/schedules",
        "Start building a draft schedule with the CP-SAT solver (planner): 202 with the job to poll",
        ScheduleBuild,
        status=202,
    ),
    Operation("get", "/api/v1/planning/schedules/{id}", "A schedule: shifts per agent and coverage"),
    Operation("post", "/api/v1/planning/schedules/{id}/publish", "Publish a draft schedule (planner)"),
    Operation(
        "get",
        "/api/v1/planning/schedules/{id}/export.csv",
        "The schedule as CSV (text/csv)",
        content_type="text/csv",
    ),
    Operation(
        "get",
        "/api/v1/planning/schedules/{id}/export.ics",
        "The schedule as iCalendar (text/calendar)",
        content_type="text/calendar",
    ),
    Operation("get", "/api/v1/planning/schedules/{id}/adherence", "Adherence per agent and interval"),
    Operation("get", "/api/v1/planning/my-schedule", "The signed-in user's published schedule"),
    Operation("get", "/api/v1/planning/agents/{id}/contract", "An agent's contract terms"),
    Operation(
        "put",
        "/api/v1/planning/agents/{id}/contract",
        "Set an agent's contract terms (planner)",
        ContractTerms,
    ),
    Operation("get", "/api/v1/jobs/{id}", "A background job: status, progress, and result or error"),
    Operation("get", "/api/v1/openapi.json", "This document", auth=False),
    *DESK_OPERATIONS,
    *ADMIN_OPERATIONS,
    *CONSOLE_OPERATIONS,
)

#: Creating POSTs honour it (docs/api.md): a retry with the same key gets the first answer.
IDEMPOTENCY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "request_id": {"type": "string"},
            },
        }
    },
}


def _operation_id(op: Operation) -> str:
    slug = op.path.removeprefix("/api/v1/").replace("/", "_").replace("{", "").replace("}", "")
    return f"{op.method}_{slug}"


def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for op in OPERATIONS:
        entry: dict[str, Any] = {
            "summary": op.summary,
            "operationId": _operation_id(op),
            "responses": {
                str(op.status): (
                    {"description": "success, no content"}
                    if op.status == 204
                    else {"description": "success", "content": {op.content_type: {}}}
                ),
                "default": {
                    "description": "error",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                },
            },
        }
        parameters = (
            [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
            if "{id}" in op.path
            else []
        )
        parameters += [
            {"name": q, "in": "query", "required": False, "schema": {"type": "string"}} for q in op.query
        ]
        if op.method == "post" and op.status in (201, 202):
            parameters.append(IDEMPOTENCY_PARAMETER)
        if parameters:
            entry["parameters"] = parameters
        if op.body is not None:
            schema = op.body.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in schema.pop("$defs", {}).items():
                schemas[name] = sub
            schemas[op.body.__name__] = schema
            entry["requestBody"] = {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{op.body.__name__}"}}
                },
            }
        if op.auth:
            entry["security"] = [{"bearer": []}]
        paths.setdefault(op.path, {})[op.method] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "Contact center API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@routes.get("/api/v1/openapi.json")
async def openapi_json(request: web.Request) -> web.Response:
    return web.json_response(document())
