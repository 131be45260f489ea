"""Replaying a decision log: the same snapshot and events give the same decisions.

The engine reads no clock, no randomness and no set order, so a supervisor's question about last
Tuesday can be answered by replaying that day's events into a fresh engine, and a test can prove
it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from routing.decisions import Decision
from routing.engine import RoutingEngine
from routing.events import Event
from routing.policy import QueuePolicy, RoutingRules
from routing.snapshot import Snapshot


def replay(
    initial: Snapshot,
    events: Iterable[Event],
    policies: Iterable[QueuePolicy],
    rules: RoutingRules | None = None,
) -> tuple[RoutingEngine, list[Decision]]:
    """Run `events` from `initial` in a fresh engine; return it (to `explain`) and every decision."""
    engine = RoutingEngine(policies, rules)
    decisions = engine.load(initial)
    for event in events:
        decisions.extend(engine.handle(event))
    return engine, decisions


def replay_batches(
    initial: Snapshot,
    batches: Iterable[Sequence[Event]],
    policies: Iterable[QueuePolicy],
    rules: RoutingRules | None = None,
) -> tuple[RoutingEngine, list[Decision]]:
    """As `replay`, for a log recorded with `handle_many`: the same batches, the same decisions."""
    engine = RoutingEngine(policies, rules)
    decisions = engine.load(initial)
    for batch in batches:
        decisions.extend(engine.handle_many(batch))
    return engine, decisions
