"""Agents as the engine tracks them, and the indexes that find a free eligible one fast.

For every channel, skill and level the index keeps the agents that are free on that channel, in
an insertion-ordered dict whose order is the idle line: an agent moves to its end whenever it
gains free capacity, so the first agent of each level meeting a requirement is that level's
longest idle one. It also keeps the per-status counters of `routing.availability`. See
docs/routing.md, "Indexes".
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
    ROW,
    STATUS_COUNT,
    WRAP_UP,
    PoolCounts,
    StatusCounters,
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
    as_channel,
)

_PRESENCE_STATUS = {Presence.OFFLINE: OFFLINE, Presence.AWAY: AWAY, Presence.WRAP_UP: WRAP_UP}
_NOT_INDEXED = -1
_NO_SKIP: tuple[Channel, ...] = ()

FreeSet = dict[AgentId, None]


class AgentRecord:
    """The engine's mutable view of one agent. `active` = load plus pending offers, per channel."""

    __slots__ = (
        "active",
        "capacity",
        "gate",
        "id",
        "idle_seq",
        "idle_since",
        "lanes",
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
        self.lanes: dict[Channel, tuple[FreeSet, ...]] = {}  # the free sets it joins, per channel

    def snapshot(self) -> AgentState:
        load, capacity, skills = dict(self.load), dict(self.capacity), dict(self.skills)
        return AgentState(self.id, self.presence, skills, capacity, load, self.idle_since, self.misses)


def checked_skills(aid: AgentId, skills: Mapping[Skill, int]) -> dict[Skill, int]:
    for skill, level in skills.items():
        if not MIN_LEVEL <= level <= MAX_LEVEL or skill == ANY_SKILL:
            raise RoutingError(f"agent {aid}: bad skill {skill!r}={level}")
    return dict(skills)


_CHANNEL_OFFSET = {ch: i * ROW for i, ch in enumerate(CHANNELS)}


class AgentIndex:
    """All agents, free-agent sets per (channel, skill, level) in idle order, status counters.

    `free[ch][skill][level]`; every agent is also in `free[ch][ANY_SKILL][0]`. Counters: one row
    per skill, `row[channel offset + level * STATUS_COUNT + status]`.
    """

    def __init__(self, rule: CrossChannelRule) -> None:
        self.agents: dict[AgentId, AgentRecord] = {}
        self._blocked_by = {ch: tuple(rule.blocked_by(ch)) for ch in CHANNELS}
        # A change of activity on `ch` can change the status on `ch` and on every channel it blocks.
        self._affected = {
            ch: (ch, *(c for c in CHANNELS if c != ch and ch in self._blocked_by[c])) for ch in CHANNELS
        }
        self.free: dict[Channel, dict[Skill, list[FreeSet]]] = {ch: {ANY_SKILL: [{}]} for ch in CHANNELS}
        self.counters = StatusCounters(len(CHANNELS))
        self._idle_seq = 0

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
        gained: list[Channel] | None = None
        status, gate, capacity, active = rec.status, rec.gate, rec.capacity, rec.active
        aid = rec.id
        for ch in channels:
            # The status on `ch`: presence first, then capacity, the cross-channel rule, load.
            new = gate
            if gate == FREE:
                cap = capacity.get(ch, 0)
                if cap <= 0:
                    new = NO_CHANNEL
                elif active.get(ch, 0) >= cap:
                    new = FULL
                for other in self._blocked_by[ch]:
                    if cap > 0 and active.get(other, 0) > 0:
                        new = BLOCKED
                        break
            old = status[ch]
            if new == old:
                continue
            self.counters.version += 1
            offset = _CHANNEL_OFFSET[ch]
            if old == _NOT_INDEXED:
                for row, base in rec.slots:
                    row[offset + base + new] += 1
            else:
                was, now_at = offset + old, offset + new
                for row, base in rec.slots:
                    row[base + was] -= 1
                    row[base + now_at] += 1
            status[ch] = new
            if old == FREE:
                for pool in rec.lanes[ch]:
                    del pool[aid]
            elif new == FREE:
                for pool in rec.lanes[ch]:
                    pool[aid] = None
                if gained is None:
                    gained = [ch]
                else:
                    gained.append(ch)
        if gained is not None or (freed and FREE in status.values()):
            self._requeue(rec, now, gained or _NO_SKIP)

    def _requeue(self, rec: AgentRecord, now: float, listed: list[Channel] | tuple[Channel, ...]) -> None:
        """Send `rec` to the back of the idle line; channels in `listed` were just put there."""
        rec.idle_since = now
        self._idle_seq += 1
        rec.idle_seq = self._idle_seq
        aid = rec.id
        for ch, status in rec.status.items():
            if status == FREE and ch not in listed:
                for pool in rec.lanes[ch]:
                    del pool[aid]
                    pool[aid] = None

    def _attach(self, rec: AgentRecord, now: float | None) -> None:
        self._idle_seq += 1
        rec.idle_seq = self._idle_seq
        if now is not None:
            rec.idle_since = now
        row = self.counters.row
        rec.slots = [(row(ANY_SKILL), 0)]
        rec.slots.extend((row(skill), level * STATUS_COUNT) for skill, level in rec.skills.items())
        rec.lanes = {}
        for ch in CHANNELS:
            if rec.capacity.get(ch, 0) <= 0:
                continue  # never free on `ch`: no free sets to join
            by_skill = self.free[ch]
            lane = [by_skill[ANY_SKILL][0]]
            for skill, level in rec.skills.items():
                levels = by_skill.get(skill)
                if levels is None:
                    levels = by_skill[skill] = [{} for _ in range(LEVEL_SLOTS)]
                lane.append(levels[level])
            rec.lanes[ch] = tuple(lane)
        self.refresh(rec, rec.idle_since)  # lists it where free, at the back of the idle line

    def _detach(self, rec: AgentRecord) -> None:
        for ch in CHANNELS:
            status = rec.status[ch]
            if status == _NOT_INDEXED:
                continue
            self.counters.version += 1
            offset = _CHANNEL_OFFSET[ch]
            for row, base in rec.slots:
                row[offset + base + status] -= 1
            if status == FREE:
                for pool in rec.lanes[ch]:
                    del pool[rec.id]
            rec.status[ch] = _NOT_INDEXED

    def pools(self, ch: Channel, req: Requirement) -> tuple[PoolCounts, ...]:
        """The status counters of the requirement's skills on `ch`, copied for a decision."""
        counters = self.counters
        key = (ch, req)
        found = counters.shared(key)
        if found is None:
            start = _CHANNEL_OFFSET[ch]
            if not req:
                found = ((ANY_SKILL, 0, counters.copy(ANY_SKILL, start)),)
            else:
                found = tuple((skill, level, counters.copy(skill, start)) for skill, level in req)
            counters.share(key, found)
        return found

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
        new_load = {as_channel(c): n for c, n in load.items() if n > 0}
        active = new_load.copy()
        for ch in rec.offers.values():
            active[ch] = active.get(ch, 0) + 1
        old = rec.active
        changed: list[Channel] = []
        freed = False
        for ch in CHANNELS:
            was, now_active = old.get(ch, 0), active.get(ch, 0)
            if was != now_active:
                changed.append(ch)
                freed = freed or now_active < was
        rec.load, rec.active = new_load, active
        if len(changed) == 1:
            self.refresh(rec, now, self._affected[changed[0]], freed=freed)
        elif changed:
            self.refresh(rec, now, freed=freed)

    def set_presence(self, rec: AgentRecord, presence: Presence, now: float) -> None:
        rec.presence = Presence(presence)
        rec.gate = _PRESENCE_STATUS.get(rec.presence, FREE)
        self.refresh(rec, now)
