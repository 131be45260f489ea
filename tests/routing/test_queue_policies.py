"""One test per queue policy rule: priority, aging, agent choice, escalation, stickiness."""

from __future__ import annotations

import pytest

from routing import (
    AgentChoice,
    AgentId,
    AgentLoadChanged,
    AgentPresenceChanged,
    Channel,
    CustomerClass,
    Decision,
    EscalationStep,
    InteractionId,
    InteractionQueued,
    Offer,
    OfferAccepted,
    OfferRejected,
    Presence,
    QueueId,
    QueuePolicy,
    RoutingEngine,
    Tick,
)
from tests.routing.builders import T0, agent, engine, item, offers, queue

Q1, Q2 = QueueId(1), QueueId(2)


def free_one_chat(eng: RoutingEngine, aid: int, at: float) -> list[Decision]:
    """The agent's only chat ended."""
    return eng.handle(AgentLoadChanged(AgentId(aid), {}, at))


def test_vip_jumps_ahead_of_older_regular() -> None:
    eng, _ = engine(
        QueuePolicy(Q1),
        agents=(agent(1, chat=1, load={Channel.CHAT: 1}),),
        items=(item(10, at=T0 - 30), item(11, at=T0 - 5, customer_class=CustomerClass.VIP)),
    )
    assert offers(free_one_chat(eng, 1, T0)) == [(11, 1)]


def test_complaint_boost_is_configurable() -> None:
    policy = QueuePolicy(Q1, class_boost={CustomerClass.COMPLAINT: 0.0}, aging_per_second=0.0)
    eng, _ = engine(
        policy,
        agents=(agent(1, chat=1, load={Channel.CHAT: 1}),),
        items=(item(10, at=T0 - 30), item(11, at=T0 - 5, customer_class=CustomerClass.COMPLAINT)),
    )
    assert offers(free_one_chat(eng, 1, T0)) == [(10, 1)]


def test_older_interaction_goes_first_at_equal_priority() -> None:
    eng, _ = engine(
        agents=(agent(1, chat=1, load={Channel.CHAT: 1}),),
        items=(item(11, at=T0 - 5), item(10, at=T0 - 6)),
    )
    assert offers(free_one_chat(eng, 1, T0)) == [(10, 1)]


def test_aging_lets_old_low_priority_overtake_fresh_high_priority() -> None:
    policy = QueuePolicy(Q1, aging_per_second=0.1)
    old_low = item(10, at=T0 - 200, priority=0)  # 0 + 0.1 * 200 = 20 at T0
    fresh_high = item(11, at=T0 - 1, priority=15)  # 15 + 0.1 = 15.1 at T0
    eng, _ = engine(policy, agents=(agent(1, chat=1, load={Channel.CHAT: 1}),), items=(old_low, fresh_high))
    assert offers(free_one_chat(eng, 1, T0)) == [(10, 1)]


def test_aging_compares_across_queues_at_the_current_time() -> None:
    slow, fast = QueuePolicy(Q1, aging_per_second=0.0, priority=5), QueuePolicy(Q2, aging_per_second=1.0)
    eng, _ = engine(
        slow,
        fast,
        agents=(agent(1, chat=1, load={Channel.CHAT: 1}),),
        items=(item(10, 1, at=T0 - 100), item(11, 2, at=T0 - 4)),
    )
    assert offers(free_one_chat(eng, 1, T0)) == [(10, 1)]  # 5 beats 4 at T0
    eng.handle(OfferAccepted(InteractionId(10), AgentId(1), T0))
    assert offers(free_one_chat(eng, 1, T0 + 2)) == [(11, 1)]


def test_longest_idle_agent_gets_the_offer() -> None:
    eng, _ = engine(agents=(agent(1, chat=2, idle_since=T0 - 10), agent(2, chat=2, idle_since=T0 - 50)))
    assert offers(queue(eng, item(10))) == [(10, 2)]


def test_agent_that_just_got_an_offer_goes_to_the_back_only_when_it_frees_capacity() -> None:
    eng, _ = engine(agents=(agent(1, chat=2, idle_since=T0 - 10), agent(2, chat=2, idle_since=T0 - 50)))
    assert offers(queue(eng, item(10))) == [(10, 2)]
    assert offers(queue(eng, item(11))) == [(11, 2)]  # still the longest idle, one chat left
    assert offers(queue(eng, item(12))) == [(12, 1)]


