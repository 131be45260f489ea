"""Memory per agent and per waiting interaction (tracemalloc), against the naive router.

2,000 agents at capacity, then 10,000 interactions queued (none can be offered, so all wait).
The engine's figure includes everything it keeps for a waiting interaction: its record, heap and
timer entries, and its decision-log entries. The naive router keeps only the input objects and a
dict entry. Figures are printed, never asserted.
"""

from __future__ import annotations

import gc
import random
import tracemalloc

from routing_world import T0, NaiveRouter, agents, build_label, interaction, policies

from routing import InteractionQueued, RoutingEngine, Snapshot

N_AGENTS, N_WAITING = 2_000, 10_000


def measured() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def main() -> None:
    print(f"routing core: {build_label()}")
    queue_policies = policies(random.Random(20240601))
    tracemalloc.start()

    rng = random.Random(3)
    base = measured()
    engine = RoutingEngine(queue_policies)
    engine.load(Snapshot(T0, tuple(agents(rng, N_AGENTS, busy=True))))
    with_agents = measured()
    for i in range(N_WAITING):
        wi = interaction(rng, i, T0 + i * 1e-3)
        engine.handle(InteractionQueued(wi, wi.enqueued_at))
    with_waiting = measured()
    assert len(engine.waiting.items) == N_WAITING
    per_agent = (with_agents - base) / N_AGENTS
    per_item = (with_waiting - with_agents) / N_WAITING
    del engine

    rng = random.Random(3)
    base = measured()
    naive = NaiveRouter(queue_policies, agents(rng, N_AGENTS, busy=True))
    n_agents = measured()
    for i in range(N_WAITING):
        wi = interaction(rng, i, T0 + i * 1e-3)
        naive.queued(wi, wi.enqueued_at) if i < 50 else naive.waiting.__setitem__(wi.id, wi)
    n_waiting = measured()
    tracemalloc.stop()
    n_per_agent = (n_agents - base) / N_AGENTS
    n_per_item = (n_waiting - n_agents) / N_WAITING
    print(f"engine: {per_agent:,.0f} bytes per agent, {per_item:,.0f} bytes per waiting interaction")
    print(f"naive:  {n_per_agent:,.0f} bytes per agent, {n_per_item:,.0f} bytes per waiting interaction")
    print(f"ratio engine/naive: agents {per_agent / n_per_agent:.1f}x, waiting {per_item / n_per_item:.1f}x")
    print(
        f"engine total for {N_AGENTS} agents + {N_WAITING} waiting: "
        f"{(per_agent * N_AGENTS + per_item * N_WAITING) / 2**20:.1f} MiB"
    )


if __name__ == "__main__":
    main()
