"""Agents as the engine tracks them, and the indexes that find a free eligible one fast.

For every channel, skill and level the index keeps the agents that are free on that channel, in
an insertion-ordered dict whose order is the idle line: an agent moves to its end whenever it
gains free capacity, so the first agent of each level meeting a requirement is that level's
longest idle one. It also keeps the per-status counters of `routing.availability`.

An agent's status per channel is always current; the free sets and counters follow it lazily.
A change marks the agent pending and `flush` brings the indexes in step, so an agent freed and
offered new work within one settle (the common case under load) costs no index update at all.
Whoever reads the free sets or counters flushes first. See docs/routing.md, "Indexes".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from routing.agent_record import (
    NOT_INDEXED,
    PRESENCE_STATUS,
    AgentRecord,
    FreeSet,
    checked_skills,
    per_channel,
)
from routing.availability import (
    ANY_SKILL,
    BLOCKED,
    FREE,
    FULL,
    LEVEL_SLOTS,
    NO_CHANNEL,
    STATUS_COUNT,
    Counts,
    PoolCopy,
    PoolCounts,
    StatusCounters,
)
from routing.in_force import InForce
from routing.policy import CrossChannelRule, Requirement
from routing.snapshot import AgentState
from routing.vocabulary import (
    CHANNEL_INDEX,
    CHANNELS,
    N_CHANNELS,
    AgentId,
    Channel,
    Presence,
    Skill,
)
from routing.waiting import WaitingRecord

ALL_CHANNELS: Final = tuple(range(N_CHANNELS))


_ANY_REQUIREMENT: Final[Requirement] = ((ANY_SKILL, 0),)


class AgentIndex:
    """All agents, free-agent sets per (channel, skill, level) in idle order, status counters.

    `free[c][skill][level]` for channel position `c`; every agent is also in
    `free[c][ANY_SKILL][0]`. Counters: per skill and channel position, `row[c].counts[level *
    STATUS_COUNT + status]`. Both reflect each agent's `shown` status; call `flush` before reading them.
    """

    def __init__(self, rule: CrossChannelRule, *, any_agent: bool = True) -> None:
        self.agents: dict[AgentId, AgentRecord] = {}
        # Whether any requirement can be empty ("any agent"): if none can, nobody joins the
        # any-agent free sets and counters, which saves one update in seven on the hot path.
        self.any_agent = any_agent
        self._blocked_by = [tuple(CHANNEL_INDEX[c] for c in rule.blocked_by(ch)) for ch in CHANNELS]
        # A change of activity on `c` can change the status on `c` and on every channel it blocks.
        self.affected = [
            (c, *(o for o in range(N_CHANNELS) if o != c and c in self._blocked_by[o]))
            for c in range(N_CHANNELS)
        ]
        self.free: list[dict[Skill, list[FreeSet]]] = [{ANY_SKILL: [{}]} for _ in CHANNELS]
        self.counters = StatusCounters(len(CHANNELS))
        self._idle_seq = 0
        self.pending: list[AgentRecord] = []  # agents whose indexes lag their status

    def add(self, state: AgentState, now: float | None) -> AgentRecord:
        """Insert or replace an agent; `now` None keeps its `idle_since` (snapshot load)."""
        old = self.agents.get(state.id)
        rec = AgentRecord(state)
        if old is not None:
            self._detach(old)
            rec.offers = old.offers
            for item, c in old.offers.items():
                rec.active[c] += 1
                item.offered_agent = rec
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
            rec.capacity = per_channel(capacity, rec.id)
        self._attach(rec, now)

    def refresh(
        self, rec: AgentRecord, now: float, channels: tuple[int, ...] = ALL_CHANNELS, *, freed: bool = False
    ) -> None:
        """Recompute the statuses of `channels` after presence, load or reservations changed.

        An agent that became free on a channel, or `freed` capacity on a channel where it was
        already free, goes to the back of the idle line (`idle_since` = now).
        """
        gained = changed = False
        status, gate, capacity, active = rec.status, rec.gate, rec.capacity, rec.active
        for c in channels:
            # The status on `c`: presence first, then capacity, the cross-channel rule, load.
            new = gate
            if gate == FREE:
                cap = capacity[c]
                if cap <= 0:
                    new = NO_CHANNEL
                else:
                    if active[c] >= cap:
                        new = FULL
                    for other in self._blocked_by[c]:
                        if active[other] > 0:
                            new = BLOCKED
                            break
            if new != status[c]:
                status[c] = new
                changed = True
                if new == FREE:
                    gained = True
        if gained or (freed and rec.is_free()):
            rec.idle_since = now
            self._idle_seq += 1
            rec.idle_seq = self._idle_seq
            changed = True
        if changed:
            self._mark_pending(rec)

    def _mark_pending(self, rec: AgentRecord) -> None:
        if not rec.pending:
            rec.pending = True
            self.pending.append(rec)

    def flush(self) -> None:
        """Bring the free sets and counters in step with every pending agent's status."""
        pending = self.pending
        if not pending:
            return
        if len(pending) > 1:
            pending.sort(key=_by_idle_seq)  # the free sets stay in idle-line order
        for rec in pending:
            rec.pending = False
            self._show(rec)
        pending.clear()

    def _show(self, rec: AgentRecord) -> None:
        moved = rec.shown_seq != rec.idle_seq
        rec.shown_seq = rec.idle_seq
        status, shown = rec.status, rec.shown
        for c in range(N_CHANNELS):
            old, new = shown[c], status[c]
            if old == new and not (moved and new == FREE):
                continue
            if old != new:
                for row, base in rec.slots:
                    counts = row[c]
                    if old != NOT_INDEXED:
                        counts.counts[base + old] -= 1
                    if new != NOT_INDEXED:
                        counts.counts[base + new] += 1
                    counts.version += 1
                shown[c] = new
            if old == FREE:
                for pool in rec.lanes[c]:
                    del pool[rec]
            if new == FREE:
                for pool in rec.lanes[c]:
                    pool[rec] = None

    def _attach(self, rec: AgentRecord, now: float | None) -> None:
        if now is not None:
            rec.idle_since = now
        row = self.counters.row
        rec.slots = [(row(ANY_SKILL), 0)] if self.any_agent else []
        rec.slots.extend((row(skill), level * STATUS_COUNT) for skill, level in rec.skills.items())
        rec.lanes = []
        for c in range(N_CHANNELS):
            if rec.capacity[c] <= 0:
                rec.lanes.append(())  # never free on `c`: no free sets to join
                continue
            by_skill = self.free[c]
            lane = [by_skill[ANY_SKILL][0]] if self.any_agent else []
            for skill, level in rec.skills.items():
                levels = by_skill.get(skill)
                if levels is None:
                    levels = by_skill[skill] = [{} for _ in range(LEVEL_SLOTS)]
                lane.append(levels[level])
            rec.lanes.append(tuple(lane))
        self.refresh(rec, rec.idle_since)
        self._idle_seq += 1  # at the back of the idle line, free or not
        rec.idle_seq = self._idle_seq
        self._mark_pending(rec)

    def _detach(self, rec: AgentRecord) -> None:
        """Take `rec` out of the counters and free sets (as they show it) until `_attach`."""
        rec.status = [NOT_INDEXED] * N_CHANNELS
        self._show(rec)

    def pools(self, c: int, in_force: InForce, i: int) -> tuple[PoolCounts, ...]:
        """The status counters of requirement `i` in force on channel `c`, copied for a decision
        (the same copy while those counters do not change)."""
        at = i * N_CHANNELS + c
        known = in_force.pools[at]
        if known is not None and known.is_current():
            return known.found
        req = in_force.reqs[i]
        wanted = req if req else _ANY_REQUIREMENT
        parts: list[Counts] = []
        copies: list[PoolCounts] = []
        for skill, level in wanted:
            part = self.counters.row(skill)[c]
            parts.append(part)
            copies.append((skill, level, part.copy()))
        found = tuple(copies)
        in_force.pools[at] = PoolCopy(found, parts)
        return found

    def reserve(self, rec: AgentRecord, item: WaitingRecord, now: float) -> None:
        c = item.ch
        rec.offers[item] = c
        rec.active[c] += 1
        self.refresh(rec, now, self.affected[c])

    def unreserve(self, rec: AgentRecord, item: WaitingRecord, now: float, *, accepted: bool) -> None:
        """End a pending offer; if accepted its capacity turns into load instead of being freed."""
        c = rec.offers.pop(item)
        if accepted:
            rec.load[c] += 1
            return
        rec.active[c] -= 1
        self.refresh(rec, now, self.affected[c], freed=True)

    def set_load(self, rec: AgentRecord, new_load: list[int], now: float) -> None:
        """Take the agent's load per channel position (pending offers not included)."""
        load, active = rec.load, rec.active  # changed in place: pending offers are active - load
        changed: list[int] = []
        freed = False
        for c in range(N_CHANNELS):
            n = new_load[c]
            if n != load[c]:
                active[c] += n - load[c]
                freed = freed or n < load[c]
                load[c] = n
                changed.append(c)
        if len(changed) == 1:
            self.refresh(rec, now, self.affected[changed[0]], freed=freed)
        elif changed:
            self.refresh(rec, now, freed=freed)

    def set_presence(self, rec: AgentRecord, presence: Presence, now: float) -> None:
        rec.presence = Presence(presence)
        rec.gate = PRESENCE_STATUS.get(rec.presence, FREE)
        self.refresh(rec, now)


def _by_idle_seq(rec: AgentRecord) -> int:
    return rec.idle_seq
