"""Schedule adherence and conformance from presence history (docs/metrics.md).

Adherence = minutes in the scheduled activity / scheduled minutes, where the scheduled minutes are
those of every segment (work, breaks and lunch). During a work segment the agent is in the scheduled
activity when available, busy or in wrap-up; during a break or lunch, when away or offline.
Conformance = worked minutes / scheduled work minutes: time in a working state (available, busy,
wrap-up), scheduled or not, against the time scheduled for work (breaks excluded). A gap in the
presence history counts as neither adherent nor worked. Both are reported per agent and interval and
per agent over the horizon; a ratio with nothing scheduled is None, not 0 or 1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import pairwise

from workforce.scheduling.model import Activity, AgentId, Horizon
from workforce.scheduling.result import ScheduleResult


class PresenceState(StrEnum):
    AVAILABLE = "available"
    BUSY = "busy"
    WRAP_UP = "wrap_up"
    AWAY = "away"
    OFFLINE = "offline"


WORKING_STATES = frozenset({PresenceState.AVAILABLE, PresenceState.BUSY, PresenceState.WRAP_UP})
BREAK_STATES = frozenset({PresenceState.AWAY, PresenceState.OFFLINE})


@dataclass(frozen=True, slots=True)
class PresenceRecord:
    agent_id: AgentId
    start: datetime
    end: datetime
    state: PresenceState


@dataclass(frozen=True, slots=True)
class IntervalAdherence:
    interval: int
    start: datetime
    scheduled_minutes: float
    adherent_minutes: float
    scheduled_work_minutes: float
    worked_minutes: float

    @property
    def adherence(self) -> float | None:
        return _ratio(self.adherent_minutes, self.scheduled_minutes)

    @property
    def conformance(self) -> float | None:
        return _ratio(self.worked_minutes, self.scheduled_work_minutes)


@dataclass(frozen=True, slots=True)
class AgentAdherence:
    agent_id: AgentId
    scheduled_minutes: float
    adherent_minutes: float
    scheduled_work_minutes: float
    worked_minutes: float
    intervals: tuple[IntervalAdherence, ...]  # only intervals with something scheduled or worked

    @property
    def adherence(self) -> float | None:
        return _ratio(self.adherent_minutes, self.scheduled_minutes)

    @property
    def conformance(self) -> float | None:
        return _ratio(self.worked_minutes, self.scheduled_work_minutes)


def adherence_report(
    result: ScheduleResult, horizon: Horizon, presence: Sequence[PresenceRecord]
) -> tuple[AgentAdherence, ...]:
    """Adherence and conformance of every agent with a shift or a presence record, by agent id.

    Presence records of one agent must not overlap (an agent is in one state at a time)."""
    segments: dict[AgentId, list[tuple[float, float, Activity]]] = defaultdict(list)
    for shift in result.shifts:
        segments[shift.agent_id] += [(float(a), float(b), act) for a, b, act in shift.minute_segments()]
    states: dict[AgentId, list[tuple[float, float, PresenceState]]] = defaultdict(list)
    for record in presence:
        a = max(0.0, (record.start - horizon.start).total_seconds() / 60)
        b = min(float(horizon.minutes), (record.end - horizon.start).total_seconds() / 60)
        if b > a:
            states[record.agent_id].append((a, b, record.state))
    report = []
    for agent_id in sorted(set(segments) | set(states)):
        spans = sorted(states[agent_id])
        if any(later[0] < earlier[1] for earlier, later in pairwise(spans)):
            raise ValueError(f"presence records of agent {agent_id} overlap")
        report.append(_agent(agent_id, horizon, sorted(segments[agent_id]), spans))
    return tuple(report)


def _agent(
    agent_id: AgentId,
    horizon: Horizon,
    segments: list[tuple[float, float, Activity]],
    spans: list[tuple[float, float, PresenceState]],
) -> AgentAdherence:
    width = horizon.interval_minutes
    figures: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for a, b, activity in segments:
        for i, m in _spread(a, b, width):
            figures[i][0] += m
            if activity is Activity.SHIFT:
                figures[i][2] += m
        wanted = WORKING_STATES if activity is Activity.SHIFT else BREAK_STATES
        for c, d, state in spans:
            if state in wanted and c < b and a < d:
                for i, m in _spread(max(a, c), min(b, d), width):
                    figures[i][1] += m
    for c, d, state in spans:
        if state in WORKING_STATES:
            for i, m in _spread(c, d, width):
                figures[i][3] += m
    intervals = tuple(IntervalAdherence(i, horizon.at(i * width), *figures[i]) for i in sorted(figures))
    return AgentAdherence(
        agent_id,
        scheduled_minutes=sum(f.scheduled_minutes for f in intervals),
        adherent_minutes=sum(f.adherent_minutes for f in intervals),
        scheduled_work_minutes=sum(f.scheduled_work_minutes for f in intervals),
        worked_minutes=sum(f.worked_minutes for f in intervals),
        intervals=intervals,
    )


def _spread(start: float, end: float, width: int) -> Iterator[tuple[int, float]]:
    """Minutes of [start, end) in each interval it touches."""
    i = int(start // width)
    while i * width < end:
        minutes = min(end, (i + 1) * width) - max(start, i * width)
        if minutes > 0:
            yield i, minutes
        i += 1


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None
