"""Staffing at both ends of the scale: 30,000 contacts per half hour and 1 contact per half hour.

Checks each answer by the metrics formula (target met at n, missed at n − 1 or n − 1 <= A) and
prints the time, for Erlang C (scalar and vectorised) and Erlang A. Run alone:
    .venv/bin/python bench/workforce_scale.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from workforce.erlang import StaffingTargets, required_agents, required_agents_many, service_level
from workforce.erlang_a import erlang_a, required_agents_erlang_a

INTERVAL_S, AHT_S, PATIENCE_S = 1800, 300.0, 180.0
TARGETS = StaffingTargets(0.8, 20.0)
T = TypeVar("T")


def best_of(runs: int, work: Callable[[], T]) -> tuple[float, T]:
    times, results = [], []
    for _ in range(runs):
        start = time.perf_counter()
        results.append(work())
        times.append(time.perf_counter() - start)
    return min(times), results[-1]


def main() -> None:
    for contacts in (30_000, 1):
        a = contacts * AHT_S / INTERVAL_S
        seconds, staffing = best_of(5, lambda a=a: required_agents(a, AHT_S, TARGETS))
        n = staffing.agents
        sl_n = service_level(n, a, AHT_S, 20.0)
        sl_below = service_level(n - 1, a, AHT_S, 20.0) if n - 1 > a else None
        correct = sl_n >= 0.8 and (sl_below is None or sl_below < 0.8)
        below = "undefined (n-1 <= A)" if sl_below is None else f"{sl_below:.4f}"
        print(f"{contacts} contacts per half hour, AHT {AHT_S:g} s: A = {a:g} erlangs")
        print(
            f"  Erlang C: n = {n}, SL(n) = {sl_n:.4f}, SL(n-1) = {below}, correct: {correct}, "
            f"{seconds * 1e3:.3f} ms"
        )
        v_seconds, many = best_of(5, lambda a=a: required_agents_many([a] * 8, AHT_S, TARGETS))
        print(f"  Erlang C vectorised, 8 such intervals: n = {set(many.tolist())}, {v_seconds * 1e3:.3f} ms")
        e_seconds, ea = best_of(3, lambda a=a: required_agents_erlang_a(a, AHT_S, PATIENCE_S, TARGETS))
        m = ea.agents
        below_a = erlang_a(m - 1, a, AHT_S, PATIENCE_S, 20.0).service_level if m > 1 else None
        correct_a = ea.service_level >= 0.8 and (below_a is None or below_a < 0.8)
        shown = "n/a (n = 1)" if below_a is None else f"{below_a:.4f}"
        print(
            f"  Erlang A, patience {PATIENCE_S:g} s: n = {m}, SL(n) = {ea.service_level:.4f}, "
            f"abandon {ea.p_abandon:.4f}, SL(n-1) = {shown}, correct: {correct_a}, {e_seconds * 1e3:.3f} ms"
        )


if __name__ == "__main__":
    main()
