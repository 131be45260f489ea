"""A greedy schedule used as CP-SAT's starting hint.

Each agent first takes shifts up to their contract minimums (longest contracts first), always the
one that covers the most still-uncovered requirement net of the surplus it adds; then agents take
extra shifts round-robin while they are worth it. Breaks go where the remaining requirement is
lowest. Every rule holds by construction except the minimums it may fail to reach; when it reaches
them the result is a valid schedule, which gives the solver's local search a good place to start on
large instances instead of searching for a first solution (docs/scheduling.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np
import numpy.typing as npt

from workforce.scheduling.cpsat import Choice, ScheduleModel
from workforce.scheduling.model import AgentContract, AgentId, SchedulingProblem
from workforce.scheduling.options import ShiftOption

Pick = tuple[Choice, tuple[int, ...]]  # the chosen shift and one break position index per rule
IntArray = npt.NDArray[np.int64]


class _Phase(Enum):
    MINIMUM = "up to the contract minimums"
    EFFICIENT = "shifts covering more need than the surplus they add"
    NEEDED = "shifts covering any need"


@dataclass(frozen=True, slots=True)
class _Net:
    """Each option's coverage with breaks at their middle positions, padded to one width."""

    index: IntArray
    units: IntArray


def greedy_picks(
    problem: SchedulingProblem, sm: ScheduleModel, waste_weight: int = 2
) -> dict[AgentId, list[Pick]]:
    """`waste_weight`: how much a unit of surplus a shift would add counts against a unit it covers."""
    greedy = _Greedy(problem, sm, waste_weight)
    agents = sorted(problem.agents, key=lambda a: (-a.max_weekly_minutes, a.agent_id))
    # First each agent up to their contract minimums, longest contracts first; then extra shifts
    # round-robin, one per agent per round: those that cover more need than the surplus they add
    # and at last any that still covers need, since
    # under-staffing comes first. Filling each agent to their maximum in turn would leave the last
    # ones to work their minimums where nobody is needed.
    for agent in agents:
        while greedy.take_best(agent, _Phase.MINIMUM):
            pass
    for phase in (_Phase.EFFICIENT, _Phase.NEEDED):
        active = agents
        while active:
            active = [a for a in active if greedy.take_best(a, phase)]
    return greedy.picks


class _Greedy:
    def __init__(self, problem: SchedulingProblem, sm: ScheduleModel, waste_weight: int) -> None:
        per_interval = problem.horizon.interval_minutes // sm.unit
        self.problem, self.sm, self.waste_weight = problem, sm, waste_weight
        self.residual = {
            r.skill: np.array(r.agents, dtype=np.int64) * per_interval for r in problem.requirements
        }
        self.net = _net_coverage(sm, problem.horizon.num_intervals)
        self.picks: dict[AgentId, list[Pick]] = {a.agent_id: [] for a in problem.agents}
        self.taken: dict[AgentId, dict[int, ShiftOption]] = {a.agent_id: {} for a in problem.agents}

    def take_best(self, agent: AgentContract, phase: _Phase) -> bool:
        """Give the agent its best next shift, if the phase wants one; say whether it got one."""
        num_days, aid = self.problem.horizon.num_days, agent.agent_id
        choices, taken = self.sm.choices[aid], self.taken[aid]
        if not choices or (phase is _Phase.MINIMUM and _minimums_met(agent, taken, num_days)):
            return False
        allowed = [k for k, c in enumerate(choices) if _fits(agent, c.option, taken, num_days, self.sm.unit)]
        if not allowed:
            return False
        gains, scores = _gains(choices, self.residual, self.net, self.waste_weight)
        if phase is _Phase.EFFICIENT:
            allowed = [k for k in allowed if scores[k] > 0]
        elif phase is _Phase.NEEDED:
            allowed = [k for k in allowed if gains[k] > 0]
        if not allowed:
            return False
        best = max(allowed, key=lambda k: (scores[k], -choices[k].option.paid_minutes))
        choice = choices[best]
        taken[choice.option.day] = choice.option
        residual = self.residual[choice.skill]
        positions = _place_breaks(choice, residual)
        self.picks[aid].append((choice, positions))
        _subtract(choice, positions, residual, self.sm.unit)
        return True


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


def _gains(
    choices: list[Choice], residual: dict[str, IntArray], net: _Net, waste_weight: int
) -> tuple[list[int], list[int]]:
    """Per choice: units of need it covers, and that gain less the surplus it adds, weighted."""
    gain_by_skill: dict[str, IntArray] = {}
    score_by_skill: dict[str, IntArray] = {}
    for skill, r in residual.items():
        need = np.append(np.maximum(r, 0), 0)[net.index]
        gain = np.minimum(need, net.units).sum(axis=1)
        gain_by_skill[skill] = gain
        score_by_skill[skill] = (1 + waste_weight) * gain - waste_weight * net.units.sum(axis=1)
    gains = [int(gain_by_skill[c.skill][c.option.index]) for c in choices]
    scores = [int(score_by_skill[c.skill][c.option.index]) for c in choices]
    return gains, scores


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


def meets_minimums(problem: SchedulingProblem, picks: dict[AgentId, list[Pick]]) -> bool:
    """Whether every agent reached their weekly minimums (the greedy obeys every other rule)."""
    days = problem.horizon.num_days
    return all(
        _minimums_met(agent, {c.option.day: c.option for c, _ in picks.get(agent.agent_id, [])}, days)
        for agent in problem.agents
    )


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
