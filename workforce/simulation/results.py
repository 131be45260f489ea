"""What a simulation reports: per queue and interval the counts behind SL, ASA and abandon rate,
and per agent group and interval the time behind occupancy.

Results keep counts and sums, never only ratios, so intervals, classes and replications add up
exactly; the ratios are the shared metrics definitions (docs/metrics.md): a contact
belongs to the interval in which it was offered, short abandons are counted but left out of
service level and abandon rate, ASA is over answered contacts, occupancy is handling time over
handling plus available idle time, counted once per agent-second whatever the concurrency.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from routing import CustomerClass, QueueId


@dataclass(frozen=True, slots=True)
class QueueStats:
    """Counts for one queue over one interval (or a sum of intervals).

    `abandoned` includes the `short_abandons`; `unresolved` were still waiting when the run
    stopped (only without drain, or when nobody was left to answer them).
    """

    threshold_s: float
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    short_abandons: int = 0
    answered_within: int = 0
    wait_answered_s: float = 0.0

    @property
    def unresolved(self) -> int:
        return self.offered - self.answered - self.abandoned

    @property
    def service_level(self) -> float:
        """Answered within the threshold / (offered − short abandons); NaN when nothing counts."""
        base = self.offered - self.short_abandons
        return self.answered_within / base if base > 0 else math.nan

    @property
    def asa_s(self) -> float:
        return self.wait_answered_s / self.answered if self.answered else math.nan

    @property
    def abandon_rate(self) -> float:
        """Abandoned (not short) / (offered − short abandons)."""
        base = self.offered - self.short_abandons
        return (self.abandoned - self.short_abandons) / base if base > 0 else math.nan

    def __add__(self, other: QueueStats) -> QueueStats:
        return QueueStats(
            self.threshold_s,
            self.offered + other.offered,
            self.answered + other.answered,
            self.abandoned + other.abandoned,
            self.short_abandons + other.short_abandons,
            self.answered_within + other.answered_within,
            self.wait_answered_s + other.wait_answered_s,
        )


@dataclass(frozen=True, slots=True)
class OccupancyStats:
    """Agent-seconds of one group: handling (at least one interaction, wrap-up included) and
    available idle (logged in, not away, nothing to do)."""

    handling_s: float = 0.0
    idle_s: float = 0.0

    @property
    def occupancy(self) -> float:
        total = self.handling_s + self.idle_s
        return self.handling_s / total if total > 0 else math.nan

    def __add__(self, other: OccupancyStats) -> OccupancyStats:
        return OccupancyStats(self.handling_s + other.handling_s, self.idle_s + other.idle_s)


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """One replication. `queues[q][i]` and `groups[name][i]` are per interval; `classes` gives each
    queue's totals per customer class."""

    interval_s: float
    intervals: int
    queues: Mapping[QueueId, tuple[QueueStats, ...]]
    groups: Mapping[str, tuple[OccupancyStats, ...]]
    classes: Mapping[tuple[QueueId, CustomerClass], QueueStats]

    def queue_total(self, queue: QueueId) -> QueueStats:
        rows = self.queues[queue]
        total = QueueStats(rows[0].threshold_s)
        for row in rows:
            total = total + row
        return total

    def group_total(self, name: str) -> OccupancyStats:
        total = OccupancyStats()
        for row in self.groups[name]:
            total = total + row
        return total


class Tally:
    """The mutable counts behind one `QueueStats`, as the event loop updates them."""

    __slots__ = ("abandoned", "answered", "offered", "short", "threshold", "wait", "within")

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.offered = self.answered = self.abandoned = self.short = self.within = 0
        self.wait = 0.0

    def answer(self, wait: float) -> None:
        self.answered += 1
        self.wait += wait
        if wait <= self.threshold:
            self.within += 1

    def abandon(self, wait: float, short_abandon_s: float) -> None:
        self.abandoned += 1
        if wait <= short_abandon_s:
            self.short += 1

    def freeze(self) -> QueueStats:
        return QueueStats(
            self.threshold, self.offered, self.answered, self.abandoned, self.short, self.within, self.wait
        )
