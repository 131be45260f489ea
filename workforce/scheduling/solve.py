"""Solve a scheduling problem in two lexicographic stages and read the schedule back.

Stage one minimises under-staffing alone, priced deeper the more of an interval's agents are
missing (cpsat._add_deep_shortfall). Stage two keeps that price at most what stage one found and
minimises over-staffing, then paid hours, then the weekend-fairness bound, with weights large enough
that each level dominates the next (cpsat.build_model). Two stages keep the weights of the second one
small, and stage one often proves its optimum (zero shortfall) at once, leaving the time to stage
two. The search starts from the best of a few greedy schedules (greedy.py), and stage two from stage
one's solution. Solve time is CP-SAT's reported wall time, summed: no clock is read here.

A caller that shows progress passes `progress(fraction, stage)`: it is called, from the thread that
solves, when a stage starts and on each better solution, with the share of the time limit used
so far (CP-SAT's own wall time again) and a short text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from workforce.scheduling.cpsat import Choice, ScheduleModel, Var, build_model
from workforce.scheduling.greedy import Pick, greedy_picks, meets_minimums
from workforce.scheduling.model import AgentId, SchedulingProblem, SolverSettings
from workforce.scheduling.options import BreakChoice
from workforce.scheduling.result import PlacedBreak, ScheduledShift, ScheduleResult, build_result

_MIN_STAGE_SECONDS = 0.05
_WASTE_WEIGHTS = (1, 2, 3)
# Progress shares: building the model and the greedy start, then the solver's time limit.
_SEARCH_STARTS = 0.1

Progress = Callable[[float, str], None]


def _no_progress(fraction: float, stage: str) -> None:
    return None


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Reports each better solution of one stage as a share of the whole time limit."""

    def __init__(self, progress: Progress, stage: str, before_s: float, budget_s: float) -> None:
        super().__init__()
        self._progress, self._stage, self._before_s, self._budget_s = progress, stage, before_s, budget_s

    def on_solution_callback(self) -> None:
        used = (self._before_s + float(self.wall_time)) / max(self._budget_s, 1e-9)
        self._progress(_SEARCH_STARTS + (1 - _SEARCH_STARTS) * min(used, 1.0), self._stage)


@dataclass(frozen=True, slots=True)
class _Outcome:
    status: str
    values: dict[int, int]  # variable index -> value; empty without a solution
    seconds: float


def solve_schedule(
    problem: SchedulingProblem, settings: SolverSettings | None = None, progress: Progress | None = None
) -> ScheduleResult:
    """Schedule the named agents against the requirement; see docs/scheduling.md for the model."""
    settings = settings or SolverSettings()
    report = progress or _no_progress
    report(0.0, "building the model")
    sm = build_model(problem)
    report(_SEARCH_STARTS / 2, "finding a first schedule")
    start: dict[int, int] = {}
    if settings.use_greedy_hint:
        # The greedy is cheap and which surplus weight suits depends on the instance: try a few,
        # keep the best by the solver's own order. It obeys every rule by construction except the
        # minimums it may fail to reach; when it reaches them it is a schedule in its own right.
        runs = [greedy_picks(problem, sm, w) for w in _WASTE_WEIGHTS]
        starts = [(_values_from_picks(sm, picks), meets_minimums(problem, picks)) for picks in runs]
        values, is_valid = min(starts, key=lambda s: (not s[1], _score(sm, s[0])))
        start = values if is_valid else {}
        _hint(sm, values)
    outcome = _lexicographic(sm, settings, start, report)
    report(1.0, "schedule found" if outcome.values or start else "no schedule found")
    if outcome.values:
        return build_result(
            problem, outcome.status, outcome.seconds, _read_shifts(problem, sm, outcome.values)
        )
    if start:  # the solver ran out of time before its first solution (a big model on a busy machine)
        return build_result(problem, "FEASIBLE", outcome.seconds, _read_shifts(problem, sm, start))
    return build_result(problem, outcome.status, outcome.seconds, ())


def _lexicographic(
    sm: ScheduleModel, settings: SolverSettings, start: dict[int, int], report: Progress
) -> _Outcome:
    seconds, budget = 0.0, settings.time_limit_s
    if start and _score(sm, start)[0] == 0:
        # No shortfall already: stage one has nothing to prove, so stage two gets all the time.
        status, values = cp_model.OPTIMAL, start
    else:
        sm.model.minimize(sm.shortfall_cost)
        first = _solver(settings, budget * settings.first_stage_share)
        stage = "reducing the shortfall"
        report(_SEARCH_STARTS, stage)
        status = first.solve(sm.model, _Reporter(report, stage, 0.0, budget))
        seconds = float(first.wall_time)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _Outcome(first.status_name(status), {}, seconds)
        values = {v.index: int(first.value(v)) for v in sm.all_vars()}
        _hint(sm, values)
    remaining = budget - seconds
    if remaining < _MIN_STAGE_SECONDS:
        return _Outcome("FEASIBLE", values, seconds)
    sm.model.add(sm.shortfall_cost <= _shortfall_cost(sm, values))
    sm.model.minimize(sm.second_stage)
    second = _solver(settings, remaining)
    stage = "reducing surplus and paid hours"
    report(_SEARCH_STARTS + (1 - _SEARCH_STARTS) * seconds / budget, stage)
    second_status = second.solve(sm.model, _Reporter(report, stage, seconds, budget))
    seconds += float(second.wall_time)
    if second_status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _Outcome("FEASIBLE", values, seconds)
    values = {v.index: int(second.value(v)) for v in sm.all_vars()}
    is_optimal = status == cp_model.OPTIMAL and second_status == cp_model.OPTIMAL
    return _Outcome("OPTIMAL" if is_optimal else "FEASIBLE", values, seconds)


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


