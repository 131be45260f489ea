"""A group of waiting interactions that the same agents may take, best first.

Interactions that anyone meeting the same requirements may take share a group (same channel,
aging rate and alternatives in force). All of a group's interactions age at the same rate, so an
interaction's key `k = rate * enqueued - priority` never changes and its effective priority at
any moment is `rate * now - k`: aging never re-sorts anything.

Interactions of one priority reach the group in key order (they arrive in time order), so each
priority has a lane, a list used as a queue, and the group keeps its best head at hand. Filing
an interaction is an append; taking the best is a step along one lane and a comparison of the
few lane heads, where a heap of the whole group cost a dozen tuple comparisons. One that comes
out of order (enqueued before the lane's last, or filed again after a rejection) is put in its
place by bisection. Removals are lazy: an entry carries the token its record had when filed.
See docs/routing.md, "Indexes".
"""

from __future__ import annotations

from bisect import insort
from typing import TYPE_CHECKING, Final

from routing.policy import Requirement

if TYPE_CHECKING:
    from routing.waiting import WaitingRecord

GroupKey = tuple[int, float, tuple[Requirement, ...]]
"""Channel position, aging rate, requirements in force."""
Entry = tuple["WaitingRecord", int]
"""A record and its token when filed: live while the record is in the group with that token."""

_SLACK: Final = 64


class Lane:
    """One priority's interactions of a group, in key order from `start` on."""

    __slots__ = ("base", "entries", "start")

    def __init__(self, base: float) -> None:
        self.base = base
        self.entries: list[Entry] = []
        self.start = 0


class Group:
    __slots__ = ("alts", "ch", "dropped", "filed", "head", "key", "lanes", "rate", "size")

    def __init__(self, key: GroupKey) -> None:
        self.key = key
        self.ch, self.rate, self.alts = key
        self.lanes: list[Lane] = []  # one per base priority
        self.head: WaitingRecord | None = None  # the best live interaction, None when empty
        self.size = 0  # live interactions
        self.filed = 0  # entries in the lanes, live or stale
        self.dropped = False  # forgotten by the waiting index (an `InForce` may still name it)

    def add(self, rec: WaitingRecord) -> None:
        """File `rec`, whose `group` and `token` are already set."""
        for lane in self.lanes:  # a handful of priorities: searched in order
            if lane.base == rec.base:
                break
        else:
            lane = Lane(rec.base)
            self.lanes.append(lane)
        entries = lane.entries
        if len(entries) == lane.start or not better(rec, entries[-1][0]):
            entries.append((rec, rec.token))
        else:
            insort(entries, (rec, rec.token), lo=lane.start, key=_order)
        self.size += 1
        self.filed += 1
        head = self.head
        if head is None or better(rec, head):
            self.head = rec

    def remove(self, rec: WaitingRecord) -> None:
        """Take out `rec`, whose `group` was already cleared (so its entry reads as stale)."""
        self.size -= 1
        if self.size == 0:
            self.lanes.clear()
            self.head = None
            self.filed = 0
            return
        if self.head is rec:
            self._find_head()
        if self.filed > 2 * self.size + _SLACK:
            self._compact()

    def _find_head(self) -> None:
        best: WaitingRecord | None = None
        for lane in self.lanes:
            entries, i = lane.entries, lane.start
            while i < len(entries):
                entry = entries[i]
                rec = entry[0]
                if rec.group is self and rec.token == entry[1]:
                    if best is None or rec.k < best.k or (rec.k == best.k and better(rec, best)):
                        best = rec
                    break
                i += 1
                self.filed -= 1
            if i > _SLACK and 2 * i > len(entries):
                del entries[:i]
                i = 0
            lane.start = i
        self.head = best

    def _compact(self) -> None:
        """Drop every stale entry (removals in the middle of a lane wait for this)."""
        for lane in self.lanes:
            lane.entries = [(r, t) for r, t in lane.entries[lane.start :] if r.group is self and r.token == t]
            lane.start = 0
        self.filed = self.size


def better(a: WaitingRecord, b: WaitingRecord) -> bool:
    """`a` goes before `b`: higher effective priority (lower key), then older, then lower id."""
    if a.k != b.k:
        return a.k < b.k
    if a.enq_rel != b.enq_rel:
        return a.enq_rel < b.enq_rel
    return a.id < b.id


def _order(entry: Entry) -> tuple[float, float, int]:
    rec = entry[0]
    return (rec.k, rec.enq_rel, rec.id)
