"""The wallboard's colours: when a queue's tile turns amber or red, and why (pure rules).

A queue's `alert_thresholds` hold up to six limits; a limit left out colours nothing. Waiting now
and longest wait now turn a tile amber or red when they reach their limit; service level today
does when it falls below its limit (a fraction, 0.8 for 80 %). A tile takes the worst colour of
its figures and lists each figure past a limit with its value and the limit, so the reason is
said in words and not only in colour. A queue is **in alert** when any figure is red: that is
the banner on the console and the e-mail (docs/supervisor.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from contact_center.domain.errors import InvalidInputError

#: Figures that are bad when high: (amber key, red key).
HIGH_IS_BAD = {
    "waiting": ("waiting_amber", "waiting_red"),
    "longest_wait_s": ("longest_wait_amber_s", "longest_wait_red_s"),
}
#: Figures that are bad when low.
LOW_IS_BAD = {"service_level": ("service_level_amber", "service_level_red")}
LIMITS = frozenset(k for pair in (*HIGH_IS_BAD.values(), *LOW_IS_BAD.values()) for k in pair)


class Level(IntEnum):
    OK = 0
    AMBER = 1
    RED = 2

    @property
    def word(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Breach:
    """One figure past one of its limits."""

    figure: str
    level: Level
    value: float
    limit: float


@dataclass(frozen=True, slots=True)
class Judgement:
    level: Level
    breaches: tuple[Breach, ...]

    @property
    def in_alert(self) -> bool:
        return self.level is Level.RED


def check_thresholds(raw: Mapping[str, Any]) -> dict[str, float]:
    """The limits as stored, or InvalidInputError naming the first wrong one."""
    unknown = sorted(set(raw) - LIMITS)
    if unknown:
        raise InvalidInputError(f"unknown alert thresholds: {', '.join(unknown)}", field="alert_thresholds")
    out: dict[str, float] = {}
    for key, value in raw.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise InvalidInputError(f"{key} is a number, 0 or more", field="alert_thresholds")
        if key.startswith("service_level") and value > 1:
            raise InvalidInputError(f"{key} is a fraction between 0 and 1", field="alert_thresholds")
        out[key] = float(value)
    for amber, red in HIGH_IS_BAD.values():
        if amber in out and red in out and out[amber] > out[red]:
            raise InvalidInputError(f"{amber} is at most {red}", field="alert_thresholds")
    for amber, red in LOW_IS_BAD.values():
        if amber in out and red in out and out[amber] < out[red]:
            raise InvalidInputError(f"{amber} is at least {red}", field="alert_thresholds")
    return dict(sorted(out.items()))


def judge(thresholds: Mapping[str, float], figures: Mapping[str, float | None]) -> Judgement:
    """The tile's colour from its figures (`waiting`, `longest_wait_s`, `service_level`; None: no
    value yet, as service level before the day's first contact) against its limits."""
    breaches: list[Breach] = []
    for figure, (amber, red) in HIGH_IS_BAD.items():
        value = figures.get(figure)
        if value is None:
            continue
        for level, key in ((Level.RED, red), (Level.AMBER, amber)):
            limit = thresholds.get(key)
            if limit is not None and value >= limit:
                breaches.append(Breach(figure, level, float(value), limit))
                break
    for figure, (amber, red) in LOW_IS_BAD.items():
        value = figures.get(figure)
        if value is None:
            continue
        for level, key in ((Level.RED, red), (Level.AMBER, amber)):
            limit = thresholds.get(key)
            if limit is not None and value < limit:
                breaches.append(Breach(figure, level, float(value), limit))
                break
    level = max((b.level for b in breaches), default=Level.OK)
    return Judgement(level, tuple(breaches))
