"""Throughput of a burst: 100,000 interactions routed to 5,000 agents, decisions per second.

All interactions arrive in a burst; agents accept every offer at once and finish their oldest
interaction, which frees capacity for the next offer, until every interaction was offered. The
clock counts only time inside `handle`. The naive router (scan and sort) runs the same kind of
burst scaled down, and the engine runs that scaled burst too, for a fair ratio. Figures are
printed, never asserted.
"""

from __future__ import annotations

import gc
import random
import time
from collections import deque

from routing_world import T0, NaiveRouter, agents, interaction, policies

from routing import (
    AgentId,
    AgentLoadChanged,
    Channel,
    InteractionQueued,
    Offer,
    OfferAccepted,
    QueuePolicy,
    RoutingEngine,
    Snapshot,
)
from routing.decisions import Decision


def engine_burst(
    queue_policies: list[QueuePolicy], n_agents: int, n_items: int, seed: int
) -> tuple[int, int, float]:
    """Returns (offers, events, seconds inside handle)."""
    rng = random.Random(seed)
    staff = agents(rng, n_agents, busy=False)
    engine = RoutingEngine(queue_policies)
    engine.load(Snapshot(T0, tuple(staff)))
    loads: dict[AgentId, dict[Channel, int]] = {a.id: {} for a in staff}
    running: deque[tuple[AgentId, Channel]] = deque()
    now = T0
    spent = 0.0
    events = offers = 0
    clock = time.perf_counter

    def handle(event: object) -> list[Decision]:
        nonlocal spent, events
        t0 = clock()
        out = engine.handle(event)  # type: ignore[arg-type]
        spent += clock() - t0
        events += 1
        return out

    def take(out: list[Decision]) -> None:
        nonlocal offers
        for d in out:
            if isinstance(d, Offer):
                offers += 1
                handle(OfferAccepted(d.interaction, d.agent, now))
                loads[d.agent][d.channel] = loads[d.agent].get(d.channel, 0) + 1
                running.append((d.agent, d.channel))

    for i in range(n_items):
        now += 1e-5
        take(handle(InteractionQueued(interaction(rng, i, now), now)))
    while running:
        now += 1e-5
        aid, ch = running.popleft()
        loads[aid][ch] -= 1
        take(handle(AgentLoadChanged(aid, dict(loads[aid]), now)))
    return offers, events, spent


def naive_burst(
    queue_policies: list[QueuePolicy], n_agents: int, n_items: int, seed: int
) -> tuple[int, float]:
    rng = random.Random(seed)
    staff = agents(rng, n_agents, busy=False)
    router = NaiveRouter(queue_policies, staff)
    running: deque[tuple[AgentId, Channel]] = deque()
    now = T0
    offers = 0
    t0 = time.perf_counter()
    for i in range(n_items):
        now += 1e-5
        wi = interaction(rng, i, now)
        aid = router.queued(wi, now)
        if aid is not None:
            offers += 1
            running.append((aid, wi.channel))
    while running:
        now += 1e-5
        aid, ch = running.popleft()
        agent = router.agents[aid]
        agent.active[ch] -= 1
        load = dict(agent.active)
        while True:
            iid = router.freed(aid, load, now)
            if iid is None:
                break
            offers += 1
            got = next(c for c, n in router.agents[aid].active.items() if n > load.get(c, 0))
            running.append((aid, got))
            load = dict(router.agents[aid].active)
    return offers, time.perf_counter() - t0


def main() -> None:
    queue_policies = policies(random.Random(20240601))
    for tuned in (False, True):
        if tuned:  # as a router service would run: collector thresholds raised (see routing_latency)
            gc.collect()
            gc.freeze()
            gc.set_threshold(50_000, 20, 100)
        offers, events, spent = engine_burst(queue_policies, 5_000, 100_000, seed=1)
        print(
            f"engine ({'tuned' if tuned else 'default'} gc), 100,000 interactions to 5,000 agents: "
            f"{offers} offers, "
            f"{events} events, {spent:.2f} s inside handle -> {offers / spent:,.0f} decisions/s, "
            f"{events / spent:,.0f} events/s, {spent / events * 1e6:.1f} us/event"
        )
        if tuned:
            gc.unfreeze()
            gc.set_threshold(700, 10, 10)
    small_agents, small_items = 200, 4_000
    e_offers, _, e_spent = engine_burst(queue_policies, small_agents, small_items, seed=2)
    n_offers, n_spent = naive_burst(queue_policies, small_agents, small_items, seed=2)
    print(
        f"scaled burst, {small_items} interactions to {small_agents} agents (default gc): engine {e_offers} "
        f"offers, {e_offers / e_spent:,.0f}/s; naive {n_offers} offers, {n_offers / n_spent:,.0f}/s; "
        f"ratio engine/naive {(e_offers / e_spent) / (n_offers / n_spent):.0f}x"
    )


if __name__ == "__main__":
    main()
