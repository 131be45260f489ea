"""The engine's timers: offer expiries, escalation steps and ends of sticky windows.

One heap for all of them. An entry is never removed when it stops mattering (offer answered,
interaction gone); it carries a token the engine checks when the entry falls due, which keeps
every change O(log n) and lets `next_deadline` skip stale entries cheaply.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from enum import IntEnum
from typing import Final

from routing.vocabulary import InteractionId

# Bound once: a compiled module would look `heapq.heappush` up on the module at every call.
_heappush: Final = heapq.heappush
_heappop: Final = heapq.heappop


class Timer(IntEnum):
    OFFER = 0
    STEP = 1
    STICKY = 2


Entry = tuple[float, int, Timer, InteractionId, int]


class Deadlines:
    def __init__(self) -> None:
        self._heap: list[Entry] = []
        self._seq = 0

    def add(self, at: float, timer: Timer, iid: InteractionId, token: int) -> None:
        self._seq += 1
        _heappush(self._heap, (at, self._seq, timer, iid, token))

    def next(self, is_live: Callable[[Entry], bool]) -> float | None:
        heap = self._heap
        while heap and not is_live(heap[0]):
            _heappop(heap)
        return heap[0][0] if heap else None

    def due(self, now: float) -> bool:
        heap = self._heap
        return bool(heap) and heap[0][0] <= now

    def pop_due(self, now: float) -> list[Entry]:
        """Entries due at or before `now`, earliest first (stale ones included, to be checked)."""
        heap = self._heap
        due: list[Entry] = []
        while heap and heap[0][0] <= now:
            due.append(_heappop(heap))
        return due

    def __len__(self) -> int:
        return len(self._heap)
