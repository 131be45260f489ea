"""Inputs of shift scheduling: the horizon, requirements, shift templates and agent contracts.

Everything here is plain data, checked on construction, so the solver can trust it. Times inside a
horizon are minutes of elapsed time from the horizon start (not wall-clock time), which keeps a week
that crosses a daylight-saving change a fixed number of intervals long; a "day" is a block of 24 hours
of elapsed time from the start. See docs/scheduling.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import NewType

AgentId = NewType("AgentId", str)

MINUTES_PER_DAY = 24 * 60
DEFAULT_SKILL = "default"


class Activity(StrEnum):
    SHIFT = "shift"
    BREAK = "break"
    LUNCH = "lunch"


@dataclass(frozen=True, slots=True)
class Horizon:
    """`num_intervals` intervals of `interval_minutes`, from a time-zone aware `start`."""

    start: datetime
    interval_minutes: int
    num_intervals: int

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.start.utcoffset() is None:
            raise ValueError("horizon start must be time-zone aware")
        if self.interval_minutes <= 0 or MINUTES_PER_DAY % self.interval_minutes:
            raise ValueError("interval_minutes must divide a day")
        if self.num_intervals <= 0:
            raise ValueError("num_intervals must be positive")

    @property
    def minutes(self) -> int:
        return self.interval_minutes * self.num_intervals

    @property
    def num_days(self) -> int:
        return -(-self.minutes // MINUTES_PER_DAY)

    @property
    def intervals_per_day(self) -> int:
        return MINUTES_PER_DAY // self.interval_minutes

    def at(self, minute: int) -> datetime:
        """The instant `minute` elapsed minutes after the start, in the start's time zone."""
        utc = self.start.astimezone(UTC) + timedelta(minutes=minute)
        return utc.astimezone(self.start.tzinfo)

    def day_date(self, day: int) -> date:
        return self.at(day * MINUTES_PER_DAY).date()

    def is_weekend(self, day: int, weekend_weekdays: frozenset[int]) -> bool:
        # Noon of the day decides, so a daylight-saving hour cannot move the day across midnight.
        return self.at(day * MINUTES_PER_DAY + MINUTES_PER_DAY // 2).weekday() in weekend_weekdays


@dataclass(frozen=True, slots=True)
class BreakRule:
    """A break inside a shift, which may start anywhere from `earliest_start` to `latest_start`
    minutes after the shift start; the solver chooses where."""

    activity: Activity
    minutes: int
    earliest_start: int
    latest_start: int
    is_paid: bool

    def __post_init__(self) -> None:
        if self.activity is Activity.SHIFT:
            raise ValueError("a break is a break or a lunch")
        if self.minutes <= 0 or not 0 < self.earliest_start <= self.latest_start:
            raise ValueError("a break needs a positive length and a window inside the shift")


@dataclass(frozen=True, slots=True)
class ShiftTemplate:
    """A shift of `minutes` elapsed time (breaks included) starting at any of `start_times`
    (minutes after the day start). Break windows must follow each other without overlapping, so
    that any choice of positions gives a valid shift; a shift may end after midnight."""

    name: str
    start_times: tuple[int, ...]
    minutes: int
    breaks: tuple[BreakRule, ...] = ()

    def __post_init__(self) -> None:
        if not self.start_times or any(not 0 <= s < MINUTES_PER_DAY for s in self.start_times):
            raise ValueError(f"template {self.name}: start times must lie in the day")
        if not 0 < self.minutes <= MINUTES_PER_DAY:
            raise ValueError(f"template {self.name}: length must be within a day")
        previous_end = 0
        for rule in self.breaks:
            if rule.earliest_start < previous_end:
                raise ValueError(f"template {self.name}: break windows overlap or are out of order")
            previous_end = rule.latest_start + rule.minutes
        if previous_end >= self.minutes:
            raise ValueError(f"template {self.name}: breaks must end before the shift does")

    @property
    def paid_minutes(self) -> int:
        return self.minutes - sum(r.minutes for r in self.breaks if not r.is_paid)


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """Minutes [start, end) of elapsed time from the horizon start."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a time window must end after it starts")

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end


@dataclass(frozen=True, slots=True)
class AgentContract:
    """What one named agent may work. Weekly limits apply to each 7-day block from the horizon
    start; minimums are enforced only on complete weeks, as a partial week cannot honour them."""

    agent_id: AgentId
    skills: frozenset[str] = frozenset({DEFAULT_SKILL})
    min_weekly_minutes: int = 0
    max_weekly_minutes: int = 40 * 60
    min_weekly_shifts: int = 0
    max_weekly_shifts: int = 7
    min_days_off: int = 0
    min_rest_minutes: int = 0
    unavailable_days: frozenset[int] = frozenset()
    # None: available whenever not on an unavailable day; otherwise a shift must fit in one window.
    availability: tuple[TimeWindow, ...] | None = None
    # None: every template; otherwise only these template names.
    templates: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.min_weekly_minutes <= self.max_weekly_minutes:
            raise ValueError(f"agent {self.agent_id}: weekly minutes out of order")
        if not 0 <= self.min_weekly_shifts <= self.max_weekly_shifts:
            raise ValueError(f"agent {self.agent_id}: weekly shifts out of order")
        if not 0 <= self.min_days_off <= 7 or self.min_rest_minutes < 0:
            raise ValueError(f"agent {self.agent_id}: days off or rest out of range")


@dataclass(frozen=True, slots=True)
class Requirement:
    """Agents needed in each interval of the horizon for one skill group."""

    agents: tuple[int, ...]
    skill: str = DEFAULT_SKILL

    def __post_init__(self) -> None:
        if any(n < 0 for n in self.agents):
            raise ValueError(f"requirement {self.skill}: agents needed cannot be negative")


@dataclass(frozen=True, slots=True)
class Fairness:
    """Spread weekend work: the solver minimises the most weekend days any one agent works, after
    under-staffing, over-staffing and cost (weekdays use Monday = 0)."""

    weekend_weekdays: frozenset[int] = frozenset({5, 6})
    is_enabled: bool = True


@dataclass(frozen=True, slots=True)
class SolverSettings:
    time_limit_s: float = 60.0
    num_workers: int = 2
    random_seed: int = 0
    # Share of the time limit the first (under-staffing) stage may use before the second stage starts.
    first_stage_share: float = 0.5
    use_greedy_hint: bool = True


@dataclass(frozen=True, slots=True)
class SchedulingProblem:
    horizon: Horizon
    requirements: tuple[Requirement, ...]
    templates: tuple[ShiftTemplate, ...]
    agents: tuple[AgentContract, ...]
    fairness: Fairness = field(default_factory=Fairness)

    def __post_init__(self) -> None:
        skills = [r.skill for r in self.requirements]
        if len(set(skills)) != len(skills):
            raise ValueError("one requirement per skill group")
        if any(len(r.agents) != self.horizon.num_intervals for r in self.requirements):
            raise ValueError("each requirement needs one figure per interval")
        names = [t.name for t in self.templates]
        if len(set(names)) != len(names):
            raise ValueError("template names must be unique")
        ids = [a.agent_id for a in self.agents]
        if len(set(ids)) != len(ids):
            raise ValueError("agent ids must be unique")
