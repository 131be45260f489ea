"""Canned responses: prepared replies, personal or shared, with variables filled in per interaction.

Who may keep which is the policy's (`policy.canned_response_refusal`); the variables are filled in
on the server (`fill`), so the desk never needs more of the customer than the reply shows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from contact_center.domain.desk import CannedResponse
from contact_center.domain.desk_commands import (
    CreateCannedResponse,
    DeleteCannedResponse,
    UpdateCannedResponse,
)
from contact_center.domain.enums import Role
from contact_center.domain.errors import ForbiddenError, InvalidInputError
from contact_center.services import policy
from contact_center.storage.desk import DeskRepository
from contact_center.storage.uow import UnitOfWork

#: The variables a body may hold; any other `{word}` stays as written.
VARIABLES = ("customer_name", "agent_name", "reference")
EDITABLE = frozenset({"title", "body", "shortcut", "shared"})
_VARIABLE = re.compile(r"\{([a-z_]+)\}")


def fill(body: str, values: Mapping[str, str]) -> str:
    """`body` with each known `{variable}` replaced by its value, in one pass (a value holding
    `{agent_name}` is not expanded again); unknown variables are left as written."""
    return _VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), body)


async def create_canned_response(cmd: CreateCannedResponse, uow: UnitOfWork) -> CannedResponse:
    principal = cmd.principal
    if principal.role not in policy.DESK or principal.agent_id is None:
        raise ForbiddenError("canned responses are for agents and supervisors")
    if cmd.shared and principal.role not in policy.MANAGERS:
        raise ForbiddenError("shared canned responses are kept by supervisors")
    async with uow:
        now = uow.now()
        canned = CannedResponse(
            owner_agent_id=principal.agent_id,
            shared=cmd.shared,
            title=cmd.title,
            shortcut=cmd.shortcut,
            body=cmd.body,
            created_at=now,
            updated_at=now,
        )
        uow.session.add(canned)
        await uow.session.flush()
        uow.audit(cmd.actor, "canned_response", canned.id or 0, "create", {"shared": cmd.shared})
        await uow.commit()
        return canned


async def update_canned_response(cmd: UpdateCannedResponse, uow: UnitOfWork) -> CannedResponse:
    changes = dict(cmd.changes)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInputError(f"unknown canned response fields: {', '.join(sorted(unknown))}")
    async with uow:
        canned = await DeskRepository(uow.session).canned_response(cmd.canned_response_id)
        makes_shared = bool(changes.get("shared", canned.shared))
        refusal = policy.canned_response_refusal(
            cmd.principal, canned.owner_agent_id, canned.shared, makes_shared=makes_shared
        )
        policy.check(refusal, f"canned response {cmd.canned_response_id}")
        if not makes_shared and canned.shared and cmd.principal.role is not Role.ADMIN:
            canned.owner_agent_id = cmd.principal.agent_id  # made personal: the supervisor's own
        for name, value in changes.items():
            setattr(canned, name, value)
        canned.updated_at = uow.now()
        uow.session.add(canned)
        uow.audit(cmd.actor, "canned_response", canned.id or 0, "update", {"fields": sorted(changes)})
        await uow.commit()
        return canned


async def delete_canned_response(cmd: DeleteCannedResponse, uow: UnitOfWork) -> None:
    async with uow:
        canned = await DeskRepository(uow.session).canned_response(cmd.canned_response_id)
        refusal = policy.canned_response_refusal(
            cmd.principal, canned.owner_agent_id, canned.shared, makes_shared=canned.shared
        )
        policy.check(refusal, f"canned response {cmd.canned_response_id}")
        await uow.session.delete(canned)
        uow.audit(cmd.actor, "canned_response", cmd.canned_response_id, "delete", {})
        await uow.commit()
