"""The admin pages' own operations in the OpenAPI document (`openapi.py` lists them with the rest):
the audit log, password resets and the chat sites (docs/admin.md)."""

from __future__ import annotations

from contact_center.api.agents import PasswordReset
from contact_center.api.audit_log import AUDIT_QUERY
from contact_center.api.operation import Operation
from contact_center.api.webchat_sites import WebchatSiteCreate, WebchatSitePatch

ADMIN_OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "post",
        "/api/v1/agents/{id}/reset-password",
        "Reset an agent's password (admin): the one given, or a temporary one answered once; "
        "every session of the account ends",
        PasswordReset,
    ),
    Operation(
        "get",
        "/api/v1/audit",
        "The audit log, newest first, filtered by actor, entity, action and time (admin)",
        query=AUDIT_QUERY,
    ),
    Operation("get", "/api/v1/webchat-sites", "The sites that embed the chat widget (admin)"),
    Operation("post", "/api/v1/webchat-sites", "Add a chat site (admin)", WebchatSiteCreate, 201),
    Operation(
        "patch",
        "/api/v1/webchat-sites/{id}",
        "Change a chat site (admin); the widget follows",
        WebchatSitePatch,
    ),
)
