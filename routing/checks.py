"""Checks an event passes before the engine applies it, so a bad one changes nothing.

`handle` and `handle_many` run them first (for a batch, on every event before the first is
applied): an unknown queue, channel, presence or customer class, or a skill level outside 1..10,
raises `RoutingError` and leaves the engine as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from routing.agent_record import checked_skills, per_channel
from routing.events import (
    AgentLoadChanged,
    AgentLoggedIn,
    AgentPresenceChanged,
    AgentSkillsChanged,
    Event,
    InteractionQueued,
)
from routing.policy import QueuePolicy
from routing.vocabulary import AgentId, Channel, CustomerClass, Presence, QueueId, RoutingError

_CHANNELS: Final = frozenset(Channel)
_PRESENCES: Final = frozenset(Presence)
_CLASSES: Final = frozenset(CustomerClass)


def check_event(event: Event, policies: dict[QueueId, QueuePolicy]) -> None:
    """Raise `RoutingError` if the engine could not apply `event` whole.

    In the compiled build (docs/routing.md, "Compiled") reading a field that holds the wrong
    type (a plain string where a `Presence` belongs, say) raises `TypeError`; it becomes a
    `RoutingError` here too, so both builds refuse a malformed event the same way.
    """
    try:
        _check(event, policies)
    except TypeError as error:
        raise RoutingError(f"malformed {type(event).__name__}: {error}") from error


def _check(event: Event, policies: dict[QueueId, QueuePolicy]) -> None:
    if isinstance(event, AgentLoadChanged):
        _channels(event.agent, event.load)
    elif isinstance(event, InteractionQueued):
        item = event.interaction
        if item.queue not in policies:
            raise RoutingError(f"interaction {item.id}: unknown queue {item.queue}")
        if item.channel not in _CHANNELS or item.customer_class not in _CLASSES:
            raise RoutingError(f"interaction {item.id}: unknown channel or customer class")
    elif isinstance(event, AgentLoggedIn):
        state = event.agent
        _presence(state.id, state.presence)
        checked_skills(state.id, state.skills)
        _channels(state.id, state.capacity)
        _channels(state.id, state.load)
    elif isinstance(event, AgentPresenceChanged):
        _presence(event.agent, event.presence)
    elif isinstance(event, AgentSkillsChanged):
        if event.skills is not None:
            checked_skills(event.agent, event.skills)
        if event.capacity is not None:
            _channels(event.agent, event.capacity)


def _channels(aid: AgentId, values: Mapping[Channel, int]) -> None:
    per_channel(values, aid)  # the engine's own reading, which refuses a key that is no channel


def _presence(aid: AgentId, presence: Presence) -> None:
    if presence not in _PRESENCES:
        raise RoutingError(f"agent {aid}: unknown presence {presence!r}")
