"""The supervisor console's operations in the OpenAPI document (`openapi.py` lists them with the rest)."""

from __future__ import annotations

from contact_center.api.console import TakeOverRequest, WhisperRequest
from contact_center.api.operation import Operation

CONSOLE_OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "get",
        "/api/v1/console/agents",
        "Each agent of one's team live: state, current work, handled, occupancy and adherence today",
    ),
    Operation(
        "get",
        "/api/v1/interactions/{id}/whispers",
        "A supervisor's whispers on an interaction (its agent and monitoring supervisors only)",
        query=("after",),
    ),
    Operation(
        "post",
        "/api/v1/interactions/{id}/whispers",
        "Whisper to the agent handling it (never shown to the customer)",
        WhisperRequest,
        201,
    ),
    Operation(
        "post",
        "/api/v1/interactions/{id}/take-over",
        "The supervisor becomes the handling agent of a live interaction",
        TakeOverRequest,
    ),
)
