"""Queue handlers."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from contact_center.domain.commands import CreateQueue, UpdateQueue
from contact_center.domain.enums import Channel
from contact_center.domain.errors import ConflictError, InvalidInputError
from contact_center.domain.events import QueueCreated, QueueUpdated
from contact_center.domain.queues import Queue
from contact_center.services.agents import check_skills, team_name
from contact_center.storage.uow import UnitOfWork

#: What `UpdateQueue` may change; the name stays (plans, reports and integrations name queues).
UPDATABLE = frozenset(
    {
        "channels",
        "required_skills",
        "priority",
        "sl_target",
        "sl_threshold_s",
        "timezone",
        "business_hours",
        "interval_minutes",
        "team",
        "allow_picking",
    }
)


def _checked(field: str, value: Any) -> Any:
    """One rule per setting, for a new queue and a changed one alike: the stored value."""
    if field == "sl_target" and not 0 < value <= 1:
        raise InvalidInputError("sl_target is a fraction between 0 and 1, e.g. 0.8")
    if field == "sl_threshold_s" and value <= 0:
        raise InvalidInputError("sl_threshold_s must be positive")
    if field == "interval_minutes" and value not in (15, 30, 60):
        raise InvalidInputError("interval_minutes is 15, 30 or 60")
    if field == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidInputError(f"unknown time zone {value!r}") from exc
    if field == "channels":
        if not value:
            raise InvalidInputError("a queue takes at least one channel")
        return [Channel(c).value for c in value]
    if field == "required_skills":
        return check_skills(dict(value))
    if field == "business_hours":
        return {day: [list(span) for span in spans] for day, spans in dict(value).items()}
    if field == "team":
        return team_name(value)
    return value


async def create_queue(cmd: CreateQueue, uow: UnitOfWork) -> int:
    if not cmd.name.strip():
        raise InvalidInputError("a queue needs a name")
    for field in ("sl_target", "sl_threshold_s", "interval_minutes", "timezone"):
        _checked(field, getattr(cmd, field))
    async with uow:
        if await uow.queues.by_name(cmd.name) is not None:
            raise ConflictError(f"queue {cmd.name!r} exists")
        queue = Queue(
            name=cmd.name.strip(),
            channels=_checked("channels", cmd.channels),
            required_skills=_checked("required_skills", cmd.required_skills),
            priority=cmd.priority,
            sl_target=cmd.sl_target,
            sl_threshold_s=cmd.sl_threshold_s,
            business_hours=_checked("business_hours", cmd.business_hours),
            timezone=cmd.timezone,
            interval_minutes=cmd.interval_minutes,
            team=_checked("team", cmd.team),
            allow_picking=cmd.allow_picking,
            created_at=uow.now(),
        )
        await uow.queues.added(queue)
        uow.audit(cmd.actor, "queue", queue.id or 0, "create", {"name": queue.name})
        uow.emit(QueueCreated(queue_id=queue.id or 0, name=queue.name, at=uow.now()))
        await uow.commit()
        return queue.id or 0


async def update_queue(cmd: UpdateQueue, uow: UnitOfWork) -> Queue:
    """Change a queue's settings. The router and every web process refresh their copy of the
    queues on the `queue.updated` event, so the change routes without a restart."""
    changes = dict(cmd.changes)
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise InvalidInputError(f"unknown queue fields: {', '.join(sorted(unknown))}")
    stored = {field: _checked(field, value) for field, value in changes.items()}
    async with uow:
        queue = await uow.queues.get(cmd.queue_id)
        before = {field: getattr(queue, field) for field in stored}
        for field, value in stored.items():
            setattr(queue, field, value)
        uow.session.add(queue)
        changed = sorted(f for f in stored if stored[f] != before[f])
        if changed:
            uow.audit(
                cmd.actor,
                "queue",
                cmd.queue_id,
                "update",
                {f: {"from": before[f], "to": stored[f]} for f in changed},
            )
            uow.emit(QueueUpdated(queue_id=cmd.queue_id, fields=changed, at=uow.now()))
        await uow.commit()
        return queue
