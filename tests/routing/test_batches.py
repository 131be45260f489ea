"""`handle_many`: a batch of events settled once, checked against the brute-force model.

Within a batch the engine is not work-conserving between events (offers wait for the batch's
end), so the model checks every decision after the whole batch. For that check to be exact, a
batch never touches the same agent or interaction twice (an event's immediate decisions, such as
a withdrawal, then cannot change what a later event of the batch meant); the generator ends the
batch early instead. Every run is replayed batch by batch and must give the same decisions.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import routing.engine
from routing import (
    AgentId,
    AgentLoadChanged,
    AgentLoggedIn,
    AgentPresenceChanged,
    AgentSkillsChanged,
    Decision,
    Event,
    InteractionId,
    InteractionQueued,
    InteractionRemoved,
    Offer,
    OfferAccepted,
    OfferExpired,
    OfferRejected,
    OfferTimedOut,
    OfferWithdrawn,
    Presence,
    QueueId,
    QueuePolicy,
    RoutingEngine,
    RoutingError,
    Snapshot,
    Tick,
    replay_batches,
)
from tests.routing.builders import T0 as BT0
from tests.routing.builders import agent, engine, item, offers, queue
from tests.routing.oracle import Model
from tests.routing.scenario import POLICIES as DAY_POLICIES
from tests.routing.scenario import RULES as DAY_RULES
from tests.routing.scenario import run
from tests.routing.test_routing_invariants import (
    MAX_AGENTS,
    POLICIES,
    RULES,
    agent_st,
    check,
    item_st,
    make_event,
    op_st,
)

T0 = 1_000_000.0  # as in test_routing_invariants, whose strategies the property test uses
Touched = set[tuple[str, int]]


def touched(model: Model, event: Event) -> Touched:
    """The agents and interactions an event may act on, immediate decisions included."""
    found: Touched = set()
    match event:
        case InteractionQueued(interaction=wi):
            found.add(("item", wi.id))
        case InteractionRemoved(interaction=iid):
            found.add(("item", iid))
        case OfferAccepted(interaction=iid, agent=aid) | OfferRejected(interaction=iid, agent=aid):
            found |= {("item", iid), ("agent", aid)}
        case OfferTimedOut(interaction=iid, agent=aid):
            found |= {("item", iid), ("agent", aid)}
        case AgentPresenceChanged(agent=aid) | AgentLoadChanged(agent=aid) | AgentSkillsChanged(agent=aid):
            found.add(("agent", aid))
        case AgentLoggedIn(agent=state):
            found.add(("agent", state.id))
        case Tick(at=at):  # the offers whose timers fall due
            for key, due in model.items.items():
                timeout = model.policies[due.wi.queue].offer_timeout
                if due.offered_to is not None and due.offered_at + timeout <= at:
                    found |= {("item", key), ("agent", due.offered_to)}
    for kind, key in list(found):
        offered = model.items.get(key) if kind == "item" else None
        if offered is not None and offered.offered_to is not None:
            found.add(("agent", offered.offered_to))
    return found


class BatchRun:
    def __init__(self, engine: RoutingEngine, model: Model, decisions: list[Decision]) -> None:
        self.engine, self.model, self.decisions = engine, model, decisions
        self.batch: list[Event] = []
        self.used: Touched = set()
        self.sent: list[list[Event]] = []

    def add(self, event: Event) -> bool:
        """Put `event` in the open batch, unless it touches what the batch already touched."""
        found = touched(self.model, event)
        if found & self.used:
            return False
        self.model.apply_event(event)
        self.batch.append(event)
        self.used |= found
        return True

    def flush(self) -> None:
        if not self.batch:
            return
        out = self.engine.handle_many(self.batch)
        check(self.model, out)
        self.sent.append(self.batch)
        self.decisions.extend(out)
        self.batch, self.used = [], set()


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_batches_keep_every_invariant_and_replay_identically(data: st.DataObject) -> None:
    draw = data.draw
    n_agents = draw(st.integers(1, MAX_AGENTS))
    agents = tuple(draw(agent_st(i)) for i in range(1, n_agents + 1))
    items = tuple(draw(item_st(100 + i, T0)) for i in range(draw(st.integers(0, 4))))
    initial = Snapshot(T0, agents, items)
    model = Model(POLICIES, RULES)
    model.load(initial)
    engine = RoutingEngine(POLICIES, RULES)
    decisions = engine.load(initial)
    check(model, decisions)
    runner = BatchRun(engine, model, decisions)
    size = draw(st.integers(1, 8))
    for n, op in enumerate(draw(st.lists(op_st, min_size=8, max_size=40))):
        if op[1]:
            tick = Tick(model.now + op[1])
            if not runner.add(tick):
                runner.flush()
                runner.add(tick)
        event = make_event(draw, model, op, 200 + n)
        if event is not None and not runner.add(event):
            runner.flush()  # the model now knows the batch's decisions: draw the event again
            event = make_event(draw, model, op, 200 + n)
            if event is not None:
                assert runner.add(event)
        if len(runner.batch) >= size:
            runner.flush()
    runner.flush()
    for iid, waiting in list(model.items.items())[:3]:
        expected = "waiting" if waiting.offered_to is None else "offered"
        assert engine.explain(InteractionId(iid)).state == expected
    _, replayed = replay_batches(initial, runner.sent, POLICIES, RULES)
    assert replayed == decisions


def test_a_batch_of_one_is_handle_on_a_busy_day() -> None:
    initial, events, decisions = run(seed=3)
    engine = RoutingEngine(DAY_POLICIES, DAY_RULES)
    batched = engine.load(initial)
    for event in events:
        batched.extend(engine.handle_many([event]))
    assert batched == decisions


# ---- the batch contract, case by case -------------------------------------------------------


def test_offers_wait_for_the_end_of_the_batch_and_go_by_priority() -> None:
    eng, _ = engine(agents=(agent(1, chat=1),))
    low, high = item(10, at=BT0), item(11, at=BT0, priority=5.0)
    # One at a time, the first queued takes the only agent.
    assert offers(queue(eng, low)) == [(10, 1)]
    # In one batch, the engine settles after both: the higher priority wins.
    eng2, _ = engine(agents=(agent(1, chat=1),))
    out = eng2.handle_many([InteractionQueued(low, BT0), InteractionQueued(high, BT0 + 1)])
    assert offers(out) == [(11, 1)]
    (offer,) = out
    assert isinstance(offer, Offer) and offer.at == BT0 + 1
    assert eng2.explain(InteractionId(10)).state == "waiting"


def test_a_batch_with_an_unknown_queue_changes_nothing() -> None:
    eng, _ = engine(agents=(agent(1, chat=1),))
    before = eng.snapshot()
    batch = [InteractionQueued(item(10), BT0 + 1), InteractionQueued(item(11, queue=9), BT0 + 2)]
    with pytest.raises(RoutingError, match="unknown queue 9"):
        eng.handle_many(batch)
    assert eng.snapshot() == before


def test_timers_fire_at_each_event_of_a_batch() -> None:
    eng, _ = engine(QueuePolicy(QueueId(1), offer_timeout=10), agents=(agent(1, chat=1), agent(2, chat=1)))
    (offer,) = queue(eng, item(10))
    assert isinstance(offer, Offer)
    late = OfferAccepted(offer.interaction, offer.agent, BT0 + 11)
    out = eng.handle_many([Tick(BT0 + 10), late])
    assert isinstance(out[0], OfferExpired) and out[0].agent == offer.agent
    assert offers(out) == [(10, 3 - offer.agent)]  # the late accept was stale; the other agent gets it
    assert [e.kind for e in eng.explain(InteractionId(10)).history][-3:] == ["expired", "stale", "offered"]


def test_immediate_decisions_come_in_event_order_before_offers() -> None:
    eng, _ = engine(agents=(agent(1, chat=2), agent(2, chat=1)))
    queue(eng, item(10))
    queue(eng, item(11))
    out = eng.handle_many(
        [
            AgentPresenceChanged(AgentId(1), Presence.AWAY, BT0 + 1),
            InteractionQueued(item(12, at=BT0 + 1), BT0 + 1),
        ]
    )
    kinds = [type(d).__name__ for d in out]
    assert kinds[: kinds.index("Offer")] == ["OfferWithdrawn"] * kinds.count("OfferWithdrawn")
    assert all(isinstance(d, OfferWithdrawn) and d.agent == 1 for d in out[: kinds.count("OfferWithdrawn")])
    assert all(isinstance(d, Offer) and d.agent == 2 for d in out if isinstance(d, Offer))


def test_an_empty_batch_changes_nothing() -> None:
    eng, _ = engine(agents=(agent(1, chat=1),))
    before = eng.snapshot()
    assert eng.handle_many([]) == []
    assert eng.handle_many(iter(())) == []
    assert eng.snapshot() == before


def test_a_bad_event_anywhere_in_a_batch_changes_nothing() -> None:
    eng, _ = engine(agents=(agent(1, {"billing": 3}, chat=1),))
    before = eng.snapshot()
    makers: list[Callable[[], Event]] = [
        lambda: AgentSkillsChanged(AgentId(1), BT0 + 1, {"billing": 11}),
        lambda: AgentLoadChanged(AgentId(1), {"fax": 1}, BT0 + 1),  # type: ignore[dict-item]
        lambda: AgentPresenceChanged(AgentId(1), "asleep", BT0 + 1),  # type: ignore[arg-type]
        lambda: AgentLoggedIn(agent(1, {"billing": 0}, chat=1), BT0 + 1),
    ]
    refused_when_built = 0
    for make in makers:
        try:
            bad = make()
        except TypeError:  # the compiled build's events check their field types when built
            refused_when_built += 1
            continue
        with pytest.raises(RoutingError):
            eng.handle_many([InteractionQueued(item(10), BT0 + 1), bad])
        with pytest.raises(RoutingError):
            eng.handle(bad)
        assert eng.snapshot() == before
    compiled = Path(routing.engine.__file__ or "").suffix == ".so"
    assert refused_when_built == (1 if compiled else 0)  # the presence outside the vocabulary
