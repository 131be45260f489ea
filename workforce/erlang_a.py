"""Erlang A (M/M/n+M, Palm): Erlang C plus exponential patience of mean θ.

Callers hang up, so the queue is stable for every n ≥ 1, even when n ≤ A, and staffing needs
fewer agents than Erlang C, which assumes everybody waits for ever. The model is the birth–death
chain whose death rate in state n + m is nμ + mθ:

- states below n are the Erlang B distribution, so P(wait) needs only B(n, A) from the stable
  recursion and the queue sum Q = Σ_m ∏_{j≤m} λ / (nμ + jθ), summed in log space and truncated
  once the terms fall below e^-50 of the largest;
- a caller who finds m others waiting is answered with probability nμ / (nμ + (m+1)θ), and the
  virtual wait, tilted by the patience, is a sum of exponentials of rates nμ + iθ (i = 1..m+1).
  Its distribution function is the regularised incomplete beta I_x(m+1, nμ/θ + 1) with
  x = 1 − e^(−θt), i.e. the tail of a negative binomial, summed from its pmf in log space.

No factorials, no scipy: numpy sums of logs. See docs/workforce.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from workforce.erlang import FloatArray, StaffingTargets

_LOG_NEGLIGIBLE = -50.0
_MAX_QUEUE_STATES = 20_000_000


@dataclass(frozen=True, slots=True)
class ErlangAMetrics:
    """Figures for n agents; service_level = answered within threshold_s / offered."""

    agents: int
    traffic: float
    p_wait: float
    p_abandon: float
    service_level: float
    asa_s: float
    occupancy: float


def erlang_a(
    agents: int, traffic: float, aht_s: float, patience_s: float, threshold_s: float = 20.0
) -> ErlangAMetrics:
    """P(wait), P(abandon), SL at threshold_s, ASA (answered only) and occupancy for n ≥ 1."""
    if agents < 1:
        raise ValueError("Erlang A needs at least one agent")
    if not (math.isfinite(traffic) and traffic >= 0):
        raise ValueError("traffic must be finite and >= 0")
    if aht_s <= 0 or patience_s <= 0 or threshold_s < 0:
        raise ValueError("aht_s and patience_s must be > 0, threshold_s >= 0")
    if traffic == 0:
        return ErlangAMetrics(agents, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return _metrics(agents, traffic, _erlang_b_up_to(agents, traffic)[agents], aht_s, patience_s, threshold_s)


def required_agents_erlang_a(
    traffic: float,
    aht_s: float,
    patience_s: float,
    targets: StaffingTargets,
    max_abandon_rate: float | None = None,
) -> ErlangAMetrics:
    """Smallest n ≥ 1 meeting every target given (SL, ASA, occupancy, abandon rate).

    Each figure is monotone in n, so the search gallops up from floor(A) + 1 (or down from it,
    as Erlang A may need fewer agents than traffic) and bisects; B(n) comes from one table.
    """
    if max_abandon_rate is not None and not 0.0 <= max_abandon_rate <= 1.0:
        raise ValueError("max_abandon_rate must be in [0, 1]")
    if traffic == 0:
        return ErlangAMetrics(0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    table = _erlang_b_up_to(math.floor(traffic) + 1, traffic)
    cache: dict[int, ErlangAMetrics] = {}

    def meets(n: int) -> bool:
        while len(table) <= n:
            ab = traffic * table[-1]
            table.append(ab / (len(table) + ab))
        if n not in cache:
            cache[n] = _metrics(n, traffic, table[n], aht_s, patience_s, targets.threshold_s)
        return _meets(cache[n], targets, max_abandon_rate)

    start = math.floor(traffic) + 1
    if meets(start):  # gallop down; lo = 0 stands for "no agents", which never meets
        lo, hi, step = 0, start, 1
        while hi - step >= 1:
            if not meets(hi - step):
                lo = hi - step
                break
            hi, step = hi - step, step * 2
    else:  # gallop up
        lo, hi, step = start, start + 1, 1
        while not meets(hi):
            lo, hi, step = hi, hi + step, step * 2
    while hi - lo > 1:  # invariant: lo fails, hi meets
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if meets(mid) else (mid, hi)
    return cache[hi]


def _meets(m: ErlangAMetrics, targets: StaffingTargets, max_abandon_rate: float | None) -> bool:
    if targets.service_level is not None and m.service_level < targets.service_level:
        return False
    if targets.max_asa_s is not None and m.asa_s > targets.max_asa_s:
        return False
    if targets.max_occupancy is not None and m.occupancy > targets.max_occupancy:
        return False
    return max_abandon_rate is None or m.p_abandon <= max_abandon_rate


def _erlang_b_up_to(n: int, traffic: float) -> list[float]:
    table = [1.0]
    for k in range(1, n + 1):
        ab = traffic * table[-1]
        table.append(ab / (k + ab))
    return table


def _queue_log_terms(n: int, traffic: float, g: float) -> FloatArray:
    """log ∏_{j≤m} A / (n + j·g) for m = 0..M (rates in units of μ, g = θ/μ), M large enough."""
    peak = max(0.0, (traffic - n) / g)
    size = int(peak) + 64
    log_a = math.log(traffic)
    while True:
        j = np.arange(1, size + 1, dtype=np.float64)
        logq = np.concatenate(([0.0], np.cumsum(log_a - np.log(n + j * g))))
        if logq[-1] - logq.max() < _LOG_NEGLIGIBLE and j[-1] * g + n > traffic:
            return logq
        if size > _MAX_QUEUE_STATES:
            raise ValueError("patience too long for this load: use Erlang C (agents > traffic)")
        size *= 2


def _metrics(
    n: int, traffic: float, b: float, aht_s: float, patience_s: float, threshold_s: float
) -> ErlangAMetrics:
    g = aht_s / patience_s  # θ/μ
    logq = _queue_log_terms(n, traffic, g)
    top = float(logq.max())
    log_q_sum = top + math.log(float(np.exp(logq - top).sum()))
    waiting = np.exp(logq - log_q_sum)  # P(m others ahead | wait)
    if b == 0.0:
        p_wait = 0.0
    else:  # P(wait) = B·Q / (1 − B + B·Q), in logs as B·Q may overflow or underflow
        log_bq = math.log(b) + log_q_sum
        p_wait = math.exp(log_bq - float(np.logaddexp(math.log1p(-b), log_bq)))
    ahead = np.arange(logq.size, dtype=np.float64)
    answered = n / (n + (ahead + 1) * g)  # P(answered | m ahead)
    p_abandon = p_wait * float(np.dot(waiting, 1 - answered))
    # E[wait; answered | m] = P(answered | m) · Σ_{i=1..m+1} 1 / (nμ + iθ), in AHT units
    tilted_mean = np.cumsum(1 / (n + (ahead + 1) * g))
    asa = p_wait * float(np.dot(waiting, answered * tilted_mean)) * aht_s / (1 - p_abandon)
    within = _answered_within(n, g, threshold_s / patience_s, logq.size)
    sl = (1 - p_wait) + p_wait * float(np.dot(waiting, answered * within))
    return ErlangAMetrics(n, traffic, p_wait, p_abandon, sl, asa, traffic * (1 - p_abandon) / n)


def _answered_within(n: int, g: float, theta_t: float, size: int) -> FloatArray:
    """I_x(m+1, n/g + 1) for m = 0..size−1: P(tilted virtual wait ≤ t | m ahead)."""
    if theta_t == 0:
        return np.zeros(size)
    shape = n / g + 1
    log_x = math.log(-math.expm1(-theta_t))
    k = np.arange(1, size, dtype=np.float64)
    # negative binomial pmf: p(0) = (1 − x)^shape, p(k)/p(k−1) = x·(k − 1 + shape)/k
    log_p0 = -shape * theta_t
    log_pmf = np.concatenate(([log_p0], log_p0 + np.cumsum(log_x + np.log((k - 1 + shape) / k))))
    cdf = np.cumsum(np.exp(log_pmf))
    within: FloatArray = np.clip(1 - cdf, 0.0, 1.0)
    return within
