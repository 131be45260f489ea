"""Every concrete shift an agent could work: a template at one of its start times on one day.

The solver picks among these options per agent and day. Each option carries its coverage per
interval and, per break rule, the distinct break positions. Positions whose effect on coverage is the
same (a 15-minute break at :00 or :15 of one 30-minute interval) are merged, because the solver cannot
tell them apart and fewer choices keep the model small.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from workforce.scheduling.model import MINUTES_PER_DAY, AgentContract, Horizon, SchedulingProblem

Impact = tuple[tuple[int, int], ...]  # (interval index, minutes) pairs


@dataclass(frozen=True, slots=True)
class BreakChoice:
    offset: int  # minutes after the shift start
    impact: Impact  # minutes of coverage the break removes, per interval


@dataclass(frozen=True, slots=True)
class ShiftOption:
    index: int
    day: int
    template: int
    start: int  # minutes from the horizon start
    end: int
    paid_minutes: int
    coverage: Impact
    break_choices: tuple[tuple[BreakChoice, ...], ...]  # one tuple per break rule of the template


def overlap(start: int, end: int, interval_minutes: int) -> Impact:
    """Minutes of [start, end) falling in each interval it touches."""
    first, last = start // interval_minutes, (end - 1) // interval_minutes
    return tuple(
        (i, min(end, (i + 1) * interval_minutes) - max(start, i * interval_minutes))
        for i in range(first, last + 1)
    )


def time_unit(problem: SchedulingProblem) -> int:
    """Greatest common divisor of every duration, so the model can count in whole units."""
    values = [problem.horizon.interval_minutes]
    for template in problem.templates:
        values += [template.minutes, *template.start_times]
        for rule in template.breaks:
            values += [rule.minutes, rule.earliest_start, rule.latest_start]
    return math.gcd(*values)


def shift_options(problem: SchedulingProblem) -> tuple[ShiftOption, ...]:
    horizon, unit = problem.horizon, time_unit(problem)
    options: list[ShiftOption] = []
    for day in range(horizon.num_days):
        for t, template in enumerate(problem.templates):
            for start_time in sorted(set(template.start_times)):
                start = day * MINUTES_PER_DAY + start_time
                end = start + template.minutes
                if end > horizon.minutes:
                    continue
                choices = tuple(
                    _break_choices(horizon, start, rule.minutes, rule.earliest_start, rule.latest_start, unit)
                    for rule in template.breaks
                )
                options.append(
                    ShiftOption(
                        index=len(options),
                        day=day,
                        template=t,
                        start=start,
                        end=end,
                        paid_minutes=template.paid_minutes,
                        coverage=overlap(start, end, horizon.interval_minutes),
                        break_choices=choices,
                    )
                )
    return tuple(options)


def _break_choices(
    horizon: Horizon, start: int, minutes: int, earliest: int, latest: int, unit: int
) -> tuple[BreakChoice, ...]:
    seen: dict[Impact, BreakChoice] = {}
    for offset in range(earliest, latest + 1, unit):
        impact = overlap(start + offset, start + offset + minutes, horizon.interval_minutes)
        seen.setdefault(impact, BreakChoice(offset, impact))
    return tuple(seen.values())


def is_eligible(problem: SchedulingProblem, agent: AgentContract, option: ShiftOption) -> bool:
    template = problem.templates[option.template]
    if agent.templates is not None and template.name not in agent.templates:
        return False
    if option.day in agent.unavailable_days:
        return False
    if agent.availability is None:
        return True
    return any(w.contains(option.start, option.end) for w in agent.availability)


def agent_choices(
    problem: SchedulingProblem, agent: AgentContract, options: tuple[ShiftOption, ...]
) -> Iterator[tuple[ShiftOption, str]]:
    """(option, skill group) pairs the agent may work: a shift serves one skill group all day."""
    skills = [r.skill for r in problem.requirements if r.skill in agent.skills]
    for option in options:
        if is_eligible(problem, agent, option):
            for skill in skills:
                yield option, skill
