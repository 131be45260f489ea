"""Why an agent can or cannot take work on one channel, and counts of agents per reason.

Each agent has one status per channel. The agent index keeps, for every (channel, skill), how many
agents of each skill level are in each status, so a decision can say "3 have billing>=5 but are
away" at the cost of copying a small tuple, without scanning thousands of agents.
"""

from __future__ import annotations

from dataclasses import dataclass

from routing.vocabulary import MAX_LEVEL, Skill

FREE = 0
FULL = 1
BLOCKED = 2
NO_CHANNEL = 3
OFFLINE = 4
AWAY = 5
WRAP_UP = 6
STATUS_COUNT = 7

STATUS_TEXT = (
    "free",
    "at capacity",
    "blocked by another channel",
    "not allowed on this channel",
    "offline",
    "away",
    "in wrap-up",
)

ANY_SKILL: Skill = ""
"""Pseudo-skill every agent has at level 0, so "any agent" has a pool like real skills."""

LEVEL_SLOTS = MAX_LEVEL + 1

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
