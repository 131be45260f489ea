"""Queue handlers."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from contact_center.domain.commands import CreateQueue, UpdateQueue
from contact_center.domain.enums import Channel
from contact_center.domain.errors import ConflictError, InvalidInputError
from contact_center.domain.events import QueueCreated, QueueUpdated
from contact_center.domain.identity import normalise_email
from contact_center.domain.queues import Queue
from contact_center.domain.wallboard import check_thresholds
from contact_center.services.agents import check_skills, team_name
from contact_center.storage.uow import UnitOfWork

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

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
        "holidays",
        "alert_thresholds",
        "alert_emails",
    }
)
#: At most this many addresses are mailed when a queue's alert fires.
MAX_ALERT_EMAILS = 20


def _checked(field: str, value: Any) -> Any:
    """One rule per setting, for a new queue and a changed one alike: the stored value."""
    if field == "sl_target" and not 0 < value <= 1:
        raise InvalidInputError("sl_target is a fraction between 0 and 1, e.g. 0.8", field=field)
    if field == "sl_threshold_s" and value <= 0:
        raise InvalidInputError("sl_threshold_s must be positive", field=field)
    if field == "interval_minutes" and value not in (15, 30, 60):
        raise InvalidInputError("interval_minutes is 15, 30 or 60", field=field)
    if field == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidInputError(f"unknown time zone {value!r}", field=field) from exc
    if field == "channels":
        if not value:
            raise InvalidInputError("a queue takes at least one channel", field=field)
        return [Channel(c).value for c in value]
    if field == "required_skills":
        return check_skills(dict(value))
    if field == "business_hours":
        return _hours(dict(value))
    if field == "holidays":
        return _holidays(list(value))
    if field == "team":
        return team_name(value)
    if field == "alert_thresholds":
        return check_thresholds(dict(value))
    if field == "alert_emails":
        return _alert_emails(list(value))
    return value


def _alert_emails(value: list[Any]) -> list[str]:
    if len(value) > MAX_ALERT_EMAILS:
        raise InvalidInputError("at most 20 alert e-mail addresses", field="alert_emails")
    return sorted({normalise_email(str(address)) for address in value})


def _hours(value: dict[str, Any]) -> dict[str, list[list[str]]]:
    """Spans per weekday that do not end before they start (24:00 closes a day), nor overlap."""
    hours: dict[str, list[list[str]]] = {}
    for day, spans in value.items():
        if day not in DAYS:
            raise InvalidInputError(f"{day!r} is not a weekday (mon to sun)", field="business_hours")
        checked = sorted([str(start), str(end)] for start, end in spans)
        for start, end in checked:
            if end < start:  # an empty span (09:00 to 09:00) is allowed: it opens nothing
                raise InvalidInputError(
                    f"on {day}, {start} to {end} ends before it starts", field="business_hours"
                )
        for before, after in itertools.pairwise(checked):
            if after[0] < before[1]:
                raise InvalidInputError(f"on {day}, two spans overlap", field="business_hours")
        if checked:
            hours[day] = checked
    return hours


def _holidays(value: list[Any]) -> list[str]:
    days: set[str] = set()
    for raw in value:
        try:
            days.add(date.fromisoformat(str(raw)).isoformat())
        except ValueError:
            raise InvalidInputError(f"{raw!r} is not a date like 2026-12-25", field="holidays") from None
    if len(days) > 366:
        raise InvalidInputError("at most 366 holidays", field="holidays")
    return sorted(days)


async def create_queue(cmd: CreateQueue, uow: UnitOfWork) -> int:
    if not cmd.name.strip():
        raise InvalidInputError("a queue needs a name", field="name")
    for field in ("sl_target", "sl_threshold_s", "interval_minutes", "timezone"):
        _checked(field, getattr(cmd, field))
    async with uow:
        if await uow.queues.by_name(cmd.name) is not None:
            raise ConflictError(f"queue {cmd.name!r} exists", field="name")
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
            holidays=_checked("holidays", cmd.holidays),
            alert_thresholds=_checked("alert_thresholds", dict(cmd.alert_thresholds)),
            alert_emails=_checked("alert_emails", cmd.alert_emails),
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
