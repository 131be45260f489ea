"""Agents as the engine tracks them, and the indexes that find a free eligible one fast.

For every channel and skill the index keeps the agents that are free on that channel, in an
insertion-ordered dict whose order is the idle line: an agent moves to its end whenever it gains
free capacity, so the first agent meeting a requirement is the longest idle one. It also keeps the
per-status counters of `routing.availability`. See docs/routing.md, "Indexes".
"""

from __future__ import annotations

from collections.abc import Mapping

from routing.availability import (
    ANY_SKILL,
    AWAY,
    BLOCKED,
    FREE,
    FULL,
    LEVEL_SLOTS,
    NO_CHANNEL,
    OFFLINE,
    STATUS_COUNT,
    WRAP_UP,
    Pool,
)
from routing.policy import CrossChannelRule, Requirement
from routing.snapshot import AgentState
from routing.vocabulary import (
    CHANNELS,
    MAX_LEVEL,
    MIN_LEVEL,
    AgentId,
    Channel,
    InteractionId,
    Presence,
    RoutingError,
    Skill,
)

_PRESENCE_STATUS = {Presence.OFFLINE: OFFLINE, Presence.AWAY: AWAY, Presence.WRAP_UP: WRAP_UP}
_NOT_INDEXED = -1


class AgentRecord:
    """The engine's mutable view of one agent. `reserved` counts pending offers per channel."""

    __slots__ = (
        "active",
        "capacity",
        "id",
        "idle_seq",
        "idle_since",
        "load",
        "misses",
        "offers",
        "presence",
        "skills",
        "status",
    )

    def __init__(self, state: AgentState) -> None:
        self.id: AgentId = state.id
        self.presence = Presence(state.presence)
        self.skills: dict[Skill, int] = checked_skills(state.id, state.skills)
        self.capacity: dict[Channel, int] = {Channel(c): n for c, n in state.capacity.items()}
        self.load: dict[Channel, int] = {Channel(c): n for c, n in state.load.items() if n}
        self.active: dict[Channel, int] = dict(self.load)
        self.idle_since = state.idle_since
        self.idle_seq = 0
        self.misses = state.consecutive_misses
        self.offers: dict[InteractionId, Channel] = {}
        self.status: dict[Channel, int] = dict.fromkeys(CHANNELS, _NOT_INDEXED)

    def snapshot(self) -> AgentState:
        return AgentState(
            self.id,
            self.presence,
            dict(self.skills),
            dict(self.capacity),
            dict(self.load),
            self.idle_since,
            self.misses,
        )


def checked_skills(aid: AgentId, skills: Mapping[Skill, int]) -> dict[Skill, int]:
    for skill, level in skills.items():
        if not MIN_LEVEL <= level <= MAX_LEVEL or skill == ANY_SKILL:
            raise RoutingError(f"agent {aid}: bad skill {skill!r}={level}")
    return dict(skills)


