"""Erlang C against exact rational arithmetic, published figures and the metrics definitions."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workforce.erlang import (
    StaffingTargets,
    average_speed_of_answer,
    erlang_b,
    erlang_c,
    occupancy,
    required_agents,
    required_agents_many,
    scheduled_agents,
    service_level,
    traffic_erlangs,
)


def exact_erlang_c(n: int, a: Fraction) -> Fraction:
    """The textbook formula with factorials, in exact fractions: fine for small n, in a test."""
    top = a**n / math.factorial(n) * Fraction(n) / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


@pytest.mark.parametrize("n", [11, 12, 13, 14, 15])
def test_erlang_c_matches_exact_fractions_for_ten_erlangs(n: int) -> None:
    assert erlang_c(n, 10.0) == pytest.approx(float(exact_erlang_c(n, Fraction(10))), rel=1e-12)


def test_erlang_c_matches_exact_fractions_for_fractional_traffic() -> None:
    a = Fraction(73, 10)
    for n in range(8, 20):
        assert erlang_c(n, 7.3) == pytest.approx(float(exact_erlang_c(n, a)), rel=1e-12)


def test_published_figures_for_ten_erlangs_at_180_s_and_20_s() -> None:
    # A = 100 calls × 180 s / 1800 s; the classic table: P(wait) 0.4494 at 12 agents
    a = traffic_erlangs(100, 180, 1800)
    assert a == 10.0
    assert round(erlang_c(12, a), 4) == 0.4494
    assert round(service_level(12, a, 180, 20), 4) == 0.6402
    assert round(service_level(13, a, 180, 20), 4) == 0.7956
    assert round(service_level(14, a, 180, 20), 4) == 0.8884
    assert round(average_speed_of_answer(12, a, 180), 2) == 40.44
    assert occupancy(12, a) == pytest.approx(10 / 12)


def test_service_level_is_the_metrics_formula() -> None:
    c = erlang_c(14, 10.0)
    assert service_level(14, 10.0, 180, 20) == 1 - c * math.exp(-(14 - 10.0) * 20 / 180)
    assert average_speed_of_answer(14, 10.0, 180) == c * 180 / (14 - 10.0)


def test_erlang_b_recursion_matches_exact_value() -> None:
    a = Fraction(5)
    exact = a**7 / math.factorial(7) / sum(a**k / math.factorial(k) for k in range(8))
    assert erlang_b(7, 5.0) == pytest.approx(float(exact), rel=1e-13)
    assert erlang_b(0, 5.0) == 1.0


def test_eighty_twenty_needs_fourteen_agents_for_ten_erlangs() -> None:
    result = required_agents(10.0, 180, StaffingTargets(0.8, 20))
    assert result.agents == 14
    assert result.p_wait == erlang_c(14, 10.0)
    assert result.service_level == service_level(14, 10.0, 180, 20)


def test_every_target_must_hold() -> None:
    assert required_agents(10.0, 180, StaffingTargets(None, max_asa_s=10)).agents == 14
    assert required_agents(10.0, 180, StaffingTargets(None, max_asa_s=20)).agents == 13
    assert required_agents(10.0, 180, StaffingTargets(None, max_occupancy=0.7)).agents == 15
    assert required_agents(10.0, 180, StaffingTargets(0.8, 20, max_occupancy=0.7)).agents == 15
    assert required_agents(10.0, 180, StaffingTargets(None)).agents == 11  # floor(A) + 1


def test_search_starts_at_floor_of_traffic_plus_one() -> None:
    # integer traffic: n must exceed A, so 10 erlangs never get 10 agents
    assert required_agents(10.0, 180, StaffingTargets(0.01, 20)).agents == 11
    assert required_agents(10.4, 180, StaffingTargets(0.01, 20)).agents == 11


def test_zero_traffic_needs_no_agent_and_tiny_traffic_needs_one() -> None:
    assert required_agents(0.0, 180, StaffingTargets()).agents == 0
    tiny = required_agents(0.01, 180, StaffingTargets(0.95, 20))
    assert tiny.agents == 1
    assert tiny.p_wait == pytest.approx(0.01)  # one agent: P(wait) = A


def test_huge_traffic_is_stable_and_minimal() -> None:
    targets = StaffingTargets(0.8, 20)
    result = required_agents(10_000.0, 180, targets)
    n = result.agents
    assert 10_000 < n < 10_100
    assert 0 < result.p_wait < 1 and math.isfinite(result.asa_s)
    assert service_level(n, 10_000.0, 180, 20) >= 0.8
    assert service_level(n - 1, 10_000.0, 180, 20) < 0.8


def test_erlang_c_is_undefined_without_spare_capacity() -> None:
    with pytest.raises(ValueError):
        erlang_c(10, 10.0)
    with pytest.raises(ValueError):
        service_level(5, 10.0, 180, 20)


def test_shrinkage_does_not_add_an_agent_through_float_error() -> None:
    assert math.ceil(21 / (1 - 0.3)) == 31  # what naive float maths gives
    assert scheduled_agents(21, 0.3) == 30
    assert scheduled_agents(42, 0.3) == 60
    assert scheduled_agents(22, 0.3) == 32
    assert scheduled_agents(7, 0.35) == 11
    assert scheduled_agents(10, 0.0) == 10
    assert scheduled_agents(0, 0.3) == 0
    with pytest.raises(ValueError):
        scheduled_agents(10, 1.0)


def test_week_vectorised_matches_one_by_one() -> None:
    rng = np.random.default_rng(7)
    contacts = rng.integers(0, 400, size=336).astype(np.float64)
    aht = rng.uniform(120, 420, size=336)
    traffic = contacts * aht / 1800
    for targets in (StaffingTargets(0.8, 20), StaffingTargets(0.9, 30, max_asa_s=15, max_occupancy=0.85)):
        many = required_agents_many(traffic, aht, targets)
        one_by_one = [
            required_agents(float(a), float(h), targets).agents for a, h in zip(traffic, aht, strict=True)
        ]
        assert many.tolist() == one_by_one


@settings(max_examples=60, deadline=None)
@given(
    st.floats(min_value=0.001, max_value=600.0),
    st.floats(min_value=0.5, max_value=0.99),
    st.floats(min_value=0.0, max_value=120.0),
)
def test_required_agents_is_the_smallest_meeting_the_target(a: float, target: float, t: float) -> None:
    n = required_agents(a, 240, StaffingTargets(target, t)).agents
    assert n > a and service_level(n, a, 240, t) >= target
    if n - 1 > a:
        assert service_level(n - 1, a, 240, t) < target


def test_a_few_intervals_and_zero_traffic_in_a_week() -> None:
    assert required_agents_many([0.0, 0.01, 10.0], 180.0, StaffingTargets()).tolist() == [0, 1, 14]
    week = np.zeros(336)
    week[100] = 10.0
    assert required_agents_many(week, 180.0, StaffingTargets()).sum() == 14
