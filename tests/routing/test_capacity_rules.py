"""Capacity per channel, the cross-channel rule, and which presences may be offered work."""

from __future__ import annotations

from routing import (
    AgentId,
    AgentLoadChanged,
    AgentPresenceChanged,
    AgentSkillsChanged,
    Channel,
    CrossChannelRule,
    Presence,
    RoutingRules,
)
from tests.routing.builders import T0, agent, engine, item, offers, queue


def test_chat_capacity_limits_concurrent_offers() -> None:
    eng, _ = engine(agents=(agent(1, chat=2),))
    assert offers(queue(eng, item(10))) == [(10, 1)]
    assert offers(queue(eng, item(11))) == [(11, 1)]
    assert offers(queue(eng, item(12))) == []


def test_current_load_counts_against_capacity() -> None:
    eng, _ = engine(agents=(agent(1, chat=3, load={Channel.CHAT: 2}),))
    assert offers(queue(eng, item(10))) == [(10, 1)]
    assert offers(queue(eng, item(11))) == []


def test_active_voice_call_blocks_chat_by_default() -> None:
    eng, _ = engine(agents=(agent(1, chat=3, voice=1, load={Channel.VOICE: 1}),))
    assert offers(queue(eng, item(10))) == []


def test_active_chat_blocks_voice_by_default() -> None:
    eng, _ = engine(agents=(agent(1, chat=3, voice=1, load={Channel.CHAT: 1}),))
    assert offers(queue(eng, item(10, channel=Channel.VOICE))) == []


def test_pending_voice_offer_blocks_chat_too() -> None:
    eng, _ = engine(agents=(agent(1, chat=3, voice=1),))
    assert offers(queue(eng, item(10, channel=Channel.VOICE))) == [(10, 1)]
    assert offers(queue(eng, item(11))) == []


def test_chat_and_email_mix_under_the_default_rule() -> None:
    eng, _ = engine(agents=(agent(1, chat=1, email=1),))
    assert offers(queue(eng, item(10))) == [(10, 1)]
    assert offers(queue(eng, item(11, channel=Channel.EMAIL))) == [(11, 1)]


def test_custom_cross_channel_rule_lets_chat_block_email() -> None:
    rule = CrossChannelRule({Channel.CHAT: frozenset({Channel.EMAIL})})
    eng, _ = engine(agents=(agent(1, chat=1, email=1, voice=1),), rules=RoutingRules(cross_channel=rule))
    assert offers(queue(eng, item(10))) == [(10, 1)]
    assert offers(queue(eng, item(11, channel=Channel.EMAIL))) == []
    assert offers(queue(eng, item(12, channel=Channel.VOICE))) == [(12, 1)]  # voice no longer exclusive


def test_agent_without_capacity_on_a_channel_gets_nothing_there() -> None:
    eng, _ = engine(agents=(agent(1, chat=2),))
    assert offers(queue(eng, item(10, channel=Channel.SMS))) == []


def test_offline_away_and_wrap_up_agents_get_nothing() -> None:
    agents = tuple(
        agent(i, chat=1, presence=p)
        for i, p in enumerate([Presence.OFFLINE, Presence.AWAY, Presence.WRAP_UP], start=1)
    )
    eng, _ = engine(agents=agents)
    assert offers(queue(eng, item(10))) == []


def test_busy_agent_with_free_chat_capacity_gets_a_chat() -> None:
    eng, _ = engine(agents=(agent(1, chat=2, presence=Presence.BUSY, load={Channel.CHAT: 1}),))
    assert offers(queue(eng, item(10))) == [(10, 1)]


def test_agent_becoming_available_takes_waiting_work() -> None:
    eng, _ = engine(agents=(agent(1, chat=2, presence=Presence.AWAY),), items=(item(10), item(11), item(12)))
    assert offers(eng.handle(AgentPresenceChanged(AgentId(1), Presence.AVAILABLE, T0 + 1))) == [
        (10, 1),
        (11, 1),
    ]


def test_load_ending_frees_capacity_for_the_next_interaction() -> None:
    eng, _ = engine(
        agents=(agent(1, voice=1, load={Channel.VOICE: 1}),), items=(item(10, channel=Channel.VOICE),)
    )
    assert offers(eng.handle(AgentLoadChanged(AgentId(1), {Channel.VOICE: 0}, T0 + 1))) == [(10, 1)]


def test_raised_capacity_takes_waiting_work() -> None:
    eng, _ = engine(agents=(agent(1, chat=1, load={Channel.CHAT: 1}),), items=(item(10),))
    decisions = eng.handle(AgentSkillsChanged(AgentId(1), T0 + 1, capacity={Channel.CHAT: 2}))
    assert offers(decisions) == [(10, 1)]


def test_new_skill_makes_agent_eligible() -> None:
    from routing import QueueId, QueuePolicy

    eng, _ = engine(QueuePolicy(QueueId(1), {"billing": 4}), agents=(agent(1, chat=1),), items=(item(10),))
    decisions = eng.handle(AgentSkillsChanged(AgentId(1), T0 + 1, skills={"billing": 4}))
    assert offers(decisions) == [(10, 1)]
