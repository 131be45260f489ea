"""The state the router service hands the engine on start: agents, waiting interactions, offers.

These are plain frozen values built from database rows by `contact_center`; no row ever crosses
into `routing/`. Mappings inside them are read once, never kept or mutated by the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from routing.vocabulary import (
    AgentId,
    Channel,
    CustomerClass,
    InteractionId,
    Presence,
    QueueId,
    Skill,
)


@dataclass(frozen=True, slots=True)
class AgentState:
    """One agent as the engine needs it.

    A channel missing from `capacity` (or with capacity 0) is one the agent may not take at all.
    `load` counts interactions the agent is handling now, per channel, without pending offers;
    `idle_since` is when the agent last gained free capacity (longest-idle order).
    """

    id: AgentId
    presence: Presence
    skills: Mapping[Skill, int] = field(default_factory=dict)
    capacity: Mapping[Channel, int] = field(default_factory=dict)
    load: Mapping[Channel, int] = field(default_factory=dict)
    idle_since: float = 0.0
    consecutive_misses: int = 0


@dataclass(frozen=True, slots=True)
class WaitingInteraction:
    """An interaction waiting for an agent. `required_skills` adds to the queue's requirement (a
    language, say); `excluded_agents` already rejected or missed it and are not tried again.

    `reserved_until`: a transfer to `preferred_agent`, offered only to them (while logged in and
    able to take it) until then, whatever the queue's sticky window; then to anyone eligible."""

    id: InteractionId
    channel: Channel
    queue: QueueId
    enqueued_at: float
    priority: float = 0.0
    required_skills: Mapping[Skill, int] = field(default_factory=dict)
    customer_class: CustomerClass = CustomerClass.REGULAR
    preferred_agent: AgentId | None = None
    excluded_agents: frozenset[AgentId] = frozenset()
    reserved_until: float | None = None


@dataclass(frozen=True, slots=True)
class PendingOffer:
    """An offer made before the snapshot and not yet answered; it keeps its original deadline."""

    interaction: InteractionId
    agent: AgentId
    offered_at: float


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything `RoutingEngine.load` rebuilds from. `at` is the time the snapshot was taken.

    Every interaction of `offers` must also be listed in `interactions`.
    """

    at: float
    agents: tuple[AgentState, ...] = ()
    interactions: tuple[WaitingInteraction, ...] = ()
    offers: tuple[PendingOffer, ...] = ()
