"""Identifiers and closed vocabularies shared by every routing module.

Ids are `NewType`s over int so an agent id cannot be passed where an interaction id is expected.
The vocabularies are `StrEnum`s whose values equal the strings stored by `contact_center`, so the
router service maps a row with `Channel(row.channel)` and nothing else.
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


CHANNELS: Final[tuple[Channel, ...]] = tuple(Channel)
CHANNEL_INDEX: Final[dict[Channel, int]] = {ch: i for i, ch in enumerate(CHANNELS)}
"""Inside the engine a channel is its position in `CHANNELS`, so per-channel state is a list."""
N_CHANNELS: Final = 4
assert len(CHANNELS) == N_CHANNELS  # per-channel lists are written out with four entries


_POSITIONS: Final[dict[object, int]] = {ch: i for ch, i in CHANNEL_INDEX.items()}  # noqa: C416 (any key)


def find_channel(ch: object) -> int:
    """The position of channel `ch` in `CHANNELS` (an enum member or its string), or -1 if it is
    none. Identity first: compiled, four pointer comparisons cost less than hashing a member."""
    for i in range(N_CHANNELS):
        if CHANNELS[i] is ch:
            return i
    return _POSITIONS.get(ch, -1)


def as_channel(value: str) -> Channel:
    """`Channel(value)`, skipping the enum lookup when `value` already is one (hot path)."""
    return value if type(value) is Channel else Channel(value)  # type(): no attribute lookup


class Presence(StrEnum):
    """What the agent told us. Only `available` and `busy` are routable (see docs/routing.md)."""

    OFFLINE = "offline"
    AVAILABLE = "available"
    AWAY = "away"
    BUSY = "busy"
    WRAP_UP = "wrap_up"


ROUTABLE_PRESENCE: Final = frozenset({Presence.AVAILABLE, Presence.BUSY})


class CustomerClass(StrEnum):
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
