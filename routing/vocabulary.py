"""Identifiers and closed vocabularies shared by every routing module.

Ids are `NewType`s over int so an agent id cannot be passed where an interaction id is expected.
`Channel`, `Presence` and `CustomerClass` are defined here once: `contact_center.domain.enums`
re-exports them, so the values the database stores are these `StrEnum`s' values.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final, NewType

AgentId = NewType("AgentId", int)
InteractionId = NewType("InteractionId", int)
QueueId = NewType("QueueId", int)

Skill = str
"""A skill name such as "billing"; levels run from 1 (novice) to 10 (expert)."""

MIN_LEVEL: Final = 1
MAX_LEVEL: Final = 10


class Channel(StrEnum):
    VOICE = "voice"
    SMS = "sms"
    EMAIL = "email"
    CHAT = "chat"

    @property
    def is_async(self) -> bool:
        """Email and SMS threads may wait on the customer (`pending`); calls and chats may not."""
        return self in (Channel.EMAIL, Channel.SMS)


CHANNELS: Final[tuple[Channel, ...]] = tuple(Channel)
CHANNEL_INDEX: Final[dict[Channel, int]] = {ch: i for i, ch in enumerate(CHANNELS)}
"""Inside the engine a channel is its position in `CHANNELS`, so per-channel state is a list."""
N_CHANNELS: Final = len(CHANNELS)


class Presence(StrEnum):
    """What the agent told us. Only `available` and `busy` are routable (see docs/routing.md)."""

    OFFLINE = "offline"
    AVAILABLE = "available"
    AWAY = "away"
    BUSY = "busy"
    WRAP_UP = "wrap_up"


ROUTABLE_PRESENCE: Final = frozenset({Presence.AVAILABLE, Presence.BUSY})


class CustomerClass(StrEnum):
    """The company rules' four classes: important, general, potential and dissenting customers."""

    VIP = "vip"
    REGULAR = "regular"
    POTENTIAL = "potential"
    COMPLAINT = "complaint"


class AgentChoice(StrEnum):
    """How a queue picks one agent among several eligible ones."""

    LONGEST_IDLE = "longest_idle"
    LEAST_OCCUPIED = "least_occupied"
    BEST_SKILL = "best_skill"


class RoutingError(ValueError):
    """An input the engine cannot route at all (unknown queue, unknown channel, bad level)."""
