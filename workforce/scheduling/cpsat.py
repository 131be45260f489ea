"""The CP-SAT model of a weekly schedule, kept compact enough for 150 agents and 30 templates.

Per agent, day and eligible (shift option, skill group) one boolean says "works this shift". Breaks do
not get per-agent variables: agents on the same option are interchangeable for coverage, so the model
counts, per option and break rule, how many of them take the break at each distinct position, and
agents get positions only when the solution is read. Coverage per interval and skill group is then a
short linear expression over these counts, with an under- and an over-staffing slack. All times are
in units of the greatest common divisor of the durations (see options.time_unit).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from workforce.scheduling.model import AgentContract, AgentId, SchedulingProblem
from workforce.scheduling.options import BreakChoice, ShiftOption, agent_choices, shift_options, time_unit

Var = Any  # ortools ships no type information


@dataclass(slots=True)
class Choice:
    agent_id: AgentId
    option: ShiftOption
    skill: str
    var: Var


@dataclass(slots=True)
class CoverageRow:
    """sum(coeff * var) + under - over == required, for one skill group and interval.

    `deep` holds the shortfall past each of the row's thresholds (`_add_deep_shortfall`): the
    variable, the threshold in units, and the extra weight stage one gives it.
    """

    skill: str
    interval: int
    terms: list[tuple[Var, int]]
    required: int
    under: Var
    over: Var
    deep: list[tuple[Var, int, int]] = field(default_factory=list)


@dataclass(slots=True)
class ScheduleModel:
    model: Any  # cp_model.CpModel, whose annotations are partial
    unit: int
    options: tuple[ShiftOption, ...]
    choices: dict[AgentId, list[Choice]] = field(default_factory=dict)
    worked: dict[tuple[AgentId, int], Var] = field(default_factory=dict)
    counts: dict[tuple[int, str], Var] = field(default_factory=dict)
    count_bounds: dict[tuple[int, str], int] = field(default_factory=dict)
    # (option, skill, rule) -> (choice, count var); a single position reuses the count itself.
    breaks: dict[tuple[int, str, int], list[tuple[BreakChoice, Var]]] = field(default_factory=dict)
    rows: list[CoverageRow] = field(default_factory=list)
    max_weekend: Var | None = None
    weekend_days: tuple[int, ...] = ()
    shortfall_cost: Any = 0
    over_total: Any = 0
    paid_total: Any = 0
    second_stage: Any = 0

    def all_vars(self) -> list[Var]:
        found: list[Var] = [c.var for cs in self.choices.values() for c in cs]
        found += list(self.worked.values()) + list(self.counts.values())
        found += [v for bs in self.breaks.values() if len(bs) > 1 for _, v in bs]
        found += [v for r in self.rows for v in (r.under, r.over)]
        found += [v for r in self.rows for v, _, _ in r.deep]
        if self.max_weekend is not None:
            found.append(self.max_weekend)
        return found


def build_model(problem: SchedulingProblem) -> ScheduleModel:
    sm = ScheduleModel(model=cp_model.CpModel(), unit=time_unit(problem), options=shift_options(problem))
    paid_bounds = [_add_agent(problem, sm, agent) for agent in problem.agents]
    _add_counts_and_breaks(sm)
    _add_coverage(problem, sm)
    fair_max = _add_fairness(problem, sm)
    # Lexicographic by construction: one unit of over-staffing outweighs any cost and fairness change.
    paid_weight = fair_max + 1
    over_weight = paid_weight * sum(paid_bounds) + fair_max + 1
    paid_expr = sm.paid_total
    fairness = sm.max_weekend if sm.max_weekend is not None else 0
    sm.second_stage = over_weight * sm.over_total + paid_weight * paid_expr + fairness
    return sm


def _add_agent(problem: SchedulingProblem, sm: ScheduleModel, agent: AgentContract) -> int:
    """Add the agent's choices and weekly rules; return an upper bound of their paid units."""
    model, unit, aid = sm.model, sm.unit, agent.agent_id
    choices = [
        Choice(aid, option, skill, model.new_bool_var(f"x_{aid}_{option.index}_{skill}"))
        for option, skill in agent_choices(problem, agent, sm.options)
    ]
    sm.choices[aid] = choices
    by_day: dict[int, list[Choice]] = defaultdict(list)
    for c in choices:
        by_day[c.option.day].append(c)
    for day, day_choices in by_day.items():
        worked = model.new_bool_var(f"w_{aid}_{day}")
        model.add(cp_model.LinearExpr.sum([c.var for c in day_choices]) == worked)
        sm.worked[aid, day] = worked
    paid_bound = 0
    num_days = problem.horizon.num_days
    for week_start in range(0, num_days, 7):
        days = [d for d in range(week_start, min(week_start + 7, num_days)) if d in by_day]
        is_full = week_start + 7 <= num_days
        week = [c for d in days for c in by_day[d]]
        paid = _weighted(week, [c.option.paid_minutes // unit for c in week])
        shifts = cp_model.LinearExpr.sum([sm.worked[aid, d] for d in days])
        model.add(paid <= agent.max_weekly_minutes // unit)
        model.add(shifts <= agent.max_weekly_shifts)
        if is_full:
            model.add(paid >= -(-agent.min_weekly_minutes // unit))
            model.add(shifts >= agent.min_weekly_shifts)
            model.add(shifts <= 7 - agent.min_days_off)
        best_days = sorted((max(c.option.paid_minutes for c in by_day[d]) for d in days), reverse=True)
        paid_bound += min(agent.max_weekly_minutes // unit, sum(best_days) // unit)
    sm.paid_total = sm.paid_total + _weighted(choices, [c.option.paid_minutes // unit for c in choices])
    _add_rest(sm, agent, by_day)
    return paid_bound


def _add_rest(sm: ScheduleModel, agent: AgentContract, by_day: dict[int, list[Choice]]) -> None:
    """Rest between consecutive shifts; also what stops a night shift overlapping the next day's."""
    rest = -(-agent.min_rest_minutes // sm.unit)
    for day in sorted(by_day):
        before, after = by_day.get(day - 1), by_day[day]
        if not before:
            continue
        latest_end = max(c.option.end for c in before) // sm.unit
        earliest_start = min(c.option.start for c in after) // sm.unit
        if earliest_start - latest_end >= rest:
            continue
        start = _weighted(after, [c.option.start // sm.unit for c in after])
        end = _weighted(before, [c.option.end // sm.unit for c in before])
        aid = agent.agent_id
        sm.model.add(start - end >= rest).only_enforce_if([sm.worked[aid, day], sm.worked[aid, day - 1]])


def _add_counts_and_breaks(sm: ScheduleModel) -> None:
    grouped: dict[tuple[int, str], list[Choice]] = defaultdict(list)
    for choices in sm.choices.values():
        for c in choices:
            grouped[c.option.index, c.skill].append(c)
    for (index, skill), members in grouped.items():
        most = len(members)
        count = sm.model.new_int_var(0, most, f"n_{index}_{skill}")
        sm.model.add(cp_model.LinearExpr.sum([c.var for c in members]) == count)
        sm.counts[index, skill] = count
        sm.count_bounds[index, skill] = most
        for r, positions in enumerate(sm.options[index].break_choices):
            if len(positions) == 1:
                sm.breaks[index, skill, r] = [(positions[0], count)]
                continue
            ys = [sm.model.new_int_var(0, most, f"y_{index}_{skill}_{r}_{j}") for j in range(len(positions))]
            sm.model.add(cp_model.LinearExpr.sum(ys) == count)
            sm.breaks[index, skill, r] = list(zip(positions, ys, strict=True))


def _add_coverage(problem: SchedulingProblem, sm: ScheduleModel) -> None:
    terms: dict[tuple[str, int], list[tuple[Var, int]]] = defaultdict(list)
    capacity: dict[tuple[str, int], int] = defaultdict(int)
    for (index, skill), count in sm.counts.items():
        for i, minutes in sm.options[index].coverage:
            terms[skill, i].append((count, minutes // sm.unit))
            capacity[skill, i] += minutes // sm.unit * sm.count_bounds[index, skill]
    for (_, skill, _), positions in sm.breaks.items():
        for choice, var in positions:
            for i, minutes in choice.impact:
                terms[skill, i].append((var, -(minutes // sm.unit)))
    per_interval = problem.horizon.interval_minutes // sm.unit
    overs, costs = [], []
    for req in problem.requirements:
        for i, agents in enumerate(req.agents):
            row_terms = terms.get((req.skill, i), [])
            required = agents * per_interval
            under = sm.model.new_int_var(0, required, f"under_{req.skill}_{i}")
            over = sm.model.new_int_var(0, capacity[req.skill, i], f"over_{req.skill}_{i}")
            expr = _weighted([v for v, _ in row_terms], [c for _, c in row_terms])
            sm.model.add(expr + under - over == required)
            row = CoverageRow(req.skill, i, row_terms, required, under, over)
            _add_deep_shortfall(sm, row, agents, per_interval)
            sm.rows.append(row)
            overs.append(over)
            costs += [under] + [weight * var for var, _, weight in row.deep]
    sm.shortfall_cost = cp_model.LinearExpr.sum(costs)
    sm.over_total = cp_model.LinearExpr.sum(overs)


def _add_deep_shortfall(sm: ScheduleModel, row: CoverageRow, agents: int, per_interval: int) -> None:
    """Price a shortfall by its depth: past half the agents required a missing agent counts double,
    and the last one (nobody left) four times.

    The service level falls faster the more agents are missing (the Erlang curve is convex), so a
    shortfall priced by agent-intervals alone lets the solver put every lunch in the same half hour:
    three agents short at noon would cost what one short at 11:00, 11:30 and 12:00 costs."""
    if agents == 0:
        return
    # (agents that may be missing before the extra weight applies, the extra weight)
    for missing, weight in ((agents // 2, 1), (agents - 1, 2)):
        threshold = missing * per_interval
        deep = sm.model.new_int_var(0, row.required - threshold, f"deep_{row.skill}_{row.interval}_{missing}")
        sm.model.add(deep >= row.under - threshold)
        row.deep.append((deep, threshold, weight))


def _add_fairness(problem: SchedulingProblem, sm: ScheduleModel) -> int:
    """Bound the most weekend days any agent works; return that bound's largest value."""
    fairness, horizon = problem.fairness, problem.horizon
    if not fairness.is_enabled:
        return 0
    sm.weekend_days = tuple(
        d for d in range(horizon.num_days) if horizon.is_weekend(d, fairness.weekend_weekdays)
    )
    if not sm.weekend_days:
        return 0
    sm.max_weekend = sm.model.new_int_var(0, len(sm.weekend_days), "max_weekend_days")
    for agent in problem.agents:
        days = [sm.worked[agent.agent_id, d] for d in sm.weekend_days if (agent.agent_id, d) in sm.worked]
        if days:
            sm.model.add(cp_model.LinearExpr.sum(days) <= sm.max_weekend)
    return len(sm.weekend_days)


def _weighted(items: list[Any], coeffs: list[int]) -> Any:
    if items and isinstance(items[0], Choice):
        items = [c.var for c in items]
    return cp_model.LinearExpr.weighted_sum(items, coeffs)
