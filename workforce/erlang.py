"""Erlang C (M/M/n) staffing: waiting probability, service level, ASA, occupancy, required agents.

Every formula is the one in the shared metrics definitions ("Planning"), so a plan, a report and a
benchmark never disagree: C(n, A) comes from Erlang B by the stable recursion, never from
factorials, the search for required agents starts at floor(A) + 1 and carries B forward (one O(n)
pass in all), and shrinkage is applied in exact rational arithmetic. See docs/workforce.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_BLOCK = 16  # agent counts per vectorised block of required_agents_many, beyond the first
_VECTOR_STEP_COST = 30  # measured: one numpy step over a week ≈ 30 scalar recursion steps


def traffic_erlangs(contacts: float, aht_s: float, interval_s: float) -> float:
    """Offered traffic A = contacts × AHT / interval length."""
    if contacts < 0 or aht_s < 0 or interval_s <= 0:
        raise ValueError("contacts and AHT must be >= 0 and the interval > 0")
    return contacts * aht_s / interval_s


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability B(n, A) by B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1))."""
    _check_traffic(traffic)
    if agents < 0:
        raise ValueError("agents must be >= 0")
    b = 1.0
    for k in range(1, agents + 1):
        ab = traffic * b
        b = ab / (k + ab)
    return b


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a contact waits, C(n, A) = n·B / (n − A·(1 − B)); defined only for n > A."""
    _check_stable(agents, traffic)
    return _c_from_b(agents, traffic, erlang_b(agents, traffic))


def service_level(agents: int, traffic: float, aht_s: float, threshold_s: float) -> float:
    """Share answered within threshold_s: 1 − C(n, A)·e^(−(n − A)·t / AHT)."""
    _check_stable(agents, traffic)
    return _sl(agents, traffic, erlang_c(agents, traffic), aht_s, threshold_s)


def average_speed_of_answer(agents: int, traffic: float, aht_s: float) -> float:
    """ASA in seconds: C(n, A)·AHT / (n − A)."""
    _check_stable(agents, traffic)
    return erlang_c(agents, traffic) * aht_s / (agents - traffic)


def occupancy(agents: int, traffic: float) -> float:
    """Share of staffed time spent handling: A / n."""
    _check_stable(agents, traffic)
    return traffic / agents


@dataclass(frozen=True, slots=True)
class StaffingTargets:
    """What a queue promises. Every target given must hold; None means "no such target"."""

    service_level: float | None = 0.8
    threshold_s: float = 20.0
    max_asa_s: float | None = None
    max_occupancy: float | None = None

    def __post_init__(self) -> None:
        if self.service_level is not None and not 0.0 < self.service_level <= 1.0:
            raise ValueError("service_level must be in (0, 1]")
        if self.threshold_s < 0:
            raise ValueError("threshold_s must be >= 0")
        if self.max_asa_s is not None and self.max_asa_s <= 0:
            raise ValueError("max_asa_s must be > 0")
        if self.max_occupancy is not None and not 0.0 < self.max_occupancy <= 1.0:
            raise ValueError("max_occupancy must be in (0, 1]")


@dataclass(frozen=True, slots=True)
class ErlangCStaffing:
    """Required agents and the figures they achieve (SL at the targets' threshold)."""

    agents: int
    traffic: float
    p_wait: float
    service_level: float
    asa_s: float
    occupancy: float


def required_agents(traffic: float, aht_s: float, targets: StaffingTargets) -> ErlangCStaffing:
    """Smallest n > A meeting every target, searching upwards from floor(A) + 1.

    B(floor(A)) is computed once, then each candidate costs one recursion step; zero traffic
    needs zero agents.
    """
    _check_traffic(traffic)
    if aht_s <= 0:
        raise ValueError("aht_s must be > 0")
    if traffic == 0:
        return ErlangCStaffing(0, 0.0, 0.0, 1.0, 0.0, 0.0)
    n = math.floor(traffic)
    b = erlang_b(n, traffic)
    while True:
        n += 1
        ab = traffic * b
        b = ab / (n + ab)
        c = _c_from_b(n, traffic, b)
        sl = _sl(n, traffic, c, aht_s, targets.threshold_s)
        asa = c * aht_s / (n - traffic)
        occ = traffic / n
        if _meets(sl, asa, occ, targets):
            return ErlangCStaffing(n, traffic, c, sl, asa, occ)


def required_agents_many(
    traffic: Sequence[float] | FloatArray,
    aht_s: float | Sequence[float] | FloatArray,
    targets: StaffingTargets,
) -> IntArray:
    """required_agents for many intervals at once (a week of 336), same arithmetic, vectorised.

    All intervals advance the B recursion together, one agent count per step, storing blocks of
    steps; each block is then checked at once for every interval from its own floor(A) + 1. The
    cost is one pass up to the largest requirement, a few numpy operations per agent count.
    """
    a = np.asarray(traffic, dtype=np.float64)
    aht = np.broadcast_to(np.asarray(aht_s, dtype=np.float64), a.shape)
    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise ValueError("traffic must be finite and >= 0")
    if np.any(aht[a > 0] <= 0):
        raise ValueError("aht_s must be > 0 where there is traffic")
    result = np.zeros(a.shape, dtype=np.int64)
    if a.sum() + a.size < _VECTOR_STEP_COST * (a.max(initial=0.0) + 1):
        # few intervals, or one much busier than the rest: a numpy step over all intervals costs
        # about _VECTOR_STEP_COST Python steps, so recurse interval by interval
        for i in np.flatnonzero(a > 0):
            result[i] = required_agents(float(a[i]), float(aht[i]), targets).agents
        return result
    first = np.floor(a) + 1
    pending = a > 0
    b = np.ones(a.shape, dtype=np.float64)
    ab = np.empty_like(a)
    k = 0
    while pending.any():
        # first block: up to the largest floor(A) + 1 and a margin; then blocks of _BLOCK
        size = max(_BLOCK, int(first[pending].max()) + _BLOCK - k) if k == 0 else _BLOCK
        block = np.empty((size, a.size), dtype=np.float64)
        for row in range(size):
            k += 1
            np.multiply(a, b, out=ab)
            np.divide(ab, ab + k, out=block[row])
            b = block[row]
        ks = np.arange(k - size + 1, k + 1, dtype=np.float64)[:, None]
        ok = (ks >= first) & pending
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # n <= A rows: masked
            c = ks * block / (ks - a * (1 - block))
            if targets.service_level is not None:
                ok &= 1 - c * np.exp(-(ks - a) * targets.threshold_s / aht) >= targets.service_level
            if targets.max_asa_s is not None:
                ok &= c * aht / (ks - a) <= targets.max_asa_s
            if targets.max_occupancy is not None:
                ok &= a / ks <= targets.max_occupancy
        found = ok.any(axis=0)
        result[found] = (ks[:, 0][ok.argmax(axis=0)]).astype(np.int64)[found]
        pending &= ~found
    return result


def scheduled_agents(agents: int, shrinkage: float) -> int:
    """ceil(n / (1 − shrinkage)) in exact arithmetic on the decimal the planner typed.

    In floats 21 / (1 − 0.3) is 30.000000000000004 and ceil would add an agent; here 0.3 is
    read back as 3/10 (its shortest repr), so the answer is exactly 30.
    """
    if agents < 0:
        raise ValueError("agents must be >= 0")
    numerator, denominator = _typed_fraction(float(shrinkage))
    return -(-agents * denominator // (denominator - numerator))


@lru_cache(maxsize=64)
def _typed_fraction(shrinkage: float) -> tuple[int, int]:
    if not 0.0 <= shrinkage < 1.0:
        raise ValueError("shrinkage must be in [0, 1)")
    q = Fraction(repr(shrinkage))
    return q.numerator, q.denominator


def _c_from_b(n: int, a: float, b: float) -> float:
    return n * b / (n - a * (1 - b))


def _sl(n: int, a: float, c: float, aht_s: float, threshold_s: float) -> float:
    return 1 - c * math.exp(-(n - a) * threshold_s / aht_s)


def _meets(sl: float, asa: float, occ: float, targets: StaffingTargets) -> bool:
    if targets.service_level is not None and sl < targets.service_level:
        return False
    if targets.max_asa_s is not None and asa > targets.max_asa_s:
        return False
    return targets.max_occupancy is None or occ <= targets.max_occupancy


def _check_traffic(traffic: float) -> None:
    if not (math.isfinite(traffic) and traffic >= 0):
        raise ValueError("traffic must be finite and >= 0")


def _check_stable(agents: int, traffic: float) -> None:
    _check_traffic(traffic)
    if agents <= traffic:
        raise ValueError("Erlang C is defined only for agents > traffic; use Erlang A below that")
