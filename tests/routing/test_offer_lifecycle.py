"""Offers: reservation, accept, reject, timeout, misses, withdrawals, stale answers, snapshots."""

from __future__ import annotations

from routing import (
    AgentId,
    AgentLoggedIn,
    AgentPresenceChanged,
    Channel,
    InteractionId,
    InteractionRemoved,
    Offer,
    OfferAccepted,
    OfferExpired,
    OfferRejected,
    OfferTimedOut,
    OfferWithdrawn,
    PendingOffer,
    Presence,
    QueueId,
    QueuePolicy,
    RoutingEngine,
    RoutingRules,
    SetAgentAway,
    Snapshot,
    Tick,
)
from tests.routing.builders import T0, agent, engine, item, offers, queue

I10, I11, A1, A2 = InteractionId(10), InteractionId(11), AgentId(1), AgentId(2)


def test_offer_expires_after_the_queue_timeout() -> None:
    eng, _ = engine(QueuePolicy(QueueId(1), offer_timeout=15), agents=(agent(1, chat=1),))
    (offer,) = queue(eng, item(10))
    assert isinstance(offer, Offer) and offer.expires_at == T0 + 15
    assert eng.next_deadline() == T0 + 15
    assert eng.handle(Tick(T0 + 14.9)) == []
    (expired,) = eng.handle(Tick(T0 + 15))
    assert isinstance(expired, OfferExpired) and (expired.interaction, expired.agent) == (10, 1)


def test_default_offer_timeout_is_twenty_seconds() -> None:
    eng, _ = engine(agents=(agent(1, chat=1),))
    (offer,) = queue(eng, item(10))
    assert isinstance(offer, Offer) and offer.expires_at == T0 + 20


def test_rejected_offer_goes_to_the_next_agent() -> None:
    eng, _ = engine(agents=(agent(1, chat=1, idle_since=T0 - 50), agent(2, chat=1, idle_since=T0 - 10)))
    assert offers(queue(eng, item(10))) == [(10, 1)]
    assert offers(eng.handle(OfferRejected(I10, A1, T0 + 1))) == [(10, 2)]


def test_rejecting_agent_is_not_offered_the_same_interaction_again() -> None:
    eng, _ = engine(agents=(agent(1, chat=2),))
    assert offers(queue(eng, item(10))) == [(10, 1)]
    assert offers(eng.handle(OfferRejected(I10, A1, T0 + 1))) == []
    assert offers(queue(eng, item(11, at=T0 + 2))) == [(11, 1)]
    assert "already rejected" in eng.explain_agent(I10, A1)


def test_timed_out_offer_goes_to_the_next_agent() -> None:
    eng, _ = engine(agents=(agent(1, chat=1, idle_since=T0 - 50), agent(2, chat=1, idle_since=T0 - 10)))
    queue(eng, item(10))
    assert offers(eng.handle(OfferTimedOut(I10, A1, T0 + 20))) == [(10, 2)]


def test_agent_is_set_away_after_consecutive_misses() -> None:
    rules = RoutingRules(misses_before_away=2)
    eng, _ = engine(agents=(agent(1, chat=1),), rules=rules)
    queue(eng, item(10))
    assert offers(eng.handle(OfferRejected(I10, A1, T0 + 1))) == []
    assert offers(queue(eng, item(11, at=T0 + 2))) == [(11, 1)]
    decisions = eng.handle(Tick(T0 + 22))
    assert [type(d) for d in decisions] == [OfferExpired, SetAgentAway]
    assert "2 consecutive" in decisions[1].reason  # type: ignore[union-attr]
    assert offers(queue(eng, item(12, at=T0 + 23))) == []


def test_set_away_withdraws_the_agents_other_offers() -> None:
    rules = RoutingRules(misses_before_away=1)
    eng, _ = engine(agents=(agent(1, chat=2),), rules=rules)
    queue(eng, item(10))
    queue(eng, item(11, at=T0 + 1))
    decisions = eng.handle(OfferRejected(I10, A1, T0 + 2))
    assert [type(d) for d in decisions] == [SetAgentAway, OfferWithdrawn]
    assert eng.explain(I11).state == "waiting"


def test_rejects_need_not_count_as_misses() -> None:
    rules = RoutingRules(misses_before_away=1, rejects_count_as_misses=False)
    eng, _ = engine(agents=(agent(1, chat=1),), rules=rules)
    queue(eng, item(10))
    assert not any(isinstance(d, SetAgentAway) for d in eng.handle(OfferRejected(I10, A1, T0 + 1)))


def test_accept_resets_the_miss_count() -> None:
    rules = RoutingRules(misses_before_away=2)
    eng, _ = engine(agents=(agent(1, chat=2),), rules=rules)
    queue(eng, item(10))
    eng.handle(OfferRejected(I10, A1, T0 + 1))
    queue(eng, item(11, at=T0 + 2))
    eng.handle(OfferAccepted(I11, A1, T0 + 3))
    queue(eng, item(12, at=T0 + 4))
    assert not any(
        isinstance(d, SetAgentAway) for d in eng.handle(OfferRejected(InteractionId(12), A1, T0 + 5))
    )


def test_accepted_offer_turns_into_load() -> None:
    eng, _ = engine(agents=(agent(1, chat=1),))
    queue(eng, item(10))
    assert eng.handle(OfferAccepted(I10, A1, T0 + 1)) == []
    assert offers(queue(eng, item(11, at=T0 + 2))) == []
    assert eng.explain(I10).state == "accepted"


