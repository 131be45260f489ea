"""Routing core: snapshot and events in, decisions out. Pure: no I/O, no clock, no asyncio.

Public API (design in docs/routing.md):

    engine = RoutingEngine(policies: Iterable[QueuePolicy], rules: RoutingRules | None = None)
    engine.load(snapshot: Snapshot) -> list[Decision]        # rebuild state, e.g. on start
    engine.handle(event: Event) -> list[Decision]            # one event, with its own time `at`
    engine.handle_many(events) -> list[Decision]             # a batch, settled once at its end
    engine.next_deadline() -> float | None                   # when to send the next Tick
    engine.explain(iid: InteractionId) -> Explanation        # why this agent / why still waiting
    engine.explain_agent(iid, aid) -> str                    # could this agent take it, and if not why
    engine.snapshot() -> Snapshot                            # current state, as `load` takes it
    replay(initial: Snapshot, events, policies, rules=None) -> (engine, list[Decision])
    replay_batches(initial, batches, policies, rules=None)   # the same for `handle_many` batches

Decisions are `Offer`, `OfferExpired`, `OfferWithdrawn` and `SetAgentAway`; each carries its reason.
"""

from __future__ import annotations

import sys

from routing.availability import Pool
from routing.decisions import Decision, Offer, OfferExpired, OfferReason, OfferWithdrawn, SetAgentAway
from routing.engine import RoutingEngine
from routing.events import (
    AgentLoadChanged,
    AgentLoggedIn,
    AgentPresenceChanged,
    AgentSkillsChanged,
    Event,
    InteractionQueued,
    InteractionRemoved,
    OfferAccepted,
    OfferRejected,
    OfferTimedOut,
    Tick,
)
from routing.explain import Explanation, LogEntry
from routing.policy import CrossChannelRule, EscalationStep, QueuePolicy, RoutingRules
from routing.replay import replay, replay_batches
from routing.snapshot import AgentState, PendingOffer, Snapshot, WaitingInteraction
from routing.vocabulary import (
    AgentChoice,
    AgentId,
    Channel,
    CustomerClass,
    InteractionId,
    Presence,
    QueueId,
    RoutingError,
)

COMPILED: bool = (sys.modules[__name__].__file__ or "").endswith(".so")
"""Whether this is the mypyc build of the package (`make compiled`; docs/routing.md, "Compiled")."""

__all__ = [
    "COMPILED",
    "AgentChoice",
    "AgentId",
    "AgentLoadChanged",
    "AgentLoggedIn",
    "AgentPresenceChanged",
    "AgentSkillsChanged",
    "AgentState",
    "Channel",
    "CrossChannelRule",
    "CustomerClass",
    "Decision",
    "EscalationStep",
    "Event",
    "Explanation",
    "InteractionId",
    "InteractionQueued",
    "InteractionRemoved",
    "LogEntry",
    "Offer",
    "OfferAccepted",
    "OfferExpired",
    "OfferReason",
    "OfferRejected",
    "OfferTimedOut",
    "OfferWithdrawn",
    "PendingOffer",
    "Pool",
    "Presence",
    "QueueId",
    "QueuePolicy",
    "RoutingEngine",
    "RoutingError",
    "RoutingRules",
    "SetAgentAway",
    "Snapshot",
    "Tick",
    "WaitingInteraction",
    "replay",
    "replay_batches",
]