def _shortfall_cost(sm: ScheduleModel, values: dict[int, int]) -> int:
    """Stage one's objective for a solution."""
    return sum(
        values[r.under.index] + sum(weight * values[v.index] for v, _, weight in r.deep) for r in sm.rows
    )


def _score(sm: ScheduleModel, values: dict[int, int]) -> tuple[int, int, int]:
    """A schedule's objective levels, in the solver's order."""
    under = sum(values[r.under.index] for r in sm.rows)
    over = sum(values[r.over.index] for r in sm.rows)
    paid = sum(c.option.paid_minutes * values[c.var.index] for cs in sm.choices.values() for c in cs)
    return under, over, paid


def _picks_from_values(sm: ScheduleModel, values: dict[int, int]) -> dict[AgentId, list[Pick]]:
    picks: dict[AgentId, list[Pick]] = defaultdict(list)
    for (index, skill), agents in _chosen(sm, values).items():
        rules = sm.options[index].break_choices
        per_rule = [_expand(sm.breaks[index, skill, r], values, len(agents)) for r in range(len(rules))]
        for k, choice in enumerate(agents):
            picks[choice.agent_id].append(
                (choice, tuple(rules[r].index(per_rule[r][k]) for r in range(len(rules))))
            )
    return dict(picks)


def _read_shifts(
    problem: SchedulingProblem, sm: ScheduleModel, values: dict[int, int]
) -> tuple[ScheduledShift, ...]:
    """Turn chosen options into shifts, handing each option's break positions out to its agents."""
    shifts: list[ScheduledShift] = []
    for aid, picks in _picks_from_values(sm, values).items():
        for choice, positions in picks:
            option = choice.option
            template = problem.templates[option.template]
            breaks = tuple(
                PlacedBreak(
                    rule.activity,
                    option.start + option.break_choices[r][j].offset,
                    option.start + option.break_choices[r][j].offset + rule.minutes,
                    rule.is_paid,
                )
                for r, (rule, j) in enumerate(zip(template.breaks, positions, strict=True))
            )
            shifts.append(
                ScheduledShift(
                    aid,
                    option.day,
                    template.name,
                    choice.skill,
                    option.start,
                    option.end,
                    option.paid_minutes,
                    breaks,
                )
            )
    return tuple(shifts)


def _chosen(sm: ScheduleModel, values: dict[int, int]) -> dict[tuple[int, str], list[Choice]]:
    chosen: dict[tuple[int, str], list[Choice]] = defaultdict(list)
    for aid in sorted(sm.choices):
        for c in sm.choices[aid]:
            chosen[c.option.index, c.skill] += [c] * values.get(c.var.index, 0)
    return chosen


def _expand(
    positions: list[tuple[BreakChoice, Var]], values: dict[int, int], count: int
) -> list[BreakChoice]:
    if len(positions) == 1:
        return [positions[0][0]] * count
    return [choice for choice, var in positions for _ in range(values.get(var.index, 0))]


def _values_from_picks(sm: ScheduleModel, picks: dict[AgentId, list[Pick]]) -> dict[int, int]:
    """Complete solver values for a schedule given as picks, so a hint is a whole assignment."""
    values: dict[int, int] = defaultdict(int)
    days: dict[AgentId, list[int]] = defaultdict(list)
    for aid, agent_picks in picks.items():
        for choice, breaks in agent_picks:
            values[choice.var.index] += 1
            values[sm.counts[choice.option.index, choice.skill].index] += 1
            days[aid].append(choice.option.day)
            values[sm.worked[aid, choice.option.day].index] += 1
            for r, j in enumerate(breaks):
                positions = sm.breaks[choice.option.index, choice.skill, r]
                if len(positions) > 1:
                    values[positions[j][1].index] += 1
    for row in sm.rows:
        covered = sum(coeff * values[v.index] for v, coeff in row.terms)
        values[row.under.index] = max(0, row.required - covered)
        values[row.over.index] = max(0, covered - row.required)
        for var, threshold, _ in row.deep:
            values[var.index] = max(0, values[row.under.index] - threshold)
    if sm.max_weekend is not None:
        weekend = set(sm.weekend_days)
        values[sm.max_weekend.index] = max((len(set(d) & weekend) for d in days.values()), default=0)
    return {v.index: values[v.index] for v in sm.all_vars()}
