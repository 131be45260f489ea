"""Each queue's list of wrap-up codes, and the check of a code a person closes with.

A queue with a list refuses any other code (and a person closing there must give one); a queue
without a list takes any code, as before lists existed. The codes of a list come from the global
`WrapUpCode` table.
"""

from __future__ import annotations

from collections.abc import Sequence

from contact_center.domain.desk import QueueWrapUpCode
from contact_center.domain.desk_commands import CreateWrapUpCode, SetQueueWrapUpCodes
from contact_center.domain.errors import ConflictError, UnprocessableError
from contact_center.domain.interactions import Interaction
from contact_center.domain.work import WrapUpCode
from contact_center.storage.desk import DeskRepository
from contact_center.storage.uow import UnitOfWork


async def set_queue_wrap_up_codes(cmd: SetQueueWrapUpCodes, uow: UnitOfWork) -> Sequence[WrapUpCode]:
    codes = list(dict.fromkeys(cmd.codes))
    async with uow:
        await uow.queues.get(cmd.queue_id)  # an unknown queue: 404
        desk = DeskRepository(uow.session)
        known = await desk.global_codes(codes)
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise UnprocessableError(
                f"not wrap-up codes (or no longer active): {', '.join(unknown)}", code="unknown_wrap_up_code"
            )
        for old in await desk.queue_code_rows(cmd.queue_id):
            await uow.session.delete(old)
        await uow.session.flush()
        for position, code in enumerate(codes):
            uow.session.add(
                QueueWrapUpCode(queue_id=cmd.queue_id, code_id=known[code].id or 0, position=position)
            )
        uow.audit(cmd.actor, "queue", cmd.queue_id, "wrap_up_codes", {"codes": codes})
        await uow.commit()
        return [known[c] for c in codes]


async def create_wrap_up_code(cmd: CreateWrapUpCode, uow: UnitOfWork) -> WrapUpCode:
    """A code is a short key people pick and reports group by: letters, digits, `_`, `-`, `.`."""
    code = cmd.code.strip()
    if not code or len(code) > 50 or not code.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise UnprocessableError(
            "a code has 1 to 50 letters, digits, '_', '-' or '.'", code="invalid_field", field="code"
        )
    async with uow:
        if await DeskRepository(uow.session).code_exists(code):
            raise ConflictError(f"wrap-up code {code!r} exists", field="code")
        row = WrapUpCode(code=code, label=cmd.label.strip()[:200])
        uow.session.add(row)
        await uow.session.flush()
        uow.audit(cmd.actor, "wrap_up_code", row.id or 0, "create", {"code": code, "label": row.label})
        await uow.commit()
        return row


async def check_code(uow: UnitOfWork, interaction: Interaction, code: str | None, *, closing: bool) -> None:
    """Refuse a code the interaction's queue does not list; refuse closing without one where the
    queue has a list. A queue without a list takes any code."""
    if interaction.queue_id is None:
        return
    allowed = {c.code for c in await DeskRepository(uow.session).queue_codes(interaction.queue_id)}
    if not allowed:
        return
    if code is not None and code not in allowed:
        raise UnprocessableError(
            f"wrap-up code {code!r} is not on this queue's list: {', '.join(sorted(allowed))}",
            code="unknown_wrap_up_code",
        )
    if closing and code is None and interaction.wrap_up_code is None:
        raise UnprocessableError(
            f"closing needs a wrap_up_code from this queue's list: {', '.join(sorted(allowed))}",
            code="wrap_up_code_required",
        )
