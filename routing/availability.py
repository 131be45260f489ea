"""Why an agent can or cannot take work on one channel, and counts of agents per reason.

Each agent has one status per channel. The agent index keeps, for every (channel, skill), how many
agents of each skill level are in each status, so a decision can say "3 have billing>=5 but are
away" at the cost of copying a small tuple, without scanning thousands of agents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from routing.vocabulary import MAX_LEVEL, Skill

FREE: Final = 0
FULL: Final = 1
BLOCKED: Final = 2
NO_CHANNEL: Final = 3
OFFLINE: Final = 4
AWAY: Final = 5
WRAP_UP: Final = 6
STATUS_COUNT: Final = 7

STATUS_TEXT: Final = (
    "free",
    "at capacity",
    "blocked by another channel",
    "not allowed on this channel",
    "offline",
    "away",
    "in wrap-up",
)

ANY_SKILL: Final[Skill] = ""
"""Pseudo-skill every agent has at level 0, so "any agent" has a pool like real skills."""

LEVEL_SLOTS: Final = MAX_LEVEL + 1

PoolCounts = tuple[Skill, int, tuple[int, ...]]
"""A `Pool` before it is wrapped: decisions store these and build `Pool`s only when read."""


@dataclass(frozen=True, slots=True)
class Pool:
    """Agents having `skill` on one channel at the moment of a decision, by status and level.

    `counts[level * STATUS_COUNT + status]` is the raw counter row; `summary()` folds it.
    """

    skill: Skill
    min_level: int
    counts: tuple[int, ...]

    def summary(self) -> dict[str, int]:
        """Counts per status of agents at or above `min_level`, plus those below it."""
        result: dict[str, int] = {}
        for status, name in enumerate(STATUS_TEXT):
            n = sum(self.counts[lvl * STATUS_COUNT + status] for lvl in range(self.min_level, LEVEL_SLOTS))
            if n:
                result[name] = n
        below = sum(self.counts[: self.min_level * STATUS_COUNT])
        if below:
            result["below the level"] = below
        return result

    def text(self) -> str:
        label = "any agent" if self.skill == ANY_SKILL else f"{self.skill}>={self.min_level}"
        parts = ", ".join(f"{n} {name}" for name, n in self.summary().items()) or "nobody"
        return f"{label}: {parts}"


ROW: Final = LEVEL_SLOTS * STATUS_COUNT
"""One skill's counters on one channel: `level * STATUS_COUNT + status`."""


class Counts:
    """One skill's counters on one channel, kept in step by the agent index.

    Decisions cite copies of the counters. `version` changes with every change of a counter, so
    a copy is shared until the counters it was taken from change: a burst of interactions waiting
    on the same skill stores one copy, not one each.
    """

    __slots__ = ("_copy", "_copy_version", "counts", "version")

    def __init__(self) -> None:
        self.counts = [0] * ROW
        self.version = 0
        self._copy: tuple[int, ...] = ()
        self._copy_version = -1

    def copy(self) -> tuple[int, ...]:
        """The counters as they are now (the same tuple until they change)."""
        if self._copy_version != self.version:
            self._copy = tuple(self.counts)
            self._copy_version = self.version
        return self._copy


class PoolCopy:
    """The counters of a requirement's skills on one channel as copied for a decision, reused
    while none of them changed."""

    __slots__ = ("found", "seen")

    def __init__(self, found: tuple[PoolCounts, ...], parts: list[Counts]) -> None:
        self.found = found
        self.seen = [(part, part.version) for part in parts]

    def is_current(self) -> bool:
        for part, version in self.seen:  # noqa: SIM110 (runs for most decisions: no generator)
            if part.version != version:
                return False
        return True


class StatusCounters:
    """Per skill, its `Counts` on each channel position."""

    def __init__(self, n_channels: int) -> None:
        self.rows: dict[Skill, list[Counts]] = {}
        self._n_channels = n_channels

    def row(self, skill: Skill) -> list[Counts]:
        row = self.rows.get(skill)
        if row is None:
            row = self.rows[skill] = [Counts() for _ in range(self._n_channels)]
        return row
