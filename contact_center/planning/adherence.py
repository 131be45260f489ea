"""Adherence and conformance of a schedule's agents, from the presence changes in the audit log.

Every presence change is an audit entry (entity 'agent', action 'presence', changes {from, to}).
An agent's state from the horizon start is the `from` of its first change inside the horizon, or
the `to` of its last change before it; each change then holds until the next one, and the last
until the end of the horizon or now, whichever comes first (the future is not measured). The
maths is workforce.scheduling.adherence_report (docs/metrics.md: adherence = minutes in the scheduled
activity / scheduled minutes; conformance = worked minutes / scheduled work minutes).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select

from contact_center.domain.audit import AuditEntry
from contact_center.planning.schedules import StoredSchedule
from contact_center.storage.uow import UnitOfWork
from workforce.scheduling import AgentAdherence, AgentId, PresenceRecord, PresenceState, adherence_report

# How far before the horizon to look for the state an agent was in when it started.
LOOKBACK = timedelta(days=7)


async def presence_records(
    uow: UnitOfWork, agent_ids: list[int], start: datetime, end: datetime
) -> list[PresenceRecord]:
    if not agent_ids or end <= start:
        return []
    presence = (
        AuditEntry.entity == "agent",
        AuditEntry.action == "presence",
        col(AuditEntry.entity_id).in_(agent_ids),
    )
    # Each agent's last change before `start`, found on the (entity_id, at) index without reading
    # the changes themselves: a week of every agent's changes, decoded, was most of the console's
    # agents view for a whole floor.
    last = (
        select(col(AuditEntry.entity_id).label("agent"), func.max(AuditEntry.at).label("at"))
        .where(*presence, col(AuditEntry.at) >= start - LOOKBACK, col(AuditEntry.at) <= start)
        .group_by(col(AuditEntry.entity_id))
        .subquery()
    )
    last_before = (
        select(AuditEntry.entity_id, AuditEntry.at, AuditEntry.id, AuditEntry.changes)
        .join(last, (col(AuditEntry.entity_id) == last.c.agent) & (col(AuditEntry.at) == last.c.at))
        .where(*presence)
    )
    within = select(AuditEntry.entity_id, AuditEntry.at, AuditEntry.id, AuditEntry.changes).where(
        *presence, col(AuditEntry.at) > start, col(AuditEntry.at) < end
    )
    rows = [*(await uow.session.exec(last_before)).all(), *(await uow.session.exec(within)).all()]
    rows.sort(key=lambda row: (row[0], row[1], row[2] or 0))  # as written, per agent
    changes: dict[int, list[tuple[datetime, str, str]]] = defaultdict(list)
    for agent_id, at, _id, data in rows:
        changes[agent_id].append((at, str(data.get("from", "")), str(data.get("to", ""))))
    records = []
    for agent_id, entries in changes.items():
        before = [e for e in entries if e[0] <= start]
        inside = [e for e in entries if e[0] > start]
        state = before[-1][2] if before else (inside[0][1] if inside else "")
        cursor = start
        for at, _from, to in inside:
            records += _record(agent_id, cursor, at, state)
            cursor, state = at, to
        records += _record(agent_id, cursor, end, state)
    return records


def _record(agent_id: int, start: datetime, end: datetime, state: str) -> list[PresenceRecord]:
    try:
        known = PresenceState(state)
    except ValueError:
        return []  # no history: a gap, neither adherent nor worked
    return [PresenceRecord(AgentId(str(agent_id)), start, end, known)] if end > start else []


async def schedule_adherence(
    uow: UnitOfWork, schedule: StoredSchedule, now: datetime
) -> tuple[AgentAdherence, ...]:
    """Per agent and interval; only agents with a shift in the schedule are reported."""
    horizon = schedule.horizon
    start = horizon.start
    end = min(horizon.at(horizon.minutes), now)
    agent_ids = sorted({int(s.agent_id) for s in schedule.result.shifts})
    presence = await presence_records(uow, agent_ids, start, end)
    scheduled = {str(a) for a in agent_ids}
    return tuple(a for a in adherence_report(schedule.result, horizon, presence) if a.agent_id in scheduled)