def test_least_occupied_agent_gets_the_chat() -> None:
    policy = QueuePolicy(Q1, agent_choice=AgentChoice.LEAST_OCCUPIED)
    eng, _ = engine(
        policy,
        agents=(
            agent(1, chat=3, load={Channel.CHAT: 2}, idle_since=T0 - 99),
            agent(2, chat=3, load={Channel.CHAT: 1}, idle_since=T0 - 1),
        ),
    )
    assert offers(queue(eng, item(10))) == [(10, 2)]


def test_best_skill_level_wins() -> None:
    policy = QueuePolicy(Q1, {"billing": 3}, agent_choice=AgentChoice.BEST_SKILL)
    eng, _ = engine(
        policy,
        agents=(agent(1, {"billing": 4}, chat=1, idle_since=T0 - 99), agent(2, {"billing": 9}, chat=1)),
    )
    assert offers(queue(eng, item(10))) == [(10, 2)]


def test_required_skill_level_is_enforced() -> None:
    eng, _ = engine(QueuePolicy(Q1, {"billing": 5}), agents=(agent(1, {"billing": 4}, chat=1),))
    assert offers(queue(eng, item(10))) == []


def test_interaction_skills_add_to_the_queue_requirement() -> None:
    eng, _ = engine(
        QueuePolicy(Q1, {"billing": 5}),
        agents=(
            agent(1, {"billing": 9}, chat=1, idle_since=T0 - 99),
            agent(2, {"billing": 5, "es": 3}, chat=1),
        ),
    )
    assert offers(queue(eng, item(10, skills={"es": 2}))) == [(10, 2)]


def test_escalation_lowers_the_level_after_the_wait() -> None:
    policy = QueuePolicy(Q1, {"billing": 5}, escalation=(EscalationStep(60, lower_levels_by=2),))
    eng, _ = engine(policy, agents=(agent(1, {"billing": 3}, chat=1),))
    assert offers(queue(eng, item(10))) == []
    assert eng.next_deadline() == T0 + 60
    assert offers(eng.handle(Tick(T0 + 59.9))) == []
    assert offers(eng.handle(Tick(T0 + 60))) == [(10, 1)]


def test_escalation_widens_to_the_overflow_queue() -> None:
    main = QueuePolicy(Q1, {"billing": 5}, escalation=(EscalationStep(30, overflow_queue=Q2),))
    overflow = QueuePolicy(Q2, {"general": 1})
    eng, _ = engine(main, overflow, agents=(agent(1, {"general": 2}, chat=1),))
    assert offers(queue(eng, item(10))) == []
    (offer,) = eng.handle(Tick(T0 + 31))
    assert isinstance(offer, Offer)
    assert (offer.interaction, offer.agent, offer.reason.step) == (10, 1, 1)


def test_escalation_widens_to_any_agent_with_a_skill() -> None:
    policy = QueuePolicy(
        Q1,
        {"billing": 8},
        escalation=(EscalationStep(20), EscalationStep(40, any_agent_with_skill="finance")),
    )
    eng, _ = engine(policy, agents=(agent(1, {"finance": 1}, chat=1),))
    assert offers(queue(eng, item(10))) == []
    assert eng.next_deadline() == T0 + 20
    assert offers(eng.handle(Tick(T0 + 20))) == []
    assert offers(eng.handle(Tick(T0 + 40))) == [(10, 1)]


def test_sticky_interaction_waits_for_the_preferred_agent_within_the_window() -> None:
    policy = QueuePolicy(Q1, sticky_seconds=30)
    eng, _ = engine(
        policy, agents=(agent(1, chat=1, idle_since=T0 - 99), agent(2, chat=1, load={Channel.CHAT: 1}))
    )
    assert offers(queue(eng, item(10, preferred=2))) == []
    assert offers(free_one_chat(eng, 2, T0 + 10)) == [(10, 2)]


