"""The decision log: why this agent, why still waiting, and what a named agent lacks."""

from __future__ import annotations

from routing import (
    AgentId,
    Channel,
    EscalationStep,
    InteractionId,
    InteractionRemoved,
    Offer,
    OfferAccepted,
    Presence,
    QueueId,
    QueuePolicy,
    RoutingRules,
    Tick,
)
from tests.routing.builders import T0, agent, engine, item, queue

BILLING = QueuePolicy(
    QueueId(1),
    {"billing": 5},
    escalation=(EscalationStep(30, lower_levels_by=1), EscalationStep(60, lower_levels_by=1)),
)
I10 = InteractionId(10)


def away_team() -> tuple[object, ...]:
    return (
        agent(1, {"billing": 6}, chat=1, presence=Presence.AWAY),
        agent(2, {"billing": 7}, chat=1, presence=Presence.AWAY),
        agent(3, {"billing": 5}, chat=1, presence=Presence.AWAY),
        agent(4, {"billing": 3}, chat=1),
        agent(5, {"billing": 9}, chat=1, load={Channel.CHAT: 1}),
    )


def test_explain_says_why_an_interaction_is_still_waiting() -> None:
    eng, _ = engine(BILLING, agents=away_team())  # type: ignore[arg-type]
    queue(eng, item(10))
    eng.handle(Tick(T0 + 31))
    why = eng.explain(I10)
    assert why.state == "waiting"
    assert "no free agent with billing>=4: 4 agent(s) have it but 3 away, 1 at capacity" in why.summary
    assert "1 more have the skill(s) below the level" in why.summary
    assert "escalation step 2 at 60s" in why.summary and "will accept billing>=3" in why.summary
    assert [e.kind for e in why.history] == ["queued", "waiting", "escalated", "waiting"]


def test_explain_says_which_rule_and_step_chose_the_agent() -> None:
    eng, _ = engine(BILLING, agents=away_team())  # type: ignore[arg-type]
    queue(eng, item(10))
    (offer,) = eng.handle(Tick(T0 + 60))
    assert isinstance(offer, Offer) and offer.agent == 4
    text = eng.explain(I10).history[-1].text
    assert "longest_idle" in text and "escalation step 2" in text and "meets billing>=3" in text
    assert "pool billing>=3: 1 free, 1 at capacity, 3 away" in text


def test_decision_reason_counts_agents_per_status() -> None:
    eng, _ = engine(BILLING, agents=away_team())  # type: ignore[arg-type]
    queue(eng, item(10))
    (offer,) = eng.handle(Tick(T0 + 60))
    assert isinstance(offer, Offer)
    (pool,) = offer.reason.pools
    assert pool.summary() == {"free": 1, "at capacity": 1, "away": 3}


def test_explain_agent_lists_every_reason_an_agent_cannot_take_it() -> None:
    eng, _ = engine(BILLING, agents=away_team())  # type: ignore[arg-type]
    queue(eng, item(10))
    detail = eng.explain_agent(I10, AgentId(4))
    assert detail == "not eligible: does not meet billing>=5 (has billing=3)"
    assert "away on chat" in eng.explain_agent(I10, AgentId(1))
    assert eng.explain_agent(I10, AgentId(99)) == "unknown agent"


def test_explain_follows_an_interaction_to_its_end() -> None:
    eng, _ = engine(agents=(agent(1, chat=1),))
    queue(eng, item(10))
    assert eng.explain(I10).state == "offered"
    eng.handle(OfferAccepted(I10, AgentId(1), T0 + 2))
    why = eng.explain(I10)
    assert why.state == "accepted"
    assert [e.kind for e in why.history] == ["queued", "offered", "accepted"]
    assert "interaction 10: accepted" in str(why)


def test_explain_remembers_finished_interactions_up_to_the_history_limit() -> None:
    eng, _ = engine(rules=RoutingRules(history_limit=2))
    for iid in (10, 11, 12):
        queue(eng, item(iid))
        eng.handle(InteractionRemoved(InteractionId(iid), T0 + 1))
    assert eng.explain(InteractionId(10)).state == "unknown"
    assert eng.explain(InteractionId(12)).state == "removed"


def test_the_wait_counts_to_when_the_question_is_asked() -> None:
    """Nothing happened for 40 s: the engine's clock stood still, the customer's wait did not."""
    eng, _ = engine(BILLING, agents=away_team())  # type: ignore[arg-type]
    queue(eng, item(10))
    assert "waiting 0.0s" in eng.explain(I10).summary
    assert "waiting 40.0s" in eng.explain(I10, at=T0 + 40).summary
    assert "waiting 0.0s" in eng.explain(I10, at=T0 - 5).summary  # never before the last event
