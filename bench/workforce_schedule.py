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
from typing import Any

import numpy as np

from workforce.scheduling import (
    Activity,
    AgentContract,
    AgentId,
    BreakRule,
    Fairness,
    Horizon,
    PlacedBreak,
    Requirement,
    ScheduledShift,
    ScheduleResult,
    SchedulingProblem,
    ShiftTemplate,
    SolverSettings,
    TimeWindow,
    build_result,
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


def report(result: ScheduleResult, has_named_agents: bool = True) -> None:
    print(f"  status {result.status}, CP-SAT wall time {result.solve_seconds:.1f} s")
    print(
        f"  required {result.required_agent_hours:.1f} agent-h,"
        f" shortfall {result.shortfall_agent_hours:.1f} agent-h ({result.shortfall_pct:.2f} %),"
        f" surplus {result.surplus_agent_hours:.1f} agent-h"
    )
    weekend = f", most weekend days for one agent {result.max_weekend_days}" if has_named_agents else ""
    print(f"  paid {result.paid_hours:.1f} h in {len(result.shifts)} shifts{weekend}")


def shift_types(problem: SchedulingProblem) -> dict[str, tuple[ShiftTemplate, int]]:
    """Every (template, start) as one pyworkforce shift type: what its model can name."""
    return {f"{t.name}@{s // 60:02d}{s % 60:02d}": (t, s) for t in problem.templates for s in t.start_times}


def baseline_result(
    problem: SchedulingProblem, heads: list[dict[str, Any]], status: str, seconds: float, with_breaks: bool
) -> ScheduleResult:
    """Score pyworkforce's head-counts with our coverage rules, as anonymous agents.

    With breaks, the heads of one shift type take their breaks staggered across each window, as a
    planner would do by hand afterwards; without, coverage is what pyworkforce itself assumes."""
    types = shift_types(problem)
    shifts: list[ScheduledShift] = []
    for row in heads:
        template, start_time = types[row["shift"]]
        start = row["day"] * 1440 + start_time
        for k in range(row["resources"]):
            breaks = tuple(
                PlacedBreak(
                    rule.activity,
                    start + (at := _staggered(rule, k)),
                    start + at + rule.minutes,
                    rule.is_paid,
                )
                for rule in template.breaks
                if with_breaks
            )
            unpaid = sum(r.minutes for r in template.breaks if not r.is_paid)
            shifts.append(
                ScheduledShift(
                    AgentId(f"{row['shift']}#{row['day']}#{k}"),
                    row["day"],
                    template.name,
                    "default",
                    start,
                    start + template.minutes,
                    template.minutes - unpaid,
                    breaks,
                )
            )
    return build_result(problem, status, seconds, tuple(shifts))


def _staggered(rule: BreakRule, k: int) -> int:
    slots = (rule.latest_start - rule.earliest_start) // 15 + 1
    return rule.earliest_start + 15 * (k % slots)


def run_pyworkforce(problem: SchedulingProblem, limit: float) -> None:
    from pyworkforce.scheduling import MinAbsDifference, MinRequiredResources

    types = shift_types(problem)
    coverage = {
        name: [int(s <= i * INTERVAL and (i + 1) * INTERVAL <= s + t.minutes) for i in range(PER_DAY)]
        for name, (t, s) in types.items()
    }
    need = problem.requirements[0].agents
    required = [list(need[d * PER_DAY : (d + 1) * PER_DAY]) for d in range(DAYS)]
    common = {
        "num_days": DAYS,
        "periods": PER_DAY,
        "shifts_coverage": coverage,
        "required_resources": required,
        "max_period_concurrency": len(problem.agents),
        "max_shift_concurrency": len(problem.agents),
        "max_search_time": limit,
        "num_search_workers": 2,
    }
    cost = {name: t.paid_minutes // 30 for name, (t, _) in types.items()}
    for label, scheduler in (
        ("MinAbsDifference", MinAbsDifference(**common)),
        ("MinRequiredResources (cost = paid half-hours)", MinRequiredResources(**common, cost_dict=cost)),
    ):
        started = time.perf_counter()
        solution = scheduler.solve()
        total = time.perf_counter() - started
        seconds = float(scheduler.solver.wall_time)
        heads = [r for r in solution["resources_shifts"] if r["resources"] > 0]
        print(f"== pyworkforce {label}: {len(types)} shift types, time limit {limit:.0f} s")
        print(f"  total incl. model building {total:.1f} s")
        if solution["status"] not in ("OPTIMAL", "FEASIBLE"):
            print(f"  status {solution['status']}: no schedule")
            continue
        print("  as pyworkforce sees it (nobody takes a break):")
        report(baseline_result(problem, heads, solution["status"], seconds, with_breaks=False), False)
        print("  once the template breaks are taken, staggered across their windows:")
        breaks = baseline_result(problem, heads, solution["status"], seconds, with_breaks=True)
        report(breaks, False)
        per_day = [sum(r["resources"] for r in heads if r["day"] == d) for d in range(DAYS)]
        capacity = sum(a.max_weekly_minutes for a in problem.agents) / 60
        minimum = sum(a.min_weekly_minutes for a in problem.agents) / 60
        most_shifts = sum(a.max_weekly_shifts for a in problem.agents)
        print(f"  shifts per day {per_day}: {sum(per_day)} shifts, {breaks.paid_hours:.0f} paid h; the")
        print(
            f"  contracts allow {most_shifts} shifts and {capacity:.0f} h but guarantee {minimum:.0f} h,"
            " and nobody checks who could work these"
        )


CANNOT_EXPRESS = """
What the baseline cannot express (so its figures are optimistic for a real roster):
  - breaks and lunches: its coverage counts every head on shift for the whole shift;
  - named agents: it returns head-counts per day and shift type, not who works them, so no weekly
    minimum or maximum hours or shifts, no days off, no rest between shifts, no availability windows
    or unavailable days, no restriction of part-timers to short templates, no skills;
  - shifts crossing midnight (a day is its own array of periods);
  - weekend fairness, and over-staffing against cost (MinAbsDifference weighs shortage and surplus
    alike; MinRequiredResources forbids any shortage, so it cannot report what a given staff can
    cover)."""


def main() -> None:
    limit = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    problem = build_problem()
    print(
        f"== workforce.scheduling: {len(problem.agents)} agents, {len(problem.templates)} templates,"
        f" {problem.horizon.num_intervals} intervals, time limit {limit:.0f} s, 2 workers"
    )
    started = time.perf_counter()
    result = solve_schedule(problem, SolverSettings(time_limit_s=limit, num_workers=2, random_seed=1))
    ours = time.perf_counter() - started
    print(f"  total incl. model building {ours:.1f} s")
    report(result)
    run_pyworkforce(problem, limit)
    print(CANNOT_EXPRESS)


if __name__ == "__main__":
    main()
