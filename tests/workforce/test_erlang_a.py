"""Erlang A against a brute-force birth-death chain, a matrix exponential, and its Erlang C limit."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import expm

from workforce.erlang import (
    StaffingTargets,
    average_speed_of_answer,
    erlang_c,
    required_agents,
    service_level,
)
from workforce.erlang_a import erlang_a, required_agents_erlang_a


def brute_chain(n: int, a: float, aht: float, patience: float, states: int = 400) -> np.ndarray:
    mu, theta = 1 / aht, 1 / patience
    pi = np.ones(states)
    for k in range(1, states):
        pi[k] = pi[k - 1] * a * mu / (min(k, n) * mu + max(k - n, 0) * theta)
    return pi / pi.sum()


def answered_within_by_expm(n: int, aht: float, patience: float, t: float, ahead: int) -> np.ndarray:
    """P(answered within t | m ahead), m = 0..ahead−1, from the tagged caller's own Markov chain."""
    mu, theta = 1 / aht, 1 / patience
    size = ahead + 2  # positions 1..ahead (index p−1), then answered, then abandoned
    q = np.zeros((size, size))
    for p in range(1, ahead + 1):
        advance = n * mu + (p - 1) * theta
        q[p - 1, p - 2 if p > 1 else ahead] = advance
        q[p - 1, ahead + 1] = theta
        q[p - 1, p - 1] = -(advance + theta)
    return expm(q * t)[:ahead, ahead]


def test_waiting_and_abandon_match_the_birth_death_chain() -> None:
    n, a, aht, patience = 8, 10.0, 180.0, 120.0
    pi = brute_chain(n, a, aht, patience)
    queue = np.maximum(np.arange(pi.size) - n, 0)
    m = erlang_a(n, a, aht, patience)
    assert m.p_wait == pytest.approx(pi[n:].sum(), rel=1e-10)
    # flow balance: abandons per second θ·E[queue] = λ·P(abandon)
    assert m.p_abandon == pytest.approx((pi * queue).sum() / patience / (a / aht), rel=1e-10)
    assert m.occupancy == pytest.approx((pi * np.minimum(np.arange(pi.size), n)).sum() / n, rel=1e-10)


def test_service_level_matches_a_matrix_exponential() -> None:
    n, a, aht, patience, t = 3, 2.5, 100.0, 60.0, 20.0
    pi = brute_chain(n, a, aht, patience, states=n + 80)
    within = answered_within_by_expm(n, aht, patience, t, ahead=80)
    expected = pi[:n].sum() + float(np.dot(pi[n:], within))
    assert erlang_a(n, a, aht, patience, t).service_level == pytest.approx(expected, rel=1e-9)


def test_long_patience_converges_to_erlang_c() -> None:
    m = erlang_a(12, 10.0, 180, 1e12, 20)
    assert m.p_wait == pytest.approx(erlang_c(12, 10.0), rel=1e-8)
    assert m.service_level == pytest.approx(service_level(12, 10.0, 180, 20), rel=1e-8)
    assert m.asa_s == pytest.approx(average_speed_of_answer(12, 10.0, 180), rel=1e-8)
    assert m.p_abandon < 1e-9
    gaps = [abs(erlang_a(12, 10.0, 180, p, 20).p_wait - erlang_c(12, 10.0)) for p in (1e3, 1e5, 1e7)]
    assert gaps[0] > gaps[1] > gaps[2]


def test_defined_with_fewer_agents_than_traffic() -> None:
    m = erlang_a(5, 10.0, 180, 120, 20)
    assert m.p_wait == pytest.approx(brute_chain(5, 10.0, 180, 120)[5:].sum(), rel=1e-10)
    assert 0.9 < m.p_wait < 1.0
    assert 0 < m.service_level < 0.2
    assert m.p_abandon == pytest.approx(1 - 5 * m.occupancy / 10.0, rel=1e-9)  # carried = n·occupancy
    assert erlang_a(1, 50.0, 180, 60, 20).p_abandon > 0.9


def test_abandonment_needs_fewer_agents_than_erlang_c() -> None:
    targets = StaffingTargets(0.8, 20)
    with_patience = required_agents_erlang_a(10.0, 180, 120, targets)
    assert with_patience.agents == 12
    assert required_agents(10.0, 180, targets).agents == 14


def test_required_agents_for_abandon_rate_is_minimal() -> None:
    for a in (0.3, 4.0, 37.5, 400.0):
        m = required_agents_erlang_a(a, 240, 90, StaffingTargets(None), max_abandon_rate=0.03)
        assert m.p_abandon <= 0.03
        if m.agents > 1:
            assert erlang_a(m.agents - 1, a, 240, 90).p_abandon > 0.03


def test_required_agents_for_service_level_below_traffic_is_minimal() -> None:
    m = required_agents_erlang_a(5000.0, 180, 180, StaffingTargets(0.8, 20))
    assert m.agents < 5000 and m.service_level >= 0.8
    assert erlang_a(m.agents - 1, 5000.0, 180, 180, 20).service_level < 0.8


def test_zero_traffic_and_bad_input() -> None:
    assert required_agents_erlang_a(0.0, 180, 60, StaffingTargets()).agents == 0
    assert erlang_a(2, 0.0, 180, 60).service_level == 1.0
    with pytest.raises(ValueError):
        erlang_a(0, 1.0, 180, 60)
    with pytest.raises(ValueError):
        erlang_a(2, 1.0, 180, 0)
