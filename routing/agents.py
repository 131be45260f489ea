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
    PoolCounts,
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
    """The engine's mutable view of one agent. `active` = load plus pending offers, per channel."""

    __slots__ = (
        "active",
        "capacity",
        "gate",
        "id",
        "idle_seq",
        "idle_since",
        "load",
        "misses",
        "offers",
        "presence",
        "skills",
        "slots",
        "status",
    )

    def __init__(self, state: AgentState) -> None:
        self.id: AgentId = state.id
        self.presence = Presence(state.presence)
        self.gate = _PRESENCE_STATUS.get(self.presence, FREE)
        self.skills: dict[Skill, int] = checked_skills(state.id, state.skills)
        self.capacity: dict[Channel, int] = {Channel(c): n for c, n in state.capacity.items()}
        self.load: dict[Channel, int] = {Channel(c): n for c, n in state.load.items() if n}
        self.active: dict[Channel, int] = dict(self.load)
        self.idle_since = state.idle_since
        self.idle_seq = 0
        self.misses = state.consecutive_misses
        self.offers: dict[InteractionId, Channel] = {}
        self.status: dict[Channel, int] = dict.fromkeys(CHANNELS, _NOT_INDEXED)
        self.slots: list[tuple[list[int], int]] = []  # (counter row, level offset) per skill

    def snapshot(self) -> AgentState:
        load, capacity, skills = dict(self.load), dict(self.capacity), dict(self.skills)
        return AgentState(self.id, self.presence, skills, capacity, load, self.idle_since, self.misses)


def checked_skills(aid: AgentId, skills: Mapping[Skill, int]) -> dict[Skill, int]:
    for skill, level in skills.items():
        if not MIN_LEVEL <= level <= MAX_LEVEL or skill == ANY_SKILL:
            raise RoutingError(f"agent {aid}: bad skill {skill!r}={level}")
    return dict(skills)


_ROW = LEVEL_SLOTS * STATUS_COUNT
_CHANNEL_OFFSET = {ch: i * _ROW for i, ch in enumerate(CHANNELS)}


