"""Simulation speed at 200 agents, and the single-skill Erlang C comparison, in one run.

1. A contact center of 200 agents, 3 skills, voice and chat (concurrency 3), skewed (lognormal)
   handle times, patience, VIP share, ~85 % occupancy, 8 simulated hours in half-hour intervals:
   simulated hours per wall-clock second, contacts per second, and the share of the time spent
   inside `RoutingEngine.handle` (the rest is the event loop); baseline: a single-skill 12-agent
   run of the same length, and the ratio of their costs per contact.
2. Erlang C against the simulation: A = 10 erlangs, AHT 180 s, SL at 20 s, n = 12, 13, 14, each 20
   replications of 50 hours after a 1-hour warm-up; simulated SL and ASA (pooled over the
   replications) with 95 % intervals.
Prints, never asserts. Run alone:
    .venv/bin/python bench/workforce_simulation.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import routing
from routing import Channel, CustomerClass, QueueId, QueuePolicy
from workforce.erlang import average_speed_of_answer, service_level
from workforce.simulation import (
    AgentGroup,
    Exponential,
    LogNormal,
    QueueSpec,
    Scenario,
    SimulationResult,
    replicate,
    simulate,
)

HOURS, INTERVALS = 8, 16
VOICE_AHT, CHAT_AHT = LogNormal(300.0, 240.0), LogNormal(720.0, 500.0)
MIX = {CustomerClass.VIP: 0.1, CustomerClass.REGULAR: 0.9}


def contact_center() -> Scenario:
    def voice(queue: int, skill: str, per_half_hour: float) -> QueueSpec:
        policy = QueuePolicy(QueueId(queue), required_skills={skill: 1})
        return QueueSpec(
            policy, Channel.VOICE, (per_half_hour,) * INTERVALS, VOICE_AHT, Exponential(240.0), class_mix=MIX
        )

    chat_policy = QueuePolicy(QueueId(4), required_skills={"chat": 1})
    queues = (
        voice(1, "billing", 330.0),
        voice(2, "tech", 295.0),
        voice(3, "sales", 215.0),
        QueueSpec(chat_policy, Channel.CHAT, (220.0,) * INTERVALS, CHAT_AHT, Exponential(600.0)),
    )

    def group(name: str, count: int, skills: dict[str, int], chat: bool = False) -> AgentGroup:
        capacity = {Channel.VOICE: 1, Channel.CHAT: 3} if chat else {Channel.VOICE: 1}
        return AgentGroup(name, skills, capacity, (count,) * INTERVALS)

    groups = (
        group("billing", 50, {"billing": 8, "sales": 3}),
        group("tech", 50, {"tech": 8, "billing": 3}),
        group("sales", 40, {"sales": 8, "tech": 3}),
        group("blended", 60, {"chat": 6, "billing": 4, "tech": 4}, chat=True),
    )
    return Scenario(1800.0, queues, groups, warmup_s=1800.0)


def single_skill(agents: int, hours: int) -> Scenario:
    queue = QueueSpec(QueuePolicy(QueueId(1)), Channel.VOICE, (200.0,) * hours, Exponential(180.0))
    group = AgentGroup("agents", {}, {Channel.VOICE: 1}, (agents,) * hours)
    return Scenario(3600.0, (queue,), (group,), warmup_s=3600.0)


def timed(work: Callable[[], SimulationResult]) -> tuple[float, float, int, SimulationResult]:
    """Wall time, time inside the engine's `handle`, engine events, and the result."""
    original = routing.RoutingEngine.handle
    spent = [0.0, 0]

    def handle(self: Any, event: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(self, event)
        finally:
            spent[0] += time.perf_counter() - start
            spent[1] += 1

    routing.RoutingEngine.handle = handle  # type: ignore[method-assign]
    try:
        start = time.perf_counter()
        result = work()
        return time.perf_counter() - start, spent[0], int(spent[1]), result
    finally:
        routing.RoutingEngine.handle = original  # type: ignore[method-assign]


def speed() -> None:
    print(f"1. {HOURS} simulated hours, best of 3 (share of time inside RoutingEngine.handle at the end)")
    rows = [
        ("200 agents, 3 skills, voice+chat", contact_center()),
        ("1 skill, 12 agents", single_skill(12, 8)),
    ]
    rates = []
    for label, scenario in rows:
        best = min((timed(lambda s=scenario, k=k: simulate(s, k)) for k in range(3)), key=lambda r: r[0])
        wall, engine, events, result = best
        offered = sum(result.queue_total(q.queue).offered for q in scenario.queues)
        rates.append(offered / wall)
        print(
            f"  {label:34} {HOURS / wall:7.1f} sim h/s  {offered / wall:8.0f} contacts/s  "
            f"{events / wall:8.0f} engine events/s  (engine {engine / wall:.0%} of the time)"
        )
        if len(scenario.queues) > 1:
            for q in scenario.queues:
                t = result.queue_total(q.queue)
                print(
                    f"    queue {q.queue} {q.channel:5}: offered {t.offered:5}  SL {t.service_level:.3f}  "
                    f"ASA {t.asa_s:6.1f} s  abandon {t.abandon_rate:.3f}"
                )
            for g in scenario.groups:
                print(f"    group {g.name:8} occupancy {result.group_total(g.name).occupancy:.3f}")
    print(f"  cost of one contact, 200 agents 3 skills / 1 skill 12 agents: {rates[1] / rates[0]:.2f}x")


def erlang_c_table() -> None:
    print("\n2. Erlang C vs simulation: A = 10 erlangs, AHT 180 s, SL at 20 s; 20 x 50 h per n")
    print("   n   Erlang C SL   simulated SL        Erlang C ASA   simulated ASA     seconds")
    for n in (12, 13, 14):
        start = time.perf_counter()
        runs = replicate(single_skill(n, 50), 20, seed=100 + n)
        figures = runs.queue(QueueId(1))
        sl, asa = figures.service_level, figures.asa_s
        print(
            f"  {n:2}   {service_level(n, 10.0, 180.0, 20.0):11.4f}   {sl.mean:.4f} ± {sl.half_width:.4f}"
            f"   {average_speed_of_answer(n, 10.0, 180.0):12.1f}   {asa.mean:6.1f} ± {asa.half_width:4.1f}"
            f"   {time.perf_counter() - start:9.1f}"
        )


if __name__ == "__main__":
    speed()
    erlang_c_table()
