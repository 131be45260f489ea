"""Solve a scheduling problem in two lexicographic stages and read the schedule back.

Stage one minimises under-staffing alone. Stage two keeps under-staffing at most what stage one
found and minimises over-staffing, then paid hours, then the weekend-fairness bound, with weights
large enough that each level dominates the next (cpsat.build_model). Two stages keep the weights of
the second one small enough for CP-SAT's linear relaxation, and stage one often proves its optimum
(zero shortfall) at once, leaving the time to stage two. Each stage starts from the previous
solution (stage one from a greedy schedule). Solve time is CP-SAT's reported wall time: no clock is
read here.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ortools.sat.python import cp_model

from workforce.scheduling.cpsat import ScheduleModel, Var, build_model
from workforce.scheduling.greedy import Pick, greedy_picks
from workforce.scheduling.model import AgentId, SchedulingProblem, SolverSettings
from workforce.scheduling.options import BreakChoice
from workforce.scheduling.result import PlacedBreak, ScheduledShift, ScheduleResult, build_result

_SOLVED = (cp_model.OPTIMAL, cp_model.FEASIBLE)
_MIN_STAGE_SECONDS = 0.05
_WASTE_WEIGHTS = (0, 1, 2, 3)


def solve_schedule(problem: SchedulingProblem, settings: SolverSettings | None = None) -> ScheduleResult:
    """Schedule the named agents against the requirement; see docs/scheduling.md for the model."""
    settings = settings or SolverSettings()
    sm = build_model(problem)
    if settings.use_greedy_hint:
        _hint(sm, _best_greedy(problem, sm))

    sm.model.minimize(sm.under_total)
    first = _solver(settings, settings.time_limit_s * settings.first_stage_share)
    status = first.solve(sm.model)
    seconds = float(first.wall_time)
    if status not in _SOLVED:
        return build_result(problem, first.status_name(status), seconds, ())
    shifts = _read_shifts(problem, sm, first)
    remaining = settings.time_limit_s - seconds
    if remaining < _MIN_STAGE_SECONDS:
        return build_result(problem, "FEASIBLE", seconds, shifts)

    _hint(sm, {v.index: int(first.value(v)) for v in sm.all_vars()})
    sm.model.add(sm.under_total <= int(first.value(sm.under_total)))
    sm.model.minimize(sm.second_stage)
    second = _solver(settings, remaining)
    second_status = second.solve(sm.model)
    seconds += float(second.wall_time)
    if second_status not in _SOLVED:
        return build_result(problem, "FEASIBLE", seconds, shifts)
    is_optimal = status == cp_model.OPTIMAL and second_status == cp_model.OPTIMAL
    return build_result(
        problem, "OPTIMAL" if is_optimal else "FEASIBLE", seconds, _read_shifts(problem, sm, second)
    )


def _best_greedy(problem: SchedulingProblem, sm: ScheduleModel) -> dict[int, int]:
    """The greedy is cheap, and which surplus weight suits depends on the instance: try a few and
    keep the best by the solver's own order (under-staffing, then the second-stage objective)."""
    candidates = [_values_from_picks(problem, sm, greedy_picks(problem, sm, w)) for w in _WASTE_WEIGHTS]
    return min(candidates, key=lambda values: _score(sm, values))


def _score(sm: ScheduleModel, values: dict[int, int]) -> tuple[int, int]:
    under = sum(values[r.under.index] for r in sm.rows)
    over = sum(values[r.over.index] for r in sm.rows)
    paid = sum(c.option.paid_minutes * values[c.var.index] for cs in sm.choices.values() for c in cs)
    return under, over * (1 << 40) + paid


def _solver(settings: SolverSettings, seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, _MIN_STAGE_SECONDS)
    solver.parameters.num_workers = settings.num_workers
    solver.parameters.random_seed = settings.random_seed
    return solver


def _hint(sm: ScheduleModel, values: dict[int, int]) -> None:
    sm.model.clear_hints()
    for var in sm.all_vars():
        if var.index in values:
            sm.model.add_hint(var, values[var.index])


def _read_shifts(problem: SchedulingProblem, sm: ScheduleModel, solver: Any) -> tuple[ScheduledShift, ...]:
    """Turn chosen options into shifts, handing each option's break positions out to its agents."""
    chosen: dict[tuple[int, str], list[AgentId]] = defaultdict(list)
    for aid, choices in sm.choices.items():
        for c in choices:
            if solver.boolean_value(c.var):
                chosen[c.option.index, c.skill].append(aid)
    shifts: list[ScheduledShift] = []
    for (index, skill), agents in chosen.items():
        option = sm.options[index]
        template = problem.templates[option.template]
        per_rule = [
            _expand(sm.breaks[index, skill, r], solver, len(agents)) for r in range(len(template.breaks))
        ]
        for k, aid in enumerate(sorted(agents)):
            breaks = tuple(
                PlacedBreak(
                    rule.activity,
                    option.start + per_rule[r][k].offset,
                    option.start + per_rule[r][k].offset + rule.minutes,
                    rule.is_paid,
                )
                for r, rule in enumerate(template.breaks)
            )
            shifts.append(
                ScheduledShift(
                    aid,
                    option.day,
                    template.name,
                    skill,
                    option.start,
                    option.end,
                    option.paid_minutes,
                    breaks,
                )
            )
    return tuple(shifts)


def _expand(positions: list[tuple[BreakChoice, Var]], solver: Any, count: int) -> list[BreakChoice]:
    if len(positions) == 1:
        return [positions[0][0]] * count
    return [choice for choice, var in positions for _ in range(int(solver.value(var)))]


def _values_from_picks(
    problem: SchedulingProblem, sm: ScheduleModel, picks: dict[AgentId, list[Pick]]
) -> dict[int, int]:
    """Complete solver values for a greedy schedule, so the hint is a whole assignment."""
    values: dict[int, int] = {}
    picked: set[int] = set()
    counts: dict[tuple[int, str], int] = defaultdict(int)
    positions: dict[tuple[int, str, int, int], int] = defaultdict(int)
    days: dict[AgentId, set[int]] = defaultdict(set)
    for aid, agent_picks in picks.items():
        for choice, breaks in agent_picks:
            picked.add(choice.var.index)
            counts[choice.option.index, choice.skill] += 1
            days[aid].add(choice.option.day)
            for r, j in enumerate(breaks):
                positions[choice.option.index, choice.skill, r, j] += 1
    for choices in sm.choices.values():
        for c in choices:
            values[c.var.index] = int(c.var.index in picked)
    for (aid, day), var in sm.worked.items():
        values[var.index] = int(day in days[aid])
    for key, var in sm.counts.items():
        values[var.index] = counts[key]
    for (index, skill, r), options in sm.breaks.items():
        if len(options) > 1:
            for j, (_, var) in enumerate(options):
                values[var.index] = positions[index, skill, r, j]
    for row in sm.rows:
        covered = sum(coeff * values[v.index] for v, coeff in row.terms)
        values[row.under.index] = max(0, row.required - covered)
        values[row.over.index] = max(0, covered - row.required)
    if sm.max_weekend is not None:
        weekend = set(sm.weekend_days)
        values[sm.max_weekend.index] = max((len(d & weekend) for d in days.values()), default=0)
    return values
