"""The engine's timers: offer expiries, escalation steps and ends of sticky windows.

Timers added in time order wait in a list per kind, the others in one heap. An entry is never
removed when it stops mattering (offer answered, interaction gone); it carries a token the engine
checks when the entry falls due, which keeps every change cheap and lets `next_deadline` skip
stale entries.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from enum import IntEnum
from typing import Final

from routing.vocabulary import InteractionId

_COMPACT_AT: Final = 1024  # a lane drops its popped entries once this many and half of it


class Timer(IntEnum):
    """The kinds of timer; each kind has its lane."""

    OFFER = 0
    STEP = 1
    STICKY = 2


class Entry:
    """One timer: due `at`, of `kind`, for interaction `iid`, live while the interaction's token
    is still `token`. Timers due at the same moment go by kind, then interaction id, so the
    order is fixed without a sequence number."""

    __slots__ = ("at", "iid", "kind", "token")

    def __init__(self, *, at: float, kind: Timer, iid: InteractionId, token: int) -> None:
        self.at = at
        self.kind = kind
        self.iid = iid
        self.token = token

    def __lt__(self, other: Entry) -> bool:
        if self.at != other.at:
            return self.at < other.at
        if self.kind != other.kind:
            return self.kind < other.kind
        if self.iid != other.iid:
            return self.iid < other.iid
        return self.token < other.token


class Deadlines:
    """One heap for all timers, except that a kind of timer added in time order (the usual case:
    an offer expires a fixed time after it is made, an escalation step a fixed time after the
    interaction arrived) goes to its own list used as a queue: an append instead of a push."""

    def __init__(self) -> None:
        self._heap: list[Entry] = []
        self._lanes: list[list[Entry]] = [[] for _ in Timer]
        self._heads = [0 for _ in Timer]  # the first entry of each lane not yet popped
        self._soonest = math.inf  # never later than the earliest entry

    def add(self, at: float, timer: Timer, iid: InteractionId, token: int) -> None:
        entry = Entry(at=at, kind=timer, iid=iid, token=token)
        lane = self._lanes[timer]
        if len(lane) == self._heads[timer] or lane[-1].at <= at:
            lane.append(entry)
        else:
            heapq.heappush(self._heap, entry)
        if at < self._soonest:
            self._soonest = at

    def next(self, is_live: Callable[[Entry], bool]) -> float | None:
        while True:
            source, first = self._first()
            if first is None:
                self._soonest = math.inf
                return None
            if is_live(first):
                self._soonest = first.at
                return first.at
            self._pop(source)

    def due(self, now: float) -> bool:
        return self._soonest <= now

    def pop_due(self, now: float) -> list[Entry]:
        """Entries due at or before `now`, earliest first (stale ones included, to be checked)."""
        due: list[Entry] = []
        while True:
            source, first = self._first()
            if first is None or first.at > now:
                self._soonest = math.inf if first is None else first.at
                return due
            due.append(self._pop(source))

    def _first(self) -> tuple[int, Entry | None]:
        """Where the earliest entry is (-1 the heap, else a lane) and the entry."""
        source, first = -1, (self._heap[0] if self._heap else None)
        for kind in range(len(self._lanes)):
            lane, head = self._lanes[kind], self._heads[kind]
            if head < len(lane) and (first is None or lane[head] < first):
                source, first = kind, lane[head]
        return source, first

    def _pop(self, source: int) -> Entry:
        if source < 0:
            return heapq.heappop(self._heap)
        lane, head = self._lanes[source], self._heads[source]
        entry = lane[head]
        head += 1
        if head > _COMPACT_AT and 2 * head > len(lane):
            del lane[:head]
            head = 0
        self._heads[source] = head
        return entry

    def __len__(self) -> int:
        return len(self._heap) + sum(
            len(lane) - head for lane, head in zip(self._lanes, self._heads, strict=True)
        )
