"""The desk's operations in the OpenAPI document (`openapi.py` lists them with the rest)."""

from __future__ import annotations

from contact_center.api.canned_responses import CannedResponseCreate, CannedResponsePatch, RenderRequest
from contact_center.api.customer_work import FollowUpCreate, FollowUpPatch, NoteCreate
from contact_center.api.desk import TransferRequest, WrapUpCodeCreate, WrapUpCodesRequest
from contact_center.api.operation import Operation

DESK_OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "get", "/api/v1/customers/{id}/notes", "The customer's internal notes, newest first", query=("limit",)
    ),
    Operation(
        "post",
        "/api/v1/customers/{id}/notes",
        "Add an internal note (never shown to the customer)",
        NoteCreate,
        201,
    ),
    Operation(
        "get",
        "/api/v1/customers/{id}/follow-ups",
        "The customer's follow-ups, soonest due first",
        query=("open", "limit"),
    ),
    Operation(
        "post",
        "/api/v1/customers/{id}/follow-ups",
        "Create a follow-up (owner: the caller unless named)",
        FollowUpCreate,
        201,
    ),
    Operation("patch", "/api/v1/follow-ups/{id}", "Mark a follow-up done (or open again)", FollowUpPatch),
    Operation(
        "get",
        "/api/v1/canned-responses",
        "One's own and every shared canned response, searched in title, shortcut and body",
        query=("q", "limit"),
    ),
    Operation(
        "post",
        "/api/v1/canned-responses",
        "Create a canned response (shared: supervisors)",
        CannedResponseCreate,
        201,
    ),
    Operation("patch", "/api/v1/canned-responses/{id}", "Change a canned response", CannedResponsePatch),
    Operation("delete", "/api/v1/canned-responses/{id}", "Delete a canned response", status=204),
    Operation(
        "post",
        "/api/v1/canned-responses/{id}/render",
        "The canned response with its variables filled in for one interaction",
        RenderRequest,
    ),
    Operation(
        "post",
        "/api/v1/interactions/{id}/transfer",
        "Transfer to a queue or an agent, with an internal note",
        TransferRequest,
    ),
    Operation(
        "get",
        "/api/v1/interactions/{id}/transfer-targets",
        "The colleagues one may transfer this interaction to, and whether each can take work now",
    ),
    Operation("get", "/api/v1/queues/{id}/wrap-up-codes", "The queue's wrap-up codes"),
    Operation("get", "/api/v1/wrap-up-codes", "Every active wrap-up code, for choosing a queue's list"),
    Operation("post", "/api/v1/wrap-up-codes", "Add a wrap-up code (admin)", WrapUpCodeCreate, 201),
    Operation(
        "put",
        "/api/v1/queues/{id}/wrap-up-codes",
        "Set the queue's wrap-up codes (admin)",
        WrapUpCodesRequest,
    ),
)
