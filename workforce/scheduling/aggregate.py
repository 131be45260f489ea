"""Shift counts per class of like agents, to steer the greedy start towards a good shift mix.

Agents with the same choices and the same contract are interchangeable, so a model with one count
per class and shift (instead of one Boolean per agent) has the same coverage and weekly totals in far
fewer variables; it drops rest between shifts and fairness, so it is a relaxation. CP-SAT finds a
much better shift mix on it within seconds than on the full model, whose local search moves one
agent at a time. Its counts become targets that the greedy hands out to the agents of each class; the
full model then repairs whatever the dropped rules break. On the benchmark this cuts surplus several
times over the plain greedy start (docs/scheduling.md).
"""

from __future__ import annotations

from collections import defaultdict

from workforce.scheduling.cpsat import ScheduleModel
from workforce.scheduling.greedy import Pick, Targets
from workforce.scheduling.model import AgentContract, AgentId, SchedulingProblem


def agent_classes(
    problem: SchedulingProblem, sm: ScheduleModel
) -> tuple[list[tuple[AgentContract, int]], dict[AgentId, AgentId]]:
    """Classes as (representative, size), and each agent's representative."""
    groups: dict[tuple[object, ...], list[AgentContract]] = defaultdict(list)
    for agent in problem.agents:
        signature = (
            tuple((c.option.index, c.skill) for c in sm.choices[agent.agent_id]),
            agent.min_weekly_minutes,
            agent.max_weekly_minutes,
            agent.min_weekly_shifts,
            agent.max_weekly_shifts,
            agent.min_days_off,
            agent.min_rest_minutes,
        )
        groups[signature].append(agent)
    classes = [(members[0], len(members)) for members in groups.values()]
    class_of = {a.agent_id: members[0].agent_id for members in groups.values() for a in members}
    return classes, class_of


def targets_from_values(sm: ScheduleModel, values: dict[int, int]) -> Targets:
    return {
        (c.agent_id, c.option.index, c.skill): values[c.var.index]
        for choices in sm.choices.values()
        for c in choices
        if values.get(c.var.index, 0) > 0
    }


def class_picks(
    aggregate: ScheduleModel, class_of: dict[AgentId, AgentId], picks: dict[AgentId, list[Pick]]
) -> dict[AgentId, list[Pick]]:
    """The same schedule in the aggregate model's terms, to start its search from."""
    choice_of = {(c.agent_id, c.option.index, c.skill): c for cs in aggregate.choices.values() for c in cs}
    out: dict[AgentId, list[Pick]] = defaultdict(list)
    for aid, agent_picks in picks.items():
        group = class_of[aid]
        for choice, breaks in agent_picks:
            out[group].append((choice_of[group, choice.option.index, choice.skill], breaks))
    return dict(out)
