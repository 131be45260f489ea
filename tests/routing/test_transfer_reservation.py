"""A transfer to one agent: the interaction is reserved for that agent (offered only to them while
they can take it) until its reservation ends, then anyone eligible of the queue may get it."""

from __future__ import annotations

import dataclasses

from routing import (
    AgentId,
    AgentPresenceChanged,
    Channel,
    InteractionId,
    Offer,
    OfferRejected,
    Presence,
    QueueId,
    QueuePolicy,
    Snapshot,
    Tick,
    WaitingInteraction,
)
from tests.routing.builders import T0, agent, engine, item, offers, queue
from tests.routing.test_queue_policies import free_one_chat

Q1 = QueueId(1)


def transferred(iid: int, to: int, until: float) -> WaitingInteraction:
    return dataclasses.replace(item(iid, preferred=to), reserved_until=until)


def test_a_transfer_goes_only_to_its_agent_even_when_another_has_waited_longer() -> None:
    eng, _ = engine(QueuePolicy(Q1), agents=(agent(1, chat=1, idle_since=T0 - 999), agent(2, chat=1)))
    (offer,) = queue(eng, transferred(10, 2, T0 + 60))
    assert isinstance(offer, Offer) and (offer.interaction, offer.agent) == (10, 2)
    assert offer.reason.chosen_by == "transferred to this agent"


def test_a_transfer_waits_for_its_busy_agent_then_goes_to_them_when_free() -> None:
    eng, _ = engine(QueuePolicy(Q1), agents=(agent(1, chat=1), agent(2, chat=1, load={Channel.CHAT: 1})))
    assert offers(queue(eng, transferred(10, 2, T0 + 60))) == []
    assert eng.next_deadline() == T0 + 60
    assert offers(free_one_chat(eng, 2, T0 + 10)) == [(10, 2)]


def test_a_transfer_falls_back_to_the_queue_when_the_reservation_ends() -> None:
    eng, _ = engine(QueuePolicy(Q1), agents=(agent(1, chat=1), agent(2, chat=1, load={Channel.CHAT: 1})))
    assert offers(queue(eng, transferred(10, 2, T0 + 45))) == []
    assert offers(eng.handle(Tick(T0 + 45))) == [(10, 1)]


def test_a_transfer_to_an_offline_agent_goes_to_the_queue_at_once() -> None:
    eng, _ = engine(QueuePolicy(Q1), agents=(agent(1, chat=1), agent(2, chat=1, presence=Presence.OFFLINE)))
    assert offers(queue(eng, transferred(10, 2, T0 + 60))) == [(10, 1)]


def test_the_agent_rejecting_a_transfer_lets_the_queue_have_it() -> None:
    eng, _ = engine(QueuePolicy(Q1), agents=(agent(1, chat=1, load={Channel.CHAT: 1}), agent(2, chat=1)))
    assert offers(queue(eng, transferred(10, 2, T0 + 300))) == [(10, 2)]
    assert offers(free_one_chat(eng, 1, T0 + 1)) == []  # still reserved while agent 2 holds the offer
    assert offers(eng.handle(OfferRejected(InteractionId(10), AgentId(2), T0 + 2))) == [(10, 1)]


def test_a_transfer_to_an_away_agent_goes_to_the_queue_at_once() -> None:
    """As a returning customer's sticky window: nobody waits for an agent who cannot answer."""
    eng, _ = engine(QueuePolicy(Q1), agents=(agent(1, chat=1), agent(2, chat=1, presence=Presence.AWAY)))
    assert offers(queue(eng, transferred(10, 2, T0 + 300))) == [(10, 1)]


def test_the_agent_logging_out_ends_the_reservation() -> None:
    eng, _ = engine(QueuePolicy(Q1), agents=(agent(1, chat=1), agent(2, chat=1, load={Channel.CHAT: 1})))
    assert offers(queue(eng, transferred(10, 2, T0 + 300))) == []  # held for the busy agent
    assert offers(eng.handle(AgentPresenceChanged(AgentId(2), Presence.OFFLINE, T0 + 5))) == [(10, 1)]


def test_the_reservation_outlives_a_rebuild_from_the_engines_own_snapshot() -> None:
    eng, _ = engine(QueuePolicy(Q1), agents=(agent(1, chat=1), agent(2, chat=1, load={Channel.CHAT: 1})))
    queue(eng, transferred(10, 2, T0 + 60))
    snap = eng.snapshot()
    assert [w.reserved_until for w in snap.interactions] == [T0 + 60]
    again, decisions = engine(QueuePolicy(Q1), agents=snap.agents, items=snap.interactions, at=T0 + 1)
    assert offers(decisions) == []
    assert offers(again.handle(Tick(T0 + 60))) == [(10, 1)]
    assert isinstance(snap, Snapshot)
