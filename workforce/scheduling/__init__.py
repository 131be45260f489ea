"""Shift scheduling for workforce management: named agents, shift templates with breaks, weekly
contracts and weekend fairness, solved with CP-SAT; schedule export (CSV, iCalendar) and adherence.

Pure maths: no I/O and no clock; the time limit and random seed are arguments. Design and figures in
docs/scheduling.md.
"""

from __future__ import annotations

from workforce.scheduling.adherence import (
    BREAK_STATES,
    WORKING_STATES,
    AgentAdherence,
    IntervalAdherence,
    PresenceRecord,
    PresenceState,
    adherence_report,
)
from workforce.scheduling.export import schedule_csv, schedule_icalendar
from workforce.scheduling.model import (
    Activity,
    AgentContract,
    AgentId,
    BreakRule,
    Fairness,
    Horizon,
    Requirement,
    SchedulingProblem,
    ShiftTemplate,
    SolverSettings,
    TimeWindow,
)
from workforce.scheduling.result import (
    IntervalCoverage,
    PlacedBreak,
    ScheduledShift,
    ScheduleResult,
    Segment,
    agent_segments,
    build_result,
    shift_segments,
)
from workforce.scheduling.solve import solve_schedule

__all__ = [
    "BREAK_STATES",
    "WORKING_STATES",
    "Activity",
    "AgentAdherence",
    "AgentContract",
    "AgentId",
    "BreakRule",
    "Fairness",
    "Horizon",
    "IntervalAdherence",
    "IntervalCoverage",
    "PlacedBreak",
    "PresenceRecord",
    "PresenceState",
    "Requirement",
    "ScheduleResult",
    "ScheduledShift",
    "SchedulingProblem",
    "Segment",
    "ShiftTemplate",
    "SolverSettings",
    "TimeWindow",
    "adherence_report",
    "agent_segments",
    "build_result",
    "schedule_csv",
    "schedule_icalendar",
    "shift_segments",
    "solve_schedule",
]
