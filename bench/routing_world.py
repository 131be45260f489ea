"""Shared by the routing benchmarks: a seeded contact center and a naive router to compare with.

The naive router has the same eligibility rules but no index: to place an interaction it scans
every agent and sorts the eligible ones; to feed a freed agent it sorts every waiting interaction.
Running this file alone only prints the world's shape.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import routing.engine
from routing import (
    AgentId,
    AgentState,
    Channel,
    CustomerClass,
    EscalationStep,
    InteractionId,
    Presence,
    QueueId,
    QueuePolicy,
    WaitingInteraction,
)

T0 = 1_700_000_000.0
N_SKILLS = 50
CHANNEL_WEIGHTS = {Channel.VOICE: 0.3, Channel.CHAT: 0.4, Channel.EMAIL: 0.2, Channel.SMS: 0.1}
BOOST = {CustomerClass.VIP: 10.0, CustomerClass.COMPLAINT: 5.0}


def policies(rng: random.Random) -> list[QueuePolicy]:
    return [
        QueuePolicy(
            QueueId(q),
            {f"s{q}": rng.randint(3, 6)},
            escalation=(EscalationStep(120, lower_levels_by=2),),
        )
        for q in range(N_SKILLS)
    ]


def capacity_for(kind: int) -> dict[Channel, int]:
    if kind == 0:
        return {Channel.CHAT: 3, Channel.EMAIL: 2}
    if kind == 1:
        return {Channel.VOICE: 1, Channel.CHAT: 2}
    return {Channel.VOICE: 1, Channel.CHAT: 3, Channel.EMAIL: 2, Channel.SMS: 2}


def busy_load(capacity: dict[Channel, int]) -> dict[Channel, int]:
    """A full agent: voice agents on a call, the others at chat and e-mail capacity."""
    if Channel.VOICE in capacity and len(capacity) == 2:
        return {Channel.VOICE: 1}
    return {ch: n for ch, n in capacity.items() if ch != Channel.VOICE}


def agents(rng: random.Random, n: int, *, busy: bool, first_id: int = 1) -> list[AgentState]:
    result = []
    for i in range(first_id, first_id + n):
        skills = {f"s{s}": rng.randint(1, 10) for s in rng.sample(range(N_SKILLS), 6)}
        capacity = capacity_for(rng.choices([0, 1, 2], [0.5, 0.3, 0.2])[0])
        load = busy_load(capacity) if busy else {}
        result.append(
            AgentState(AgentId(i), Presence.AVAILABLE, skills, capacity, load, T0 - rng.uniform(0, 600))
        )
    return result


def interaction(rng: random.Random, iid: int, at: float) -> WaitingInteraction:
    return WaitingInteraction(
        InteractionId(iid),
        rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0],
        QueueId(rng.randrange(N_SKILLS)),
        at,
        float(rng.choice([0, 0, 0, 2])),
        {},
        rng.choices(list(CustomerClass), [0.05, 0.8, 0.1, 0.05])[0],
    )


def build_label() -> str:
    """Which routing core runs: the mypyc build (`make compiled`, first on PYTHONPATH) or the
    pure-Python sources."""
    path = Path(routing.engine.__file__ or "").parent
    return f"compiled with mypyc ({path})" if routing.COMPILED else "pure Python"


# ---- the naive baseline ----------------------------------------------------------------------


@dataclass
class NaiveAgent:
    state: AgentState
    active: dict[Channel, int] = field(default_factory=dict)
    idle_since: float = 0.0


class NaiveRouter:
    """Same rules as the engine's defaults (longest idle, priority then age, voice exclusive)."""

    def __init__(self, queue_policies: list[QueuePolicy], states: list[AgentState]) -> None:
        self.policies = {p.queue: p for p in queue_policies}
        self.agents = {a.id: NaiveAgent(a, dict(a.load), a.idle_since) for a in states}
        self.waiting: dict[InteractionId, WaitingInteraction] = {}

    def _free(self, agent: NaiveAgent, ch: Channel) -> bool:
        cap = agent.state.capacity.get(ch, 0)
        if cap == 0 or agent.active.get(ch, 0) >= cap:
            return False
        others = sum(n for c, n in agent.active.items() if c != ch)
        voice = agent.active.get(Channel.VOICE, 0)
        return not (ch == Channel.VOICE and others) and not (ch != Channel.VOICE and voice)

    def _meets(self, agent: NaiveAgent, wi: WaitingInteraction) -> bool:
        need = self.policies[wi.queue].required_skills
        return all(agent.state.skills.get(s, 0) >= lvl for s, lvl in need.items())

    def _priority(self, wi: WaitingInteraction, now: float) -> float:
        policy = self.policies[wi.queue]
        return (
            wi.priority + BOOST.get(wi.customer_class, 0.0) + policy.aging_per_second * (now - wi.enqueued_at)
        )

    def queued(self, wi: WaitingInteraction, now: float) -> AgentId | None:
        ranked = sorted(
            (a for a in self.agents.values() if self._free(a, wi.channel) and self._meets(a, wi)),
            key=lambda a: (a.idle_since, a.state.id),
        )
        if not ranked:
            self.waiting[wi.id] = wi
            return None
        ranked[0].active[wi.channel] = ranked[0].active.get(wi.channel, 0) + 1
        return ranked[0].state.id

    def freed(self, aid: AgentId, load: dict[Channel, int], now: float) -> InteractionId | None:
        agent = self.agents[aid]
        agent.active, agent.idle_since = dict(load), now
        ranked = sorted(self.waiting.values(), key=lambda w: (-self._priority(w, now), w.enqueued_at, w.id))
        for wi in ranked:
            if self._free(agent, wi.channel) and self._meets(agent, wi):
                del self.waiting[wi.id]
                agent.active[wi.channel] = agent.active.get(wi.channel, 0) + 1
                return wi.id
        return None


if __name__ == "__main__":
    rng = random.Random(1)
    sample = agents(rng, 2000, busy=True)
    print(f"routing world: {N_SKILLS} skills, {len(sample)} agents, channels {dict(CHANNEL_WEIGHTS)}")
