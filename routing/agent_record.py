"""One agent as the engine tracks it: presence, skills, and per-channel state kept in lists.

Inside the engine a channel is its position in `CHANNELS`, so capacity, load and status per
channel are short lists indexed by that position rather than dicts keyed by channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from routing.availability import ANY_SKILL, AWAY, FREE, OFFLINE, WRAP_UP, Counts
from routing.snapshot import AgentState
from routing.vocabulary import (
    CHANNEL_INDEX,
    CHANNELS,
    MAX_LEVEL,
    MIN_LEVEL,
    N_CHANNELS,
    AgentId,
    Channel,
    Presence,
    RoutingError,
    Skill,
)
from routing.waiting import MetCache, WaitingRecord

NOT_INDEXED: Final = -1
"""The status of an agent the indexes do not count (being added or replaced)."""
PRESENCE_STATUS: Final = {Presence.OFFLINE: OFFLINE, Presence.AWAY: AWAY, Presence.WRAP_UP: WRAP_UP}

FreeSet = dict["AgentRecord", None]
"""Agents free on one channel with one skill level, in idle-line order (keyed by the record
itself: no id to box or look up on the hot path)."""


def per_channel(values: Mapping[Channel, int], aid: AgentId) -> list[int]:
    """A mapping keyed by channel as the engine keeps it: a list indexed by channel position.

    Counts below zero count as zero. A key that is not a channel raises `RoutingError` naming
    agent `aid`, before the caller changes anything: this is the check of `routing.checks` too.
    """
    found = [0] * N_CHANNELS
    try:
        for ch, n in values.items():
            at = CHANNEL_INDEX.get(ch)
            if at is None:
                raise RoutingError(f"agent {aid}: unknown channel {ch!r}")
            if n > 0:
                found[at] = n
    except TypeError as error:  # a key or count of another type (the compiled build checks types)
        raise RoutingError(f"agent {aid}: malformed channels {values!r}: {error}") from error
    return found


class AgentRecord:
    """The engine's mutable view of one agent. Per channel position: `capacity`, `load`, `active`
    (load plus pending offers), `status` (current) and `shown` (what the indexes reflect)."""

    __slots__ = (
        "active",
        "capacity",
        "gate",
        "id",
        "idle_seq",
        "idle_since",
        "lanes",
        "load",
        "met",
        "misses",
        "offers",
        "pending",
        "presence",
        "shown",
        "shown_seq",
        "skills",
        "slots",
        "status",
    )

    def __init__(self, state: AgentState) -> None:
        self.id: AgentId = state.id
        self.presence = Presence(state.presence)
        self.gate = PRESENCE_STATUS.get(self.presence, FREE)
        self.skills: dict[Skill, int] = checked_skills(state.id, state.skills)
        self.capacity = per_channel(state.capacity, state.id)
        self.load = per_channel(state.load, state.id)
        self.active = list(self.load)
        self.idle_since = state.idle_since
        self.idle_seq = 0
        self.misses = state.consecutive_misses
        self.met = MetCache()  # the waiting groups it meets (routing.waiting)
        self.offers: dict[WaitingRecord, int] = {}  # pending offers: interaction -> channel position
        self.status = [NOT_INDEXED] * N_CHANNELS
        self.shown = [NOT_INDEXED] * N_CHANNELS
        self.shown_seq = 0  # the idle_seq the free sets reflect
        self.pending = False
        self.slots: list[tuple[list[Counts], int]] = []  # (counters per channel, level offset) per skill
        self.lanes: list[tuple[FreeSet, ...]] = []  # the free sets it joins, per channel position

    def is_free(self) -> bool:
        """Free on at least one channel."""
        return FREE in self.status

    def snapshot(self) -> AgentState:
        load = {ch: n for ch, n in zip(CHANNELS, self.load, strict=True) if n}
        capacity = {ch: n for ch, n in zip(CHANNELS, self.capacity, strict=True) if n > 0}
        skills = dict(self.skills)
        return AgentState(
            id=self.id,
            presence=self.presence,
            skills=skills,
            capacity=capacity,
            load=load,
            idle_since=self.idle_since,
            consecutive_misses=self.misses,
        )


def checked_skills(aid: AgentId, skills: Mapping[Skill, int]) -> dict[Skill, int]:
    for skill, level in skills.items():
        if not MIN_LEVEL <= level <= MAX_LEVEL or skill == ANY_SKILL:
            raise RoutingError(f"agent {aid}: bad skill {skill!r}={level}")
    return dict(skills)
