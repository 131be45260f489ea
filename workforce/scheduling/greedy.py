"""A greedy schedule used as CP-SAT's starting hint.

Agents are taken one at a time (longest contracts first); each repeatedly takes the shift that covers
the most still-uncovered requirement while its weekly rules allow, then takes more shifts only to
reach its minimums. Breaks go where the remaining requirement is lowest. The result is usually
feasible and already covers most of the requirement, which gives the solver's local search a good
place to start on large instances instead of searching for a first solution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from workforce.scheduling.cpsat import Choice, ScheduleModel
from workforce.scheduling.model import AgentContract, AgentId, SchedulingProblem
from workforce.scheduling.options import ShiftOption

Pick = tuple[Choice, tuple[int, ...]]  # the chosen shift and one break position index per rule
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class _Net:
    """Each option's coverage with breaks at their middle positions, padded to one width."""

    index: IntArray
    units: IntArray


def greedy_picks(
    problem: SchedulingProblem, sm: ScheduleModel, waste_weight: int = 2
) -> dict[AgentId, list[Pick]]:
    """`waste_weight`: how much a unit of surplus a shift would add counts against a unit it covers."""
    per_interval = problem.horizon.interval_minutes // sm.unit
    residual = {r.skill: np.array(r.agents, dtype=np.int64) * per_interval for r in problem.requirements}
    net = _net_coverage(sm, problem.horizon.num_intervals)
    picks: dict[AgentId, list[Pick]] = {}
    agents = sorted(problem.agents, key=lambda a: (-a.max_weekly_minutes, a.agent_id))
    for agent in agents:
        picks[agent.agent_id] = _pick_for_agent(problem, sm, agent, residual, net, waste_weight)
    return picks


def _net_coverage(sm: ScheduleModel, num_intervals: int) -> _Net:
    width = max(len(o.coverage) for o in sm.options) if sm.options else 1
    index = np.full((len(sm.options), width), num_intervals, dtype=np.int64)  # padding hits a zero
    units = np.zeros((len(sm.options), width), dtype=np.int64)
    for o in sm.options:
        cover = dict(o.coverage)
        for positions in o.break_choices:
            for i, m in positions[len(positions) // 2].impact:
                cover[i] -= m
        for k, (i, m) in enumerate(sorted(cover.items())):
            index[o.index, k], units[o.index, k] = i, m // sm.unit
    return _Net(index, units)


def _pick_for_agent(
    problem: SchedulingProblem,
    sm: ScheduleModel,
    agent: AgentContract,
    residual: dict[str, IntArray],
    net: _Net,
    waste_weight: int,
) -> list[Pick]:
    choices = sm.choices[agent.agent_id]
    if not choices:
        return []
    num_days = problem.horizon.num_days
    taken: dict[int, ShiftOption] = {}
    picks: list[Pick] = []
    while True:
        gains = _gains(choices, residual, net, waste_weight)
        allowed = [k for k, c in enumerate(choices) if _fits(agent, c.option, taken, num_days, sm.unit)]
        if not allowed:
            break
        best = max(allowed, key=lambda k: (gains[k], -choices[k].option.paid_minutes))
        if gains[best] <= 0 and _minimums_met(agent, taken, num_days):
            break
        choice = choices[best]
        taken[choice.option.day] = choice.option
        positions = _place_breaks(choice, residual[choice.skill])
        picks.append((choice, positions))
        _subtract(choice, positions, residual[choice.skill], sm.unit)
    return picks


def _gains(choices: list[Choice], residual: dict[str, IntArray], net: _Net, waste_weight: int) -> list[int]:
    by_skill: dict[str, IntArray] = {}
    for skill, r in residual.items():
        need = np.append(np.maximum(r, 0), 0)[net.index]
        gain = np.minimum(need, net.units).sum(axis=1)
        # Coverage beyond what is still needed is surplus: count it against the shift.
        by_skill[skill] = (1 + waste_weight) * gain - waste_weight * net.units.sum(axis=1)
    return [int(by_skill[c.skill][c.option.index]) for c in choices]


def _fits(
    agent: AgentContract, option: ShiftOption, taken: dict[int, ShiftOption], days: int, unit: int
) -> bool:
    if option.day in taken:
        return False
    week = option.day // 7
    in_week = [o for d, o in taken.items() if d // 7 == week]
    # Like the model: days off bind only on complete weeks.
    most = agent.max_weekly_shifts
    if days - week * 7 >= 7:
        most = min(most, 7 - agent.min_days_off)
    if len(in_week) + 1 > most:
        return False
    paid = sum(o.paid_minutes for o in in_week) + option.paid_minutes
    if paid // unit > agent.max_weekly_minutes // unit:
        return False
    before, after = taken.get(option.day - 1), taken.get(option.day + 1)
    if before is not None and option.start - before.end < agent.min_rest_minutes:
        return False
    return after is None or after.start - option.end >= agent.min_rest_minutes


def _minimums_met(agent: AgentContract, taken: dict[int, ShiftOption], days: int) -> bool:
    for week in range(days // 7):
        in_week = [o for d, o in taken.items() if d // 7 == week]
        if len(in_week) < agent.min_weekly_shifts:
            return False
        if sum(o.paid_minutes for o in in_week) < agent.min_weekly_minutes:
            return False
    return True


def _place_breaks(choice: Choice, residual: IntArray) -> tuple[int, ...]:
    """Put each break where the requirement left to cover is lowest."""
    return tuple(
        min(range(len(positions)), key=lambda j: sum(int(residual[i]) for i, _ in positions[j].impact))
        for positions in choice.option.break_choices
    )


def _subtract(choice: Choice, positions: tuple[int, ...], residual: IntArray, unit: int) -> None:
    for i, m in choice.option.coverage:
        residual[i] -= m // unit
    for rule, j in zip(choice.option.break_choices, positions, strict=True):
        for i, m in rule[j].impact:
            residual[i] += m // unit
