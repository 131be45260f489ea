"""A seeded, closed-loop day of traffic for replay tests: agents answer the engine's offers.

Run as a script it prints every decision, so a test can compare two processes with different
hash seeds (`python -m tests.routing.scenario SEED`).
"""

from __future__ import annotations

import random
import sys

from routing import (
    AgentChoice,
    AgentId,
    AgentLoadChanged,
    AgentPresenceChanged,
    AgentState,
    Channel,
    CustomerClass,
    Decision,
    EscalationStep,
    Event,
    InteractionId,
    InteractionQueued,
    InteractionRemoved,
    Offer,
    OfferAccepted,
    OfferRejected,
    Presence,
    QueueId,
    QueuePolicy,
    RoutingEngine,
    RoutingRules,
    Snapshot,
    Tick,
    WaitingInteraction,
)

T0 = 1_700_000_000.0
SKILLS = ["billing", "sales", "support", "es", "fr", "tech"]
POLICIES = [
    QueuePolicy(QueueId(1), {"billing": 5}, escalation=(EscalationStep(30, lower_levels_by=2),)),
    QueuePolicy(QueueId(2), {"sales": 3}, sticky_seconds=15, agent_choice=AgentChoice.LEAST_OCCUPIED),
    QueuePolicy(
        QueueId(3),
        {"tech": 6},
        agent_choice=AgentChoice.BEST_SKILL,
        escalation=(
            EscalationStep(20, overflow_queue=QueueId(1)),
            EscalationStep(45, any_agent_with_skill="support"),
        ),
    ),
]
RULES = RoutingRules(misses_before_away=3)


def run(seed: int, steps: int = 1500) -> tuple[Snapshot, list[Event], list[Decision]]:
    rnd = random.Random(seed)
    agents = tuple(
        AgentState(
            AgentId(i),
            Presence.AVAILABLE,
            {s: rnd.randint(1, 10) for s in rnd.sample(SKILLS, 3)},
            {Channel.VOICE: 1, Channel.CHAT: rnd.randint(1, 3), Channel.EMAIL: 2},
            {},
            T0 - rnd.randint(0, 100),
        )
        for i in range(1, 16)
    )
    initial = Snapshot(T0, agents)
    engine = RoutingEngine(POLICIES, RULES)
    decisions = engine.load(initial)
    events: list[Event] = []
    now = T0
    pending: list[Offer] = []
    handling: dict[int, list[Channel]] = {}
    live: list[int] = []

    def send(event: Event) -> None:
        out = engine.handle(event)
        events.append(event)
        decisions.extend(out)
        pending.extend(d for d in out if isinstance(d, Offer))

    for n in range(steps):
        now += rnd.expovariate(1.0)
        roll = rnd.random()
        if roll < 0.35:
            iid = 1000 + n
            live.append(iid)
            wi = WaitingInteraction(
                InteractionId(iid),
                rnd.choice(list(Channel)),
                QueueId(rnd.randint(1, 3)),
                now,
                0.0,
                {"es": 2} if rnd.random() < 0.1 else {},
                rnd.choice(list(CustomerClass)),
                AgentId(rnd.randint(1, 15)) if rnd.random() < 0.2 else None,
            )
            send(InteractionQueued(wi, now))
        elif roll < 0.65 and pending:
            offer = pending.pop(rnd.randrange(len(pending)))
            if rnd.random() < 0.85:
                send(OfferAccepted(offer.interaction, offer.agent, now))
                handling.setdefault(offer.agent, []).append(offer.channel)
            else:
                send(OfferRejected(offer.interaction, offer.agent, now))
        elif roll < 0.85 and handling:
            aid = rnd.choice(sorted(handling))
            chans = handling[aid]
            chans.pop(rnd.randrange(len(chans)))
            if not chans:
                del handling[aid]
            load = {ch: chans.count(ch) for ch in set(chans)}
            send(AgentLoadChanged(AgentId(aid), load, now))
        elif roll < 0.9 and live:
            send(InteractionRemoved(InteractionId(live.pop(rnd.randrange(len(live)))), now, "abandoned"))
        elif roll < 0.95:
            presence = rnd.choice([Presence.AVAILABLE, Presence.AVAILABLE, Presence.AWAY, Presence.WRAP_UP])
            send(AgentPresenceChanged(AgentId(rnd.randint(1, 15)), presence, now))
        else:
            send(Tick(now))
    return initial, events, decisions


if __name__ == "__main__":
    _, _, made = run(int(sys.argv[1]))
    for decision in made:
        print(repr(decision))
