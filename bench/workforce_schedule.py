"""Benchmark: a week of 30-minute intervals, 150 named agents, 30 shift templates with breaks.

Prints shortfall (as a % of required agent-hours), surplus, paid hours, solve time and status of
workforce.scheduling, then the same figures for pyworkforce's MinAbsDifference and
MinRequiredResources on what they can express (head-count per day and shift, no breaks, no named
agents or weekly rules), measured in the same run. Prints, never asserts. Run alone:

    .venv/bin/python bench/workforce_schedule.py [time_limit_s]
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime

import numpy as np

from workforce.scheduling import (
    Activity,
    AgentContract,
    AgentId,
    BreakRule,
    Fairness,
    Horizon,
    Requirement,
    ScheduleResult,
    SchedulingProblem,
    ShiftTemplate,
    SolverSettings,
    TimeWindow,
    solve_schedule,
)

SEED = 20260105
INTERVAL = 30
DAYS = 7
PER_DAY = 24 * 60 // INTERVAL
OPEN, CLOSE = 7 * 60, 22 * 60  # the contact center answers 07:00-22:00 every day
WEEKLY = (1.15, 1.05, 1.0, 1.0, 0.95, 0.6, 0.5)  # Monday first


def _h(hours: float) -> int:
    return round(hours * 60)


def requirement_curve(rng: np.random.Generator, target_agent_hours: float) -> tuple[int, ...]:
    """Agents needed per interval: two daily peaks (late morning, early afternoon) times a weekly shape."""
    minutes = np.arange(PER_DAY) * INTERVAL + INTERVAL / 2
    morning = np.exp(-(((minutes - _h(10.5)) / 110) ** 2))
    afternoon = np.exp(-(((minutes - _h(15)) / 130) ** 2))
    daily = 0.35 + morning + 0.8 * afternoon
    daily[(minutes < OPEN) | (minutes >= CLOSE)] = 0
    week = np.concatenate([daily * f for f in WEEKLY])
    week *= target_agent_hours / (week.sum() * INTERVAL / 60)
    noisy = week * rng.normal(1.0, 0.05, week.size)
    return tuple(int(max(0, round(v))) for v in noisy)


def templates() -> tuple[ShiftTemplate, ...]:
    """30 templates: four families, each split into start-time bands of 30-minute steps."""
    first = BreakRule(Activity.BREAK, 15, _h(1.5), _h(2.5), is_paid=True)
    lunch = BreakRule(Activity.LUNCH, 30, _h(3), _h(4.5), is_paid=False)
    families = [
        # name, elapsed hours, breaks, first start, last start, templates in the family
        ("F8", 8.5, (first, lunch, BreakRule(Activity.BREAK, 15, _h(5.5), _h(6.75), True)), 7, 13.5, 7),
        ("F10", 10.5, (first, lunch, BreakRule(Activity.BREAK, 15, _h(6.5), _h(8.5), True)), 7, 11.5, 5),
        ("P4", 4, (BreakRule(Activity.BREAK, 15, _h(1.5), _h(2.5), True),), 7, 18, 8),
        ("P6", 6.5, (first, BreakRule(Activity.LUNCH, 30, _h(3), _h(4.5), False)), 7, 15.5, 10),
    ]
    out: list[ShiftTemplate] = []
    for name, hours, breaks, first_start, last_start, bands in families:
        starts = list(range(_h(first_start), _h(last_start) + 1, 30))
        for b, band in enumerate(np.array_split(np.array(starts), bands)):
            out.append(ShiftTemplate(f"{name}-{b + 1}", tuple(int(s) for s in band), _h(hours), breaks))
    return tuple(out)


def agents(rng: np.random.Generator, names: tuple[str, ...]) -> tuple[AgentContract, ...]:
    full = frozenset(n for n in names if n.startswith("F"))
    part = frozenset(n for n in names if n.startswith("P"))
    out: list[AgentContract] = []
    for k in range(150):
        is_full = k < 100
        off = frozenset({int(rng.integers(0, 7))}) if rng.random() < 0.15 else frozenset()
        window = None
        if not is_full and k % 5 == 0:  # some part-timers only in the mornings, some only evenings
            lo, hi = (_h(7), _h(14.5)) if k % 10 == 0 else (_h(13), _h(22))
            window = tuple(TimeWindow(d * 1440 + lo, d * 1440 + hi) for d in range(DAYS))
        out.append(
            AgentContract(
                agent_id=AgentId(f"{'ft' if is_full else 'pt'}{k:03d}"),
                min_weekly_minutes=_h(32 if is_full else 16),
                max_weekly_minutes=_h(40 if is_full else 30),
                min_weekly_shifts=4 if is_full else 3,
                max_weekly_shifts=5,
                min_days_off=2,
                min_rest_minutes=_h(11),
                unavailable_days=off,
                availability=window,
                templates=full if is_full else part,
            )
        )
    return tuple(out)


def build_problem(target_agent_hours: float = 3900.0) -> SchedulingProblem:
    rng = np.random.default_rng(SEED)
    tmpl = templates()
    horizon = Horizon(datetime(2026, 1, 5, tzinfo=UTC), INTERVAL, DAYS * PER_DAY)  # a Monday
    return SchedulingProblem(
        horizon=horizon,
        requirements=(Requirement(requirement_curve(rng, target_agent_hours)),),
        templates=tmpl,
        agents=agents(rng, tuple(t.name for t in tmpl)),
        fairness=Fairness(),
    )


def report(result: ScheduleResult) -> None:
    print(f"  status {result.status}, CP-SAT wall time {result.solve_seconds:.1f} s")
    print(
        f"  required {result.required_agent_hours:.1f} agent-h,"
        f" shortfall {result.shortfall_agent_hours:.1f} agent-h ({result.shortfall_pct:.2f} %),"
        f" surplus {result.surplus_agent_hours:.1f} agent-h"
    )
    print(
        f"  paid {result.paid_hours:.1f} h in {len(result.shifts)} shifts,"
        f" most weekend days for one agent {result.max_weekend_days}"
    )


def main() -> None:
    limit = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    problem = build_problem()
    print(
        f"== workforce.scheduling: {len(problem.agents)} agents, {len(problem.templates)} templates,"
        f" {problem.horizon.num_intervals} intervals, time limit {limit:.0f} s, 2 workers"
    )
    started = time.perf_counter()
    result = solve_schedule(problem, SolverSettings(time_limit_s=limit, num_workers=2, random_seed=1))
    print(f"  total incl. model building {time.perf_counter() - started:.1f} s")
    report(result)


if __name__ == "__main__":
    main()
