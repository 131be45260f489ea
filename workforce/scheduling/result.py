"""What a schedule is once solved: shifts per agent, their segments, and coverage per interval.

Coverage is recomputed here from the published shifts, not read back from solver variables, so the
figures a planner sees always describe the schedule the agents get.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from workforce.scheduling.model import Activity, AgentId, Horizon, SchedulingProblem
from workforce.scheduling.options import overlap


@dataclass(frozen=True, slots=True)
class PlacedBreak:
    activity: Activity
    start: int  # minutes from the horizon start
    end: int
    is_paid: bool


@dataclass(frozen=True, slots=True)
class ScheduledShift:
    agent_id: AgentId
    day: int
    template: str
    skill: str
    start: int  # minutes from the horizon start
    end: int
    paid_minutes: int
    breaks: tuple[PlacedBreak, ...]

    def minute_segments(self) -> tuple[tuple[int, int, Activity], ...]:
        """The shift cut around its breaks: (start, end, activity) in horizon minutes."""
        segments: list[tuple[int, int, Activity]] = []
        cursor = self.start
        for b in sorted(self.breaks, key=lambda b: b.start):
            if b.start > cursor:
                segments.append((cursor, b.start, Activity.SHIFT))
            segments.append((b.start, b.end, b.activity))
            cursor = b.end
        if cursor < self.end:
            segments.append((cursor, self.end, Activity.SHIFT))
        return tuple(segments)


@dataclass(frozen=True, slots=True)
class Segment:
    start: datetime
    end: datetime
    activity: Activity


@dataclass(frozen=True, slots=True)
class IntervalCoverage:
    skill: str
    interval: int
    start: datetime
    required: int
    scheduled: float  # agents on shift and not on break, averaged over the interval
    shortfall: float
    surplus: float


@dataclass(frozen=True, slots=True)
class ScheduleResult:
    status: str  # CP-SAT's status name: OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN, MODEL_INVALID
    solve_seconds: float  # CP-SAT's own wall time, summed over the solve stages
    shifts: tuple[ScheduledShift, ...]
    coverage: tuple[IntervalCoverage, ...]
    required_agent_hours: float
    shortfall_agent_hours: float
    surplus_agent_hours: float
    paid_hours: float
    max_weekend_days: int

    @property
    def has_solution(self) -> bool:
        return self.status in ("OPTIMAL", "FEASIBLE")

    @property
    def shortfall_pct(self) -> float:
        """Shortfall as a percentage of required agent-hours (0 when nothing is required)."""
        if self.required_agent_hours == 0:
            return 0.0
        return 100.0 * self.shortfall_agent_hours / self.required_agent_hours

    def agent_shifts(self, agent_id: AgentId) -> tuple[ScheduledShift, ...]:
        return tuple(s for s in self.shifts if s.agent_id == agent_id)


def shift_segments(shift: ScheduledShift, horizon: Horizon) -> tuple[Segment, ...]:
    return tuple(Segment(horizon.at(a), horizon.at(b), act) for a, b, act in shift.minute_segments())


def agent_segments(result: ScheduleResult, horizon: Horizon, agent_id: AgentId) -> tuple[Segment, ...]:
    """One agent's published schedule, in time order."""
    shifts = sorted(result.agent_shifts(agent_id), key=lambda s: s.start)
    return tuple(seg for shift in shifts for seg in shift_segments(shift, horizon))


def build_result(
    problem: SchedulingProblem, status: str, solve_seconds: float, shifts: tuple[ScheduledShift, ...]
) -> ScheduleResult:
    """Coverage and totals of a set of shifts; also for a schedule a planner edited by hand."""
    horizon = problem.horizon
    width = horizon.interval_minutes
    minutes: dict[tuple[str, int], int] = defaultdict(int)
    for shift in shifts:
        for start, end, activity in shift.minute_segments():
            if activity is Activity.SHIFT:
                for i, m in overlap(start, end, width):
                    minutes[shift.skill, i] += m
    coverage: list[IntervalCoverage] = []
    for req in problem.requirements:
        for i, required in enumerate(req.agents):
            scheduled = minutes[req.skill, i] / width
            coverage.append(
                IntervalCoverage(
                    skill=req.skill,
                    interval=i,
                    start=horizon.at(i * width),
                    required=required,
                    scheduled=scheduled,
                    shortfall=max(0.0, required - scheduled),
                    surplus=max(0.0, scheduled - required),
                )
            )
    hours = width / 60
    weekend_days: dict[AgentId, int] = defaultdict(int)
    for shift in shifts:
        if horizon.is_weekend(shift.day, problem.fairness.weekend_weekdays):
            weekend_days[shift.agent_id] += 1
    return ScheduleResult(
        status=status,
        solve_seconds=solve_seconds,
        shifts=tuple(sorted(shifts, key=lambda s: (s.agent_id, s.start))),
        coverage=tuple(coverage),
        required_agent_hours=sum(c.required for c in coverage) * hours,
        shortfall_agent_hours=sum(c.shortfall for c in coverage) * hours,
        surplus_agent_hours=sum(c.surplus for c in coverage) * hours,
        paid_hours=sum(s.paid_minutes for s in shifts) / 60,
        max_weekend_days=max(weekend_days.values(), default=0),
    )