class AgentIndex:
    """All agents, free-agent sets per (channel, skill) in idle order, and status counters."""

    def __init__(self, rule: CrossChannelRule) -> None:
        self.agents: dict[AgentId, AgentRecord] = {}
        self._blocked_by = {ch: tuple(rule.blocked_by(ch)) for ch in CHANNELS}
        self.free: dict[Channel, dict[Skill, dict[AgentId, None]]] = {ch: {ANY_SKILL: {}} for ch in CHANNELS}
        self._counts: dict[tuple[Channel, Skill], list[int]] = {}
        self._idle_seq = 0

    def add(self, state: AgentState, now: float | None) -> AgentRecord:
        """Insert or replace an agent; `now` None keeps its `idle_since` (snapshot load)."""
        old = self.agents.get(state.id)
        rec = AgentRecord(state)
        if old is not None:
            self._detach(old)
            rec.offers, rec.active = old.offers, dict(rec.load)
            for ch in old.offers.values():
                rec.active[ch] = rec.active.get(ch, 0) + 1
        self.agents[rec.id] = rec
        self._attach(rec, now)
        return rec

    def change_skills(
        self,
        rec: AgentRecord,
        skills: Mapping[Skill, int] | None,
        capacity: Mapping[Channel, int] | None,
        now: float,
    ) -> None:
        self._detach(rec)
        if skills is not None:
            rec.skills = checked_skills(rec.id, skills)
        if capacity is not None:
            rec.capacity = {Channel(c): n for c, n in capacity.items()}
        self._attach(rec, now)

    def refresh(self, rec: AgentRecord, now: float, *, freed: bool = False) -> None:
        """Recompute statuses after presence, load or reservations changed.

        An agent that became free on a channel, or `freed` capacity on a channel where it was
        already free, goes to the back of the idle line (`idle_since` = now).
        """
        gained = False
        for ch in CHANNELS:
            new = self._status(rec, ch)
            old = rec.status[ch]
            if new != old:
                self._count(rec, ch, old, -1)
                self._count(rec, ch, new, +1)
                rec.status[ch] = new
                if old == FREE:
                    self._unlist(rec, ch)
                elif new == FREE:
                    self._list(rec, ch)
                    gained = True
        if gained or (freed and FREE in rec.status.values()):
            self._requeue(rec, now)

    def _requeue(self, rec: AgentRecord, now: float) -> None:
        rec.idle_since = now
        self._idle_seq += 1
        rec.idle_seq = self._idle_seq
        for ch in CHANNELS:
            if rec.status[ch] == FREE:
                self._unlist(rec, ch)
                self._list(rec, ch)

    def _attach(self, rec: AgentRecord, now: float | None) -> None:
        self._idle_seq += 1
        rec.idle_seq = self._idle_seq
        if now is not None:
            rec.idle_since = now
        for ch in CHANNELS:
            status = self._status(rec, ch)
            rec.status[ch] = status
            self._count(rec, ch, status, +1)
            if status == FREE:
                self._list(rec, ch)

    def _detach(self, rec: AgentRecord) -> None:
        for ch in CHANNELS:
            status = rec.status[ch]
            if status == _NOT_INDEXED:
                continue
            self._count(rec, ch, status, -1)
            if status == FREE:
                self._unlist(rec, ch)
            rec.status[ch] = _NOT_INDEXED

    def _status(self, rec: AgentRecord, ch: Channel) -> int:
        presence_status = _PRESENCE_STATUS.get(rec.presence)
        if presence_status is not None:
            return presence_status
        cap = rec.capacity.get(ch, 0)
        if cap <= 0:
            return NO_CHANNEL
        active = rec.active
        for other in self._blocked_by[ch]:
            if active.get(other, 0) > 0:
                return BLOCKED
        if active.get(ch, 0) >= cap:
            return FULL
        return FREE

    def _list(self, rec: AgentRecord, ch: Channel) -> None:
        by_skill = self.free[ch]
        by_skill[ANY_SKILL][rec.id] = None
        for skill in rec.skills:
            pool = by_skill.get(skill)
            if pool is None:
                pool = by_skill[skill] = {}
            pool[rec.id] = None

    def _unlist(self, rec: AgentRecord, ch: Channel) -> None:
        by_skill = self.free[ch]
        del by_skill[ANY_SKILL][rec.id]
        for skill in rec.skills:
            del by_skill[skill][rec.id]

    def _count(self, rec: AgentRecord, ch: Channel, status: int, delta: int) -> None:
        if status == _NOT_INDEXED:
            return
        counts = self._counts
        key = (ch, ANY_SKILL)
        row = counts.get(key)
        if row is None:
            row = counts[key] = [0] * (LEVEL_SLOTS * STATUS_COUNT)
        row[status] += delta
        for skill, level in rec.skills.items():
            key = (ch, skill)
            row = counts.get(key)
            if row is None:
                row = counts[key] = [0] * (LEVEL_SLOTS * STATUS_COUNT)
            row[level * STATUS_COUNT + status] += delta

    def pools(self, ch: Channel, req: Requirement) -> tuple[Pool, ...]:
        """The status counters of the requirement's skills on `ch`, copied for a decision."""
        empty = (0,) * (LEVEL_SLOTS * STATUS_COUNT)
        if not req:
            return (Pool(ANY_SKILL, 0, tuple(self._counts.get((ch, ANY_SKILL), empty))),)
        return tuple(Pool(skill, level, tuple(self._counts.get((ch, skill), empty))) for skill, level in req)

    def is_free(self, rec: AgentRecord, ch: Channel) -> bool:
        return rec.status[ch] == FREE

    def status_of(self, rec: AgentRecord, ch: Channel) -> int:
        return rec.status[ch]

    def reserve(self, rec: AgentRecord, iid: InteractionId, ch: Channel, now: float) -> None:
        rec.offers[iid] = ch
        rec.active[ch] = rec.active.get(ch, 0) + 1
        self.refresh(rec, now)

    def unreserve(self, rec: AgentRecord, iid: InteractionId, now: float, *, accepted: bool) -> None:
        """End a pending offer; if accepted its capacity turns into load instead of being freed."""
        ch = rec.offers.pop(iid)
        if accepted:
            rec.load[ch] = rec.load.get(ch, 0) + 1
            return
        rec.active[ch] -= 1
        self.refresh(rec, now, freed=True)

    def set_load(self, rec: AgentRecord, load: Mapping[Channel, int], now: float) -> None:
        rec.load = {Channel(c): n for c, n in load.items() if n > 0}
        active = dict(rec.load)
        for ch in rec.offers.values():
            active[ch] = active.get(ch, 0) + 1
        freed = any(n < rec.active.get(ch, 0) for ch, n in active.items()) or any(
            ch not in active for ch in rec.active if rec.active[ch] > 0
        )
        rec.active = active
        self.refresh(rec, now, freed=freed)

    def set_presence(self, rec: AgentRecord, presence: Presence, now: float) -> None:
        rec.presence = Presence(presence)
        self.refresh(rec, now)