class AgentIndex:
    """All agents, free-agent sets per (channel, skill) in idle order, and status counters.

    Counters: one row per skill, `row[channel offset + level * STATUS_COUNT + status]`.
    """

    def __init__(self, rule: CrossChannelRule) -> None:
        self.agents: dict[AgentId, AgentRecord] = {}
        self._blocked_by = {ch: tuple(rule.blocked_by(ch)) for ch in CHANNELS}
        # A change of activity on `ch` can change the status on `ch` and on every channel it blocks.
        self._affected = {
            ch: (ch, *(c for c in CHANNELS if c != ch and ch in self._blocked_by[c])) for ch in CHANNELS
        }
        self.free: dict[Channel, dict[Skill, dict[AgentId, None]]] = {ch: {ANY_SKILL: {}} for ch in CHANNELS}
        self._rows: dict[Skill, list[int]] = {}
        self._idle_seq = 0
        # Copies of counter rows handed to decisions, shared while no counter changed, so a
        # burst of interactions that wait on the same agents stores one copy, not one each.
        self._version = 0
        self._copies: dict[tuple[Skill, Channel], tuple[int, tuple[int, ...]]] = {}

    def add(self, state: AgentState, now: float | None) -> AgentRecord:
        """Insert or replace an agent; `now` None keeps its `idle_since` (snapshot load)."""
        old = self.agents.get(state.id)
        rec = AgentRecord(state)
        if old is not None:
            self._detach(old)
            rec.offers = old.offers
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

    def refresh(
        self, rec: AgentRecord, now: float, channels: tuple[Channel, ...] = CHANNELS, *, freed: bool = False
    ) -> None:
        """Recompute the statuses of `channels` after presence, load or reservations changed.

        An agent that became free on a channel, or `freed` capacity on a channel where it was
        already free, goes to the back of the idle line (`idle_since` = now).
        """
        gained = False
        status = rec.status
        for ch in channels:
            new = self._status(rec, ch)
            old = status[ch]
            if new != old:
                self._count(rec, ch, old, new)
                status[ch] = new
                if old == FREE:
                    self._unlist(rec, ch)
                elif new == FREE:
                    self._list(rec, ch)
                    gained = True
        if gained or (freed and FREE in status.values()):
            self._requeue(rec, now)

    def _requeue(self, rec: AgentRecord, now: float) -> None:
        rec.idle_since = now
        self._idle_seq += 1
        rec.idle_seq = self._idle_seq
        for ch, status in rec.status.items():
            if status == FREE:
                self._unlist(rec, ch)
                self._list(rec, ch)

    def _attach(self, rec: AgentRecord, now: float | None) -> None:
        self._idle_seq += 1
        rec.idle_seq = self._idle_seq
        if now is not None:
            rec.idle_since = now
        rows = self._rows
        rec.slots = [(rows.setdefault(ANY_SKILL, [0] * (_ROW * len(CHANNELS))), 0)]
        for skill, level in rec.skills.items():
            rec.slots.append((rows.setdefault(skill, [0] * (_ROW * len(CHANNELS))), level * STATUS_COUNT))
        for ch in CHANNELS:
            status = self._status(rec, ch)
            rec.status[ch] = status
            self._count(rec, ch, _NOT_INDEXED, status)
            if status == FREE:
                self._list(rec, ch)

    def _detach(self, rec: AgentRecord) -> None:
        for ch in CHANNELS:
            status = rec.status[ch]
            if status == _NOT_INDEXED:
                continue
            self._count(rec, ch, status, _NOT_INDEXED)
            if status == FREE:
                self._unlist(rec, ch)
            rec.status[ch] = _NOT_INDEXED

    def _status(self, rec: AgentRecord, ch: Channel) -> int:
        if rec.gate != FREE:
            return rec.gate
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

    def _count(self, rec: AgentRecord, ch: Channel, old: int, new: int) -> None:
        self._version += 1
        offset = _CHANNEL_OFFSET[ch]
        for row, base in rec.slots:
            if old != _NOT_INDEXED:
                row[offset + base + old] -= 1
            if new != _NOT_INDEXED:
                row[offset + base + new] += 1

    def pools(self, ch: Channel, req: Requirement) -> tuple[PoolCounts, ...]:
        """The status counters of the requirement's skills on `ch`, copied for a decision."""
        if not req:
            return ((ANY_SKILL, 0, self._copy(ANY_SKILL, ch)),)
        return tuple((skill, level, self._copy(skill, ch)) for skill, level in req)

    def _copy(self, skill: Skill, ch: Channel) -> tuple[int, ...]:
        key = (skill, ch)
        cached = self._copies.get(key)
        if cached is not None and cached[0] == self._version:
            return cached[1]
        row = self._rows.get(skill)
        if row is None:
            return _EMPTY
        start = _CHANNEL_OFFSET[ch]
        copy = tuple(row[start : start + _ROW])
        self._copies[key] = (self._version, copy)
        return copy

    def reserve(self, rec: AgentRecord, iid: InteractionId, ch: Channel, now: float) -> None:
        rec.offers[iid] = ch
        rec.active[ch] = rec.active.get(ch, 0) + 1
        self.refresh(rec, now, self._affected[ch])

    def unreserve(self, rec: AgentRecord, iid: InteractionId, now: float, *, accepted: bool) -> None:
        """End a pending offer; if accepted its capacity turns into load instead of being freed."""
        ch = rec.offers.pop(iid)
        if accepted:
            rec.load[ch] = rec.load.get(ch, 0) + 1
            return
        rec.active[ch] -= 1
        self.refresh(rec, now, self._affected[ch], freed=True)

    def set_load(self, rec: AgentRecord, load: Mapping[Channel, int], now: float) -> None:
        new_load = {Channel(c): n for c, n in load.items() if n > 0}
        active = dict(new_load)
        for ch in rec.offers.values():
            active[ch] = active.get(ch, 0) + 1
        old = rec.active
        changed = [ch for ch in CHANNELS if active.get(ch, 0) != old.get(ch, 0)]
        freed = any(active.get(ch, 0) < old.get(ch, 0) for ch in changed)
        rec.load, rec.active = new_load, active
        if len(changed) == 1:
            self.refresh(rec, now, self._affected[changed[0]], freed=freed)
        elif changed:
            self.refresh(rec, now, freed=freed)

    def set_presence(self, rec: AgentRecord, presence: Presence, now: float) -> None:
        rec.presence = Presence(presence)
        rec.gate = _PRESENCE_STATUS.get(rec.presence, FREE)
        self.refresh(rec, now)


_EMPTY = (0,) * _ROW
