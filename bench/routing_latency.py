"""Latency of one event with 2,000 agents, 50 skills and 10,000 waiting interactions.

Every agent starts at capacity, so the queue holds. Then, over and over: one agent finishes an
interaction (it is offered the best waiting one it can take), accepts, and a new interaction is
queued. Each `handle` call is timed alone. The engine runs twice: with CPython's default garbage
collector settings, and as a router service would run it (`gc.freeze()` after loading the
snapshot, first-generation threshold 50,000), since collector pauses dominate the tail. Each event
is timed twice: wall clock, and the thread's CPU time (which leaves out the time the process
waits for a core on a shared machine, but costs about 1 us per reading). The naive
router (scan and sort, no index) handles the same kind of events in the same run for the ratio.
Figures are printed, never asserted.
"""

from __future__ import annotations

import gc
import random
import time

from routing_world import T0, NaiveRouter, agents, build_label, interaction, policies

from routing import (
    AgentLoadChanged,
    Decision,
    Event,
    InteractionQueued,
    Offer,
    OfferAccepted,
    RoutingEngine,
    Snapshot,
)

N_AGENTS, N_WAITING, ROUNDS, NAIVE_ROUNDS = 2_000, 10_000, 20_000, 300


def pct(samples: list[int], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1000.0


def line(name: str, samples: list[int], cpu: list[int] | None = None) -> str:
    text = (
        f"{name:<38} n={len(samples):>6}  wall p50 {pct(samples, 0.5):7.1f} us  "
        f"p99 {pct(samples, 0.99):8.1f} us  max {max(samples) / 1000:8.1f} us"
    )
    if cpu:
        text += f"  | cpu p50 {pct(cpu, 0.5):6.1f} us  p99 {pct(cpu, 0.99):7.1f} us"
    return text


class Timer:
    """Times `engine.handle` calls by wall clock and by thread CPU time."""

    def __init__(self) -> None:
        self.wall: list[int] = []
        self.cpu: list[int] = []

    def run(self, engine: RoutingEngine, event: Event) -> list[Decision]:
        c0, w0 = time.thread_time_ns(), time.perf_counter_ns()
        out = engine.handle(event)
        w1, c1 = time.perf_counter_ns(), time.thread_time_ns()
        self.wall.append(w1 - w0)
        self.cpu.append(c1 - c0)
        return out


def run_engine(tuned_gc: bool) -> tuple[Timer, Timer, Timer]:
    """Returns the timers of agent-freed, accepted and queued events."""
    rng = random.Random(20240601)
    queue_policies = policies(rng)
    staff = agents(rng, N_AGENTS, busy=True)
    backlog = [interaction(rng, i, T0 - rng.uniform(0, 60)) for i in range(N_WAITING)]
    engine = RoutingEngine(queue_policies)
    t = time.perf_counter()
    assert engine.load(Snapshot(T0, tuple(staff), tuple(backlog))) == []
    print(f"load: {N_AGENTS} agents + {N_WAITING} waiting in {time.perf_counter() - t:.2f} s")
    if tuned_gc:
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 20, 100)
    loads = {a.id: dict(a.load) for a in staff}
    ids = sorted(loads)
    freed_t, accept_t, queued_t = Timer(), Timer(), Timer()
    now = T0
    next_iid = N_WAITING
    offered = 0
    for _ in range(ROUNDS):
        now += 0.01
        aid = rng.choice(ids)
        busy = [ch for ch, n in loads[aid].items() if n]
        if busy:
            loads[aid][rng.choice(busy)] -= 1
        out = freed_t.run(engine, AgentLoadChanged(aid, dict(loads[aid]), now))
        for d in out:
            if isinstance(d, Offer):
                offered += 1
                accept_t.run(engine, OfferAccepted(d.interaction, d.agent, now))
                loads[d.agent][d.channel] = loads[d.agent].get(d.channel, 0) + 1
        queued_t.run(engine, InteractionQueued(interaction(rng, next_iid, now), now))
        next_iid += 1
    if tuned_gc:
        gc.unfreeze()
        gc.set_threshold(700, 10, 10)
    print(f"{ROUNDS} rounds, {offered} offers, {len(engine.waiting.items)} waiting at the end")
    return freed_t, accept_t, queued_t


def main() -> None:
    print(f"routing core: {build_label()}")
    runs = {}
    for tuned in (False, True):
        label = "tuned gc" if tuned else "default gc"
        freed, accepted, queued = runs[tuned] = run_engine(tuned)
        print(line(f"{label}: agent freed", freed.wall, freed.cpu))
        print(line(f"{label}: offer accepted", accepted.wall, accepted.cpu))
        print(line(f"{label}: interaction queued", queued.wall, queued.cpu))
    freed_t, queued_t = runs[False][0].wall, runs[False][2].wall
    rng = random.Random(20240601)
    queue_policies = policies(rng)
    staff = agents(rng, N_AGENTS, busy=True)
    backlog = [interaction(rng, i, T0 - rng.uniform(0, 60)) for i in range(N_WAITING)]
    ids = sorted(a.id for a in staff)
    now = T0
    perf = time.perf_counter_ns
    naive = NaiveRouter(queue_policies, staff)
    for wi in backlog:
        naive.waiting[wi.id] = wi
    rng = random.Random(7)
    n_freed: list[int] = []
    n_queued: list[int] = []
    nloads = {a.id: dict(a.load) for a in staff}
    for i in range(NAIVE_ROUNDS):
        now += 0.01
        aid = rng.choice(ids)
        busy = [ch for ch, n in nloads[aid].items() if n]
        if busy:
            nloads[aid][rng.choice(busy)] -= 1
        t0 = perf()
        naive.freed(aid, dict(nloads[aid]), now)
        n_freed.append(perf() - t0)
        nloads[aid] = dict(naive.agents[aid].active)
        wi = interaction(rng, 10_000_000 + i, now)
        t0 = perf()
        naive.queued(wi, now)
        n_queued.append(perf() - t0)
    print(line("naive (default gc): agent freed", n_freed))
    print(line("naive (default gc): interaction queued", n_queued))
    f50, q50 = pct(n_freed, 0.5) / pct(freed_t, 0.5), pct(n_queued, 0.5) / pct(queued_t, 0.5)
    f99, q99 = pct(n_freed, 0.99) / pct(freed_t, 0.99), pct(n_queued, 0.99) / pct(queued_t, 0.99)
    print(f"ratio naive/engine, both default gc: agent freed p50 {f50:.0f}x p99 {f99:.0f}x; ", end="")
    print(f"interaction queued p50 {q50:.0f}x p99 {q99:.0f}x")


if __name__ == "__main__":
    main()
