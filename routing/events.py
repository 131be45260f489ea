"""What happened, as the router service reports it: each event carries its own time `at`.

Events are facts in the past tense. The engine applies any timeout or escalation that fell due
before `at` first, so a late `Tick` can never let an expired offer be accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from routing.snapshot import AgentState, WaitingInteraction
from routing.vocabulary import AgentId, Channel, InteractionId, Presence, Skill


@dataclass(frozen=True, slots=True)
class AgentLoggedIn:
    """An agent appears or comes back with a full state (replaces what the engine knew)."""

    agent: AgentState
    at: float


@dataclass(frozen=True, slots=True)
class AgentPresenceChanged:
    agent: AgentId
    presence: Presence
    at: float


@dataclass(frozen=True, slots=True)
class AgentSkillsChanged:
    """New skills and/or capacity; `None` keeps the current value."""

    agent: AgentId
    at: float
    skills: Mapping[Skill, int] | None = None
    capacity: Mapping[Channel, int] | None = None


@dataclass(frozen=True, slots=True)
class AgentLoadChanged:
    """The agent's current load per channel (absolute, so a repeated event changes nothing).

    Sent when an interaction ends or was taken outside routing; pending offers are not included.
    """

    agent: AgentId
    load: Mapping[Channel, int]
    at: float


@dataclass(frozen=True, slots=True)
class InteractionQueued:
    interaction: WaitingInteraction
    at: float


@dataclass(frozen=True, slots=True)
class InteractionRemoved:
    """Abandoned, closed or transferred elsewhere; `reason` goes into the decision log."""

    interaction: InteractionId
    at: float
    reason: str = "removed"


@dataclass(frozen=True, slots=True)
class OfferAccepted:
    interaction: InteractionId
    agent: AgentId
    at: float


@dataclass(frozen=True, slots=True)
class OfferRejected:
    interaction: InteractionId
    agent: AgentId
    at: float


@dataclass(frozen=True, slots=True)
class OfferTimedOut:
    """The agent's client gave up on the offer; the engine's own expiry is `OfferExpired`."""

    interaction: InteractionId
    agent: AgentId
    at: float


@dataclass(frozen=True, slots=True)
class Tick:
    """Only moves the clock, so timeouts and escalation steps due by `at` are applied."""

    at: float


Event = (
    AgentLoggedIn
    | AgentPresenceChanged
    | AgentSkillsChanged
    | AgentLoadChanged
    | InteractionQueued
    | InteractionRemoved
    | OfferAccepted
    | OfferRejected
    | OfferTimedOut
    | Tick
)
