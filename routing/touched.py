"""What an event touched and must be settled: records in first-touch order, each with a trigger.

Nearly every event touches exactly one agent or one interaction. Keeping that one in two fields,
and spilling into a dict only when a second arrives, spares the dict that each event would
otherwise fill and empty (an allocation of its keys every time, measured in docs/routing.md).
Behaves as a dict from record to trigger: touching a record again keeps its place and takes the
newer trigger.
"""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class Touched(Generic[T]):
    """Either empty, or one record in `one`, or two or more in `many` (then `one` is None)."""

    __slots__ = ("many", "one", "one_trigger")

    def __init__(self) -> None:
        self.one: T | None = None
        self.one_trigger = ""
        self.many: dict[T, str] = {}

    def add(self, item: T, trigger: str) -> None:
        one = self.one
        if one is item:
            self.one_trigger = trigger
        elif self.many:
            self.many[item] = trigger
        elif one is None:
            self.one, self.one_trigger = item, trigger
        else:
            self.many[one] = self.one_trigger
            self.many[item] = trigger
            self.one = None

    def discard(self, item: T) -> None:
        if self.one is item:
            self.one = None
        elif self.many and item in self.many:
            del self.many[item]

    def is_empty(self) -> bool:
        return self.one is None and not self.many

    def take_one(self) -> T | None:
        """The only record touched, removed, if exactly one was (its trigger: `one_trigger`)."""
        one = self.one
        self.one = None
        return one

    def take_all(self) -> list[tuple[T, str]]:
        """Every record touched with its trigger, in first-touch order; leaves it empty."""
        one = self.one
        if one is not None:
            self.one = None
            return [(one, self.one_trigger)]
        found = list(self.many.items())
        self.many.clear()
        return found
