"""Retention: message bodies (and supervisors' whispers) older than
`privacy.message_retention_days` are purged.

The message row stays with its times, direction, channel and delivery status (reports and the
history still count it); its body and attachments become empty. Batch by batch, each batch one
short transaction, walking the table by id so a run reads it once however much it purges. Running
again purges nothing new: it is safe from the scheduler (`[scheduler] retention`), a job or the
command line. Design: docs/privacy.md, Retention.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, Text, cast, or_, select, update

from contact_center.jobs import JobContext, job
from contact_center.storage.tables import MESSAGE, WHISPER
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

PURGE_JOB = "privacy.purge_message_bodies"
BATCH = 500


def _message_holds_content() -> Any:
    return or_(MESSAGE.c.body != "", cast(MESSAGE.c.attachments, Text) != "[]")


async def purge_message_bodies(
    uow: Callable[[], UnitOfWork], now: datetime, days: int, *, batch: int = BATCH
) -> int:
    """Empty the bodies of messages created before `now - days`; returns how many were purged."""
    emptied = {"body": "", "attachments": []}
    return await _purge(uow, MESSAGE, _message_holds_content(), emptied, now - timedelta(days=days), batch)


async def purge_whisper_bodies(
    uow: Callable[[], UnitOfWork], now: datetime, days: int, *, batch: int = BATCH
) -> int:
    """Empty the bodies of supervisors' whispers written before `now - days`: a whisper is a note
    on a conversation and may quote the customer, so it is kept no longer than the messages."""
    return await _purge(uow, WHISPER, WHISPER.c.body != "", {"body": ""}, now - timedelta(days=days), batch)


async def _purge(
    uow: Callable[[], UnitOfWork],
    table: Table,
    holds_content: Any,
    emptied: dict[str, Any],
    cutoff: datetime,
    batch: int,
) -> int:
    purged, after = 0, 0
    while True:
        async with uow() as work:
            conn = await work.connection()
            stmt = (
                select(table.c.id)
                .where(table.c.id > after, table.c.created_at < cutoff, holds_content)
                .order_by(table.c.id)
                .limit(batch)
            )
            ids = [int(i) for i in (await conn.execute(stmt)).scalars()]
            if not ids:
                return purged
            await conn.execute(update(table).where(table.c.id.in_(ids)).values(**emptied))
            await work.commit()
        purged += len(ids)
        after = ids[-1]
        log.info("privacy.bodies_purged", extra={"table": table.name, "count": len(ids), "up_to_id": after})


@job(PURGE_JOB)
async def purge_job(ctx: JobContext) -> dict[str, Any]:
    days = ctx.settings.privacy.message_retention_days
    if days is None:
        return {"purged": 0, "retention_days": None}
    return {
        "purged": await purge_message_bodies(ctx.uow, ctx.clock(), days),
        "whispers_purged": await purge_whisper_bodies(ctx.uow, ctx.clock(), days),
        "retention_days": days,
    }