def test_late_accept_after_expiry_is_ignored() -> None:
    eng, _ = engine(agents=(agent(1, chat=1, idle_since=T0 - 50), agent(2, chat=1, idle_since=T0 - 10)))
    queue(eng, item(10))
    decisions = eng.handle(OfferAccepted(I10, A1, T0 + 25))  # the engine expires it first
    assert [type(d) for d in decisions] == [OfferExpired, Offer]
    assert offers(decisions) == [(10, 2)]
    assert eng.explain(I10).state == "offered"


def test_answer_from_the_wrong_agent_is_ignored() -> None:
    eng, _ = engine(agents=(agent(1, chat=1),))
    queue(eng, item(10))
    assert eng.handle(OfferRejected(I10, A2, T0 + 1)) == []
    assert eng.explain(I10).state == "offered"


def test_removed_interaction_withdraws_its_offer_and_frees_the_agent() -> None:
    eng, _ = engine(agents=(agent(1, chat=1),))
    queue(eng, item(10))
    queue(eng, item(11, at=T0 + 1))
    decisions = eng.handle(InteractionRemoved(I10, T0 + 2, "abandoned"))
    assert isinstance(decisions[0], OfferWithdrawn)
    assert offers(decisions) == [(11, 1)]
    assert eng.explain(I10).state == "removed"


def test_removed_waiting_interaction_is_never_offered() -> None:
    eng, _ = engine(agents=(agent(1, chat=1, presence=Presence.AWAY),))
    queue(eng, item(10))
    eng.handle(InteractionRemoved(I10, T0 + 1))
    assert offers(eng.handle(AgentPresenceChanged(A1, Presence.AVAILABLE, T0 + 2))) == []


def test_agent_going_away_withdraws_its_pending_offer_and_reroutes() -> None:
    eng, _ = engine(agents=(agent(1, chat=1, idle_since=T0 - 50), agent(2, chat=1, idle_since=T0 - 10)))
    queue(eng, item(10))
    decisions = eng.handle(AgentPresenceChanged(A1, Presence.AWAY, T0 + 1))
    assert isinstance(decisions[0], OfferWithdrawn)
    assert offers(decisions) == [(10, 2)]


def test_agent_logged_in_replaces_state_and_takes_work() -> None:
    eng, _ = engine(items=(item(10),))
    assert offers(eng.handle(AgentLoggedIn(agent(7, chat=1), T0 + 1))) == [(10, 7)]


def test_repeated_queued_event_is_ignored() -> None:
    eng, _ = engine(agents=(agent(1, chat=2),))
    assert offers(queue(eng, item(10))) == [(10, 1)]
    assert queue(eng, item(10)) == []


def test_interaction_in_an_unknown_queue_is_refused() -> None:
    import pytest

    from routing import RoutingError

    eng, _ = engine(agents=(agent(1, chat=2),))
    with pytest.raises(RoutingError):
        queue(eng, item(10, queue=99))


def test_snapshot_restores_pending_offers_with_their_deadline() -> None:
    eng = RoutingEngine([QueuePolicy(QueueId(1))])
    snap = Snapshot(
        T0, (agent(1, chat=1), agent(2, chat=1)), (item(10, at=T0 - 15),), (PendingOffer(I10, A1, T0 - 5),)
    )
    assert eng.load(snap) == []  # agent 2 is free but the interaction is already offered
    assert eng.next_deadline() == T0 + 15
    assert offers(eng.handle(Tick(T0 + 15))) == [(10, 2)]


def test_offers_that_lapsed_before_the_snapshot_expire_without_counting_as_misses() -> None:
    """A database outage: the agent could not accept, and the router could not expire, so the
    new leader's rebuild finds three offers long past their deadline. Expired at once, and offered
    again, to the same agent too; the agent is not set away for them."""
    eng = RoutingEngine([QueuePolicy(QueueId(1), offer_timeout=15)], RoutingRules(misses_before_away=2))
    waiting = tuple(item(i, at=T0 - 60) for i in (10, 11, 12))
    lapsed = tuple(PendingOffer(InteractionId(i), A1, T0 - 30) for i in (10, 11, 12))
    decisions = eng.load(Snapshot(T0, (agent(1, chat=3),), waiting, lapsed))
    expired = [d for d in decisions if isinstance(d, OfferExpired)]
    assert sorted(d.interaction for d in expired) == [10, 11, 12]
    assert not any(isinstance(d, SetAgentAway) for d in decisions)
    assert sorted(offers(decisions)) == [(10, 1), (11, 1), (12, 1)]
    (agent_now,) = eng.snapshot().agents
    assert agent_now.consecutive_misses == 0 and agent_now.presence == Presence.AVAILABLE


def test_snapshot_round_trip_gives_the_same_state() -> None:
    eng, _ = engine(
        agents=(agent(1, chat=1), agent(2, voice=1)), items=(item(10), item(11, channel=Channel.SMS))
    )
    eng.handle(OfferRejected(I10, A1, T0 + 1))
    again = RoutingEngine([QueuePolicy(QueueId(1))])
    assert again.load(eng.snapshot()) == []
    assert again.snapshot() == eng.snapshot()
