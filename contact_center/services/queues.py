"""Queue handlers."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from contact_center.domain.commands import CreateQueue
from contact_center.domain.errors import ConflictError, InvalidInputError
from contact_center.domain.events import QueueCreated
from contact_center.domain.queues import Queue
from contact_center.services.agents import check_skills, team_name
from contact_center.storage.uow import UnitOfWork


async def create_queue(cmd: CreateQueue, uow: UnitOfWork) -> int:
    if not cmd.name.strip():
        raise InvalidInputError("a queue needs a name")
    if not 0 < cmd.sl_target <= 1:
        raise InvalidInputError("sl_target is a fraction between 0 and 1, e.g. 0.8")
    if cmd.sl_threshold_s <= 0:
        raise InvalidInputError("sl_threshold_s must be positive")
    if cmd.interval_minutes not in (15, 30, 60):
        raise InvalidInputError("interval_minutes is 15, 30 or 60")
    try:
        ZoneInfo(cmd.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInputError(f"unknown time zone {cmd.timezone!r}") from exc
    async with uow:
        if await uow.queues.by_name(cmd.name) is not None:
            raise ConflictError(f"queue {cmd.name!r} exists")
        queue = Queue(
            name=cmd.name.strip(),
            channels=[c.value for c in cmd.channels],
            required_skills=check_skills(dict(cmd.required_skills)),
            priority=cmd.priority,
            sl_target=cmd.sl_target,
            sl_threshold_s=cmd.sl_threshold_s,
            business_hours={day: [list(span) for span in spans] for day, spans in cmd.business_hours},
            timezone=cmd.timezone,
            interval_minutes=cmd.interval_minutes,
            team=team_name(cmd.team),
            allow_picking=cmd.allow_picking,
            created_at=uow.now(),
        )
        await uow.queues.added(queue)
        uow.audit(cmd.actor, "queue", queue.id or 0, "create", {"name": queue.name})
        uow.emit(QueueCreated(queue_id=queue.id or 0, name=queue.name, at=uow.now()))
        await uow.commit()
        return queue.id or 0