def test_sticky_window_ends_then_anyone_eligible_gets_it() -> None:
    policy = QueuePolicy(Q1, sticky_seconds=30)
    eng, _ = engine(policy, agents=(agent(1, chat=1), agent(2, chat=1, load={Channel.CHAT: 1})))
    assert offers(queue(eng, item(10, preferred=2))) == []
    assert eng.next_deadline() == T0 + 30
    assert offers(eng.handle(Tick(T0 + 30))) == [(10, 1)]


@pytest.mark.parametrize("presence", [Presence.OFFLINE, Presence.AWAY, Presence.WRAP_UP])
def test_sticky_is_skipped_when_the_preferred_agent_cannot_take_it(presence: Presence) -> None:
    """A returning customer never waits for an agent who is gone or on a break (their desk
    closed, say): stickiness only to an agent who can take the interaction."""
    policy = QueuePolicy(Q1, sticky_seconds=30)
    eng, _ = engine(policy, agents=(agent(1, chat=1), agent(2, chat=1, presence=presence)))
    assert offers(queue(eng, item(10, preferred=2))) == [(10, 1)]


@pytest.mark.parametrize("presence", [Presence.OFFLINE, Presence.AWAY])
def test_sticky_ends_when_the_preferred_agent_leaves(presence: Presence) -> None:
    policy = QueuePolicy(Q1, sticky_seconds=30)
    eng, _ = engine(
        policy, agents=(agent(1, chat=1, load={Channel.CHAT: 1}), agent(2, chat=1, load={Channel.CHAT: 1}))
    )
    assert offers(queue(eng, item(10, preferred=2))) == []  # waits for agent 2, who is busy
    assert offers(free_one_chat(eng, 1, T0 + 1)) == []  # still reserved for agent 2
    assert offers(eng.handle(AgentPresenceChanged(AgentId(2), presence, T0 + 5))) == [(10, 1)]


def test_sticky_ends_when_the_preferred_agent_leaves_in_the_same_batch() -> None:
    """The router hands the engine what arrived together: the customer's message and their agent
    closing the desk. The window must not open for an agent who left before the batch settled."""
    policy = QueuePolicy(Q1, sticky_seconds=30)
    eng, _ = engine(policy, agents=(agent(1, chat=1), agent(2, chat=1, load={Channel.CHAT: 1})))
    batch = [
        InteractionQueued(item(10, preferred=2, at=T0 + 1), T0 + 1),
        AgentPresenceChanged(AgentId(2), Presence.OFFLINE, T0 + 1),
    ]
    assert offers(eng.handle_many(batch)) == [(10, 1)]
    kinds = [entry.kind for entry in eng.explain(InteractionId(10)).history]
    assert "sticky_ended" in kinds


def test_sticky_holds_while_the_preferred_agent_is_busy() -> None:
    policy = QueuePolicy(Q1, sticky_seconds=30)
    eng, _ = engine(
        policy, agents=(agent(1, chat=1), agent(2, chat=1, presence=Presence.BUSY, load={Channel.CHAT: 1}))
    )
    assert offers(queue(eng, item(10, preferred=2))) == []
    assert offers(free_one_chat(eng, 2, T0 + 5)) == [(10, 2)]


def test_preferred_agent_rejecting_ends_the_sticky_window_early() -> None:
    policy = QueuePolicy(Q1, sticky_seconds=300)
    eng, _ = engine(policy, agents=(agent(1, chat=1, load={Channel.CHAT: 1}), agent(2, chat=1)))
    assert offers(queue(eng, item(10, preferred=2))) == [(10, 2)]
    assert offers(free_one_chat(eng, 1, T0 + 1)) == []
    assert offers(eng.handle(OfferRejected(InteractionId(10), AgentId(2), T0 + 2))) == [(10, 1)]


def test_sticky_offer_is_explained_as_sticky() -> None:
    policy = QueuePolicy(Q1, sticky_seconds=30)
    eng, _ = engine(policy, agents=(agent(1, chat=1, idle_since=T0 - 500), agent(2, chat=1)))
    (offer,) = queue(eng, item(10, preferred=2))
    assert isinstance(offer, Offer)
    assert offer.reason.rule == "sticky"
