"""Shift scheduling on small cases whose optimum is known by hand."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

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

MONDAY = datetime(2026, 1, 5, tzinfo=UTC)
FAST = SolverSettings(time_limit_s=5.0, num_workers=2, random_seed=3)
H = 60


def horizon(days: int = 1, interval: int = 30) -> Horizon:
    return Horizon(MONDAY, interval, days * 1440 // interval)


def need(days: int, *blocks: tuple[int, float, float], interval: int = 30) -> tuple[int, ...]:
    """Requirement per interval from (agents, from hour, to hour) blocks, the same every day."""
    per_day = 1440 // interval
    out = [0] * (days * per_day)
    for day in range(days):
        for agents, lo, hi in blocks:
            for i in range(int(lo * H) // interval, int(hi * H) // interval):
                out[day * per_day + i] = agents
    return tuple(out)


def agents(n: int, **contract: object) -> tuple[AgentContract, ...]:
    return tuple(AgentContract(AgentId(f"a{k}"), **contract) for k in range(n))  # type: ignore[arg-type]


def solve(
    requirement: tuple[int, ...],
    templates: tuple[ShiftTemplate, ...],
    staff: tuple[AgentContract, ...],
    days: int = 1,
    fairness: Fairness | None = None,
) -> ScheduleResult:
    problem = SchedulingProblem(
        horizon(days), (Requirement(requirement),), templates, staff, fairness or Fairness()
    )
    return solve_schedule(problem, FAST)


def template(name: str, starts: tuple[float, ...], hours: float, *breaks: BreakRule) -> ShiftTemplate:
    return ShiftTemplate(name, tuple(int(s * H) for s in starts), int(hours * H), breaks)


LUNCH_3_TO_5 = BreakRule(Activity.LUNCH, 30, 3 * H, 4 * H + 30, is_paid=False)


def test_exactly_coverable_requirement_has_no_shortfall_and_no_surplus() -> None:
    result = solve(need(1, (2, 8, 16)), (template("day", (8,), 8),), agents(3))
    assert result.status == "OPTIMAL"
    assert result.shortfall_agent_hours == 0
    assert result.surplus_agent_hours == 0
    assert len(result.shifts) == 2
    assert result.paid_hours == 16


def test_lunches_are_covered_by_a_third_agent() -> None:
    result = solve(need(1, (2, 8, 17)), (template("day", (8,), 9, LUNCH_3_TO_5),), agents(3))
    assert result.shortfall_agent_hours == 0
    assert len(result.shifts) == 3
    lunches = sorted(b.start for s in result.shifts for b in s.breaks)
    assert len(set(lunches)) == 3  # staggered, never two at once


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lunches_short_of_staff_are_spread_rather_than_leaving_nobody_at_noon(seed: int) -> None:
    """Three agents needed all day and three lunches to place in 11:00-12:30: someone is short for
    three half hours however they fall, but all three at noon leaves nobody on the phones."""
    lunch = BreakRule(Activity.LUNCH, 30, 3 * H, 4 * H, is_paid=False)
    problem = SchedulingProblem(
        horizon(), (Requirement(need(1, (3, 8, 16))),), (template("day", (8,), 8, lunch),), agents(3)
    )
    result = solve_schedule(problem, SolverSettings(time_limit_s=5.0, num_workers=2, random_seed=seed))
    assert result.shortfall_agent_hours == 1.5
    lunchtime = [c.scheduled for c in result.coverage if time(11) <= c.start.time() < time(12, 30)]
    assert lunchtime == [2, 2, 2]


def test_too_few_agents_report_the_minimal_shortfall() -> None:
    result = solve(need(1, (3, 8, 16)), (template("day", (8,), 8),), agents(2))
    assert result.status == "OPTIMAL"
    assert result.shortfall_agent_hours == 8
    assert result.required_agent_hours == 24
    assert result.shortfall_pct == pytest.approx(100 / 3)
    assert all(c.shortfall == 1 for c in result.coverage if c.required == 3)


def test_one_shift_cannot_cover_a_longer_day_and_the_gap_is_exact() -> None:
    starts = tuple(h / 2 for h in range(12, 28))
    result = solve(need(1, (1, 8, 20)), (template("day", starts, 8),), agents(1))
    assert result.shortfall_agent_hours == 4
    assert result.surplus_agent_hours == 0


def test_break_goes_where_the_requirement_dips_inside_its_window() -> None:
    requirement = list(need(1, (1, 8, 16)))
    requirement[23] = 0  # 11:30-12:00, offset 3.5 h from an 08:00 start
    result = solve(tuple(requirement), (template("day", (8,), 8, LUNCH_3_TO_5),), agents(1))
    (shift,) = result.shifts
    (lunch,) = shift.breaks
    assert lunch.start == 11 * H + 30 and lunch.end == 12 * H
    assert result.shortfall_agent_hours == 0
    assert shift.paid_minutes == 7 * H + 30


def test_every_break_starts_inside_its_window() -> None:
    first = BreakRule(Activity.BREAK, 15, 1 * H, 2 * H, is_paid=True)
    second = BreakRule(Activity.BREAK, 15, 5 * H, 6 * H, is_paid=True)
    day = template("day", (7, 8, 9), 8, first, LUNCH_3_TO_5, second)
    result = solve(need(1, (4, 7, 17)), (day,), agents(6))
    rules = (first, LUNCH_3_TO_5, second)
    for shift in result.shifts:
        assert len(shift.breaks) == 3
        for rule, placed in zip(rules, shift.breaks, strict=True):
            assert shift.start + rule.earliest_start <= placed.start <= shift.start + rule.latest_start
            assert placed.end - placed.start == rule.minutes


def test_fifteen_minute_breaks_count_as_half_an_interval() -> None:
    brk = BreakRule(Activity.BREAK, 15, 2 * H, 2 * H, is_paid=True)
    result = solve(need(1, (1, 8, 12)), (template("short", (8,), 4, brk),), agents(1))
    by_interval = {c.interval: c for c in result.coverage}
    assert by_interval[20].scheduled == 0.5  # 10:00-10:30, break 10:00-10:15
    assert by_interval[20].shortfall == 0.5
    assert result.shortfall_agent_hours == 0.25


def test_contract_maximum_hours_are_respected() -> None:
    staff = agents(2, max_weekly_minutes=24 * H)
    result = solve(need(7, (2, 8, 16)), (template("day", (8,), 8),), staff, days=7)
    for agent in staff:
        assert sum(s.paid_minutes for s in result.agent_shifts(agent.agent_id)) <= 24 * H
    assert result.paid_hours == 48
    assert result.shortfall_agent_hours == 7 * 16 - 48


def test_contract_minimum_hours_force_shifts_without_requirement() -> None:
    staff = agents(1, min_weekly_minutes=16 * H, min_weekly_shifts=2)
    result = solve(need(7, (0, 8, 16)), (template("day", (8,), 8),), staff, days=7)
    assert result.paid_hours == 16
    assert len(result.shifts) == 2


def test_days_off_and_maximum_shifts_are_respected() -> None:
    staff = agents(3, min_days_off=2)
    result = solve(need(7, (3, 8, 16)), (template("day", (8,), 8),), staff, days=7)
    for agent in staff:
        assert len(result.agent_shifts(agent.agent_id)) == 5
    capped = (AgentContract(AgentId("cap"), max_weekly_shifts=3),)
    result = solve(need(7, (1, 8, 16)), (template("day", (8,), 8),), capped, days=7)
    assert len(result.shifts) == 3


def test_unavailable_days_and_windows_are_respected() -> None:
    early_only = tuple(TimeWindow(d * 1440, d * 1440 + 14 * H) for d in range(3))
    staff = (
        AgentContract(AgentId("off-tuesday"), unavailable_days=frozenset({1})),
        AgentContract(AgentId("mornings"), availability=early_only),
    )
    day = template("day", (6, 8, 10), 8)
    result = solve(need(3, (2, 6, 18)), (day,), staff, days=3)
    assert all(s.day != 1 for s in result.agent_shifts(AgentId("off-tuesday")))
    mornings = result.agent_shifts(AgentId("mornings"))
    assert mornings and all(s.end - s.day * 1440 <= 14 * H for s in mornings)


def test_rest_between_shifts_is_kept_and_night_shifts_do_not_overlap() -> None:
    staff = agents(1, min_rest_minutes=11 * H)
    shifts = (template("late", (14,), 8), template("early", (6,), 8))
    result = solve(need(2, (1, 6, 22)), shifts, staff, days=2)
    ordered = sorted(result.shifts, key=lambda s: s.start)
    assert len(ordered) == 2
    assert ordered[1].start - ordered[0].end >= 11 * H
    night = template("night", (20,), 10)
    result = solve(need(3, (1, 0, 24)), (night, template("day", (4,), 8)), agents(1), days=3)
    ordered = sorted(result.shifts, key=lambda s: s.start)
    assert all(b.start >= a.end for a, b in itertools.pairwise(ordered))


def test_night_shift_covers_the_next_morning() -> None:
    result = solve(need(2, (1, 22, 24), (1, 0, 6)), (template("night", (22,), 8),), agents(1), days=2)
    assert [s.start for s in result.shifts] == [22 * H]
    # Uncovered: the first morning, before any shift, and the last night, whose shift would end
    # after the horizon.
    assert result.shortfall_agent_hours == 6 + 2


def test_weekend_fairness_spreads_weekends() -> None:
    # Mon 5 Jan 2026: days 5 and 6 are Saturday and Sunday; 4 agent-days of weekend work for 4 agents.
    staff = agents(4, max_weekly_shifts=5)
    requirement = need(7, (1, 8, 16))
    per_day = 48
    weekend = list(requirement)
    for day in (5, 6):
        for i in range(16, 32):
            weekend[day * per_day + i] = 2
    result = solve(tuple(weekend), (template("day", (8,), 8),), staff, days=7)
    assert result.shortfall_agent_hours == 0
    assert result.max_weekend_days == 1
    for agent in staff:
        assert sum(1 for s in result.agent_shifts(agent.agent_id) if s.day >= 5) == 1


def test_under_staffing_dominates_cost() -> None:
    # Covering a single half hour costs a whole 8-hour shift, and is still worth it.
    requirement = [0] * 48
    requirement[30] = 1
    result = solve(tuple(requirement), (template("day", (8,), 8),), agents(1))
    assert result.shortfall_agent_hours == 0
    assert result.paid_hours == 8


def test_shortest_covering_shift_is_chosen() -> None:
    shifts = (template("long", (8,), 8), template("short", (8,), 4))
    result = solve(need(1, (1, 8, 12)), shifts, agents(1))
    assert [s.template for s in result.shifts] == ["short"]
    assert result.surplus_agent_hours == 0


def test_multi_skilled_agents_serve_one_group_per_shift() -> None:
    problem = SchedulingProblem(
        horizon(1),
        (Requirement(need(1, (1, 8, 16)), "voice"), Requirement(need(1, (2, 8, 16)), "chat")),
        (template("day", (8,), 8),),
        (
            AgentContract(AgentId("v"), skills=frozenset({"voice"})),
            AgentContract(AgentId("vc1"), skills=frozenset({"voice", "chat"})),
            AgentContract(AgentId("vc2"), skills=frozenset({"voice", "chat"})),
        ),
    )
    result = solve_schedule(problem, FAST)
    assert result.shortfall_agent_hours == 0
    assert {s.agent_id: s.skill for s in result.shifts} == {"v": "voice", "vc1": "chat", "vc2": "chat"}


def test_the_reported_solve_time_is_the_solvers_own() -> None:
    result = solve(need(1, (1, 8, 16)), (template("day", (8,), 8),), agents(1))
    assert result.has_solution
    assert result.solve_seconds > 0  # CP-SAT ran and reported its time


def test_contradictory_contract_is_reported_infeasible() -> None:
    staff = agents(1, min_weekly_minutes=48 * H, max_weekly_minutes=48 * H, min_days_off=2)
    result = solve(need(7, (1, 8, 16)), (template("day", (8,), 8),), staff, days=7)
    assert result.status == "INFEASIBLE"
    assert result.shifts == ()


def test_horizon_counts_elapsed_time_across_daylight_saving() -> None:
    paris = ZoneInfo("Europe/Paris")
    start = datetime(2026, 3, 29, tzinfo=paris)  # clocks go forward at 02:00
    week = Horizon(start, 30, 48)
    assert week.at(6 * 60) == datetime(2026, 3, 29, 7, tzinfo=paris)
    assert week.at(6 * 60).astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=6)


def test_inputs_are_checked() -> None:
    with pytest.raises(ValueError, match="aware"):
        Horizon(datetime(2026, 1, 5), 30, 48)
    with pytest.raises(ValueError, match="overlap"):
        ShiftTemplate(
            "bad", (8 * H,), 8 * H, (LUNCH_3_TO_5, BreakRule(Activity.BREAK, 15, 4 * H, 5 * H, True))
        )
    with pytest.raises(ValueError, match="one figure per interval"):
        SchedulingProblem(horizon(1), (Requirement((1, 2)),), (), ())


def test_solver_without_the_greedy_start_finds_the_same_optimum() -> None:
    problem = SchedulingProblem(
        horizon(1), (Requirement(need(1, (2, 8, 17))),), (template("day", (8,), 9, LUNCH_3_TO_5),), agents(4)
    )
    cold = solve_schedule(problem, SolverSettings(time_limit_s=5.0, use_greedy_hint=False))
    assert cold.status == "OPTIMAL"
    assert (cold.shortfall_agent_hours, len(cold.shifts)) == (0, 3)


def test_progress_rises_from_the_model_to_the_schedule_found() -> None:
    reports: list[tuple[float, str]] = []
    problem = SchedulingProblem(
        horizon(2), (Requirement(need(2, (2, 8, 17))),), (template("day", (8,), 9, LUNCH_3_TO_5),), agents(3)
    )
    result = solve_schedule(problem, FAST, lambda fraction, stage: reports.append((fraction, stage)))
    fractions = [f for f, _ in reports]
    assert result.shifts
    assert reports[0] == (0.0, "building the model") and reports[-1] == (1.0, "schedule found")
    assert fractions == sorted(fractions) and all(0 <= f <= 1 for f in fractions)
    assert len({stage for _, stage in reports}) >= 3
