"""Follow-ups past their due time: marked overdue once, and their owners' desks told.

A follow-up (后续作业) is a promise made to a customer: call back, send the quote. One that slips
past its due time unnoticed is how a customer learns they were forgotten, so the scheduler runs
this job every minute (`[scheduler] overdue_follow_ups`): each open follow-up past due is stamped
`overdue_at` and a `follow_up.overdue` event goes to its owner's desk (and their team's
supervisors) through the event stream. The stamp is written by a conditional UPDATE (only where it
is still empty), in the transaction that records the event, so running the job twice, or two
runs at once, tells each owner once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from contact_center.domain.events import FollowUpOverdue
from contact_center.jobs import JobContext, job
from contact_center.storage.tables import FOLLOW_UP
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

OVERDUE_JOB = "follow_ups.mark_overdue"
BATCH = 200


async def mark_overdue_follow_ups(uow: Callable[[], UnitOfWork], now: datetime, *, batch: int = BATCH) -> int:
    """Stamp the open follow-ups due before `now` that are not stamped yet; returns how many."""
    marked, after = 0, 0
    while True:
        async with uow() as work:
            conn = await work.connection()
            due = (
                select(FOLLOW_UP.c.id)
                .where(
                    FOLLOW_UP.c.id > after,
                    FOLLOW_UP.c.done.is_(False),
                    FOLLOW_UP.c.overdue_at.is_(None),
                    FOLLOW_UP.c.due_at < now,
                )
                .order_by(FOLLOW_UP.c.id)
                .limit(batch)
            )
            ids = [int(i) for i in (await conn.execute(due)).scalars()]
            if not ids:
                return marked
            stamped = await conn.execute(
                update(FOLLOW_UP)
                .where(FOLLOW_UP.c.id.in_(ids), FOLLOW_UP.c.overdue_at.is_(None))
                .values(overdue_at=now)
                .returning(FOLLOW_UP.c.id, FOLLOW_UP.c.customer_id, FOLLOW_UP.c.owner_id, FOLLOW_UP.c.due_at)
            )
            rows = stamped.all()
            for follow_up_id, customer_id, owner_id, due_at in rows:
                overdue = FollowUpOverdue(
                    follow_up_id=follow_up_id,
                    customer_id=customer_id,
                    agent_id=owner_id,
                    due_at=due_at,
                    at=now,
                )
                work.emit(overdue)
            await work.commit()
        marked += len(rows)
        after = ids[-1]
        if rows:
            log.info("follow_ups.overdue", extra={"count": len(rows), "up_to_id": after})


@job(OVERDUE_JOB)
async def overdue_job(ctx: JobContext) -> dict[str, Any]:
    return {"marked": await mark_overdue_follow_ups(ctx.uow, ctx.clock())}
