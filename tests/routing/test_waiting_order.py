"""Waiting interactions are served highest priority first, then oldest, whatever order they reach
the engine in and however many leave the line early (routing/groups.py keeps one lane per
priority, so these are the cases a lane must get right: out-of-order arrivals, removals in the
middle, compaction, and a group emptied and filled again)."""

from __future__ import annotations

from routing import (
    AgentId,
    AgentLoadChanged,
    Channel,
    CustomerClass,
    InteractionId,
    InteractionRemoved,
    OfferAccepted,
    RoutingEngine,
)
from tests.routing.builders import T0, agent, engine, item, offers, queue


def busy_engine() -> RoutingEngine:
    eng, _ = engine(agents=(agent(1, chat=1, load={Channel.CHAT: 1}),))
    return eng


def serve_all(eng: RoutingEngine, at: float) -> list[int]:
    """Free the one agent again and again; the interactions in the order it is offered them."""
    served: list[int] = []
    while True:
        at += 1
        got = offers(eng.handle(AgentLoadChanged(AgentId(1), {}, at)))
        if not got:
            return served
        ((iid, _),) = got
        served.append(iid)
        eng.handle(OfferAccepted(InteractionId(iid), AgentId(1), at))


def test_an_interaction_enqueued_earlier_but_reported_later_is_served_first() -> None:
    eng = busy_engine()
    queue(eng, item(10, at=T0 + 10), at=T0 + 10)
    queue(eng, item(11, at=T0 + 5), at=T0 + 11)  # arrived at T0 + 5, reported late
    queue(eng, item(12, at=T0 + 7), at=T0 + 12)
    assert serve_all(eng, T0 + 20) == [11, 12, 10]


def test_removals_in_the_middle_of_the_line_keep_the_rest_in_order() -> None:
    eng = busy_engine()
    for i in range(300):  # enough removals to make the lanes drop their stale entries
        queue(eng, item(1000 + i, at=T0 + i * 0.01), at=T0 + i * 0.01)
    for i in range(0, 300, 3):
        eng.handle(InteractionRemoved(InteractionId(1000 + i), T0 + 10, "abandoned"))
    expected = [1000 + i for i in range(300) if i % 3]
    assert serve_all(eng, T0 + 20) == expected


def test_priorities_interleave_by_effective_priority_and_age() -> None:
    eng = busy_engine()
    queue(eng, item(20, at=T0), at=T0)
    queue(eng, item(21, at=T0 + 1, customer_class=CustomerClass.VIP), at=T0 + 1)  # +10 points
    queue(eng, item(22, at=T0 + 2, priority=2), at=T0 + 2)
    queue(eng, item(23, at=T0 + 3, customer_class=CustomerClass.VIP), at=T0 + 3)
    # Aging (1 point a minute) is too slow here to reorder them: VIPs first, then priority 2.
    assert serve_all(eng, T0 + 10) == [21, 23, 22, 20]


def test_a_line_emptied_and_filled_again_serves_the_newcomers() -> None:
    eng = busy_engine()
    queue(eng, item(30, at=T0), at=T0)
    assert serve_all(eng, T0 + 1) == [30]
    eng.handle(AgentLoadChanged(AgentId(1), {Channel.CHAT: 1}, T0 + 4))  # busy again
    queue(eng, item(32, at=T0 + 6), at=T0 + 6)
    queue(eng, item(31, at=T0 + 5), at=T0 + 7)
    assert serve_all(eng, T0 + 10) == [31, 32]
