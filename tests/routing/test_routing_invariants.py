"""Property tests over random event sequences, checked against an independent brute-force model.

After every event: no interaction offered to two agents, no offer beyond capacity or across the
cross-channel rule, no offer to an ineligible or unavailable agent, and no interaction waiting
while an eligible agent is free (work-conserving). Every run is then replayed and must give the
same decisions.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routing import (
    AgentChoice,
    AgentId,
    AgentLoadChanged,
    AgentLoggedIn,
    AgentPresenceChanged,
    AgentSkillsChanged,
    AgentState,
    Channel,
    CustomerClass,
    Decision,
    EscalationStep,
    Event,
    InteractionId,
    InteractionQueued,
    InteractionRemoved,
    OfferAccepted,
    OfferRejected,
    OfferTimedOut,
    Presence,
    QueueId,
    QueuePolicy,
    RoutingEngine,
    RoutingRules,
    Snapshot,
    Tick,
    WaitingInteraction,
    replay,
)
from tests.routing.oracle import Model

T0 = 1_000_000.0
SKILLS = ("billing", "sales", "support")
POLICIES = [
    QueuePolicy(
        QueueId(1),
        {"billing": 5},
        offer_timeout=10,
        escalation=(EscalationStep(30, lower_levels_by=2), EscalationStep(60, overflow_queue=QueueId(2))),
    ),
    QueuePolicy(QueueId(2), {"sales": 3}, sticky_seconds=20, agent_choice=AgentChoice.LEAST_OCCUPIED),
    QueuePolicy(
        QueueId(3),
        {"support": 2},
        agent_choice=AgentChoice.BEST_SKILL,
        aging_per_second=0.5,
        sticky_seconds=8,
        escalation=(EscalationStep(15, any_agent_with_skill="sales"),),
    ),
]
RULES = RoutingRules(misses_before_away=2)
MAX_AGENTS = 5

skills_st = st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 10), min_size=1, max_size=3)
capacity_st = st.fixed_dictionaries(
    {
        Channel.VOICE: st.integers(0, 1),
        Channel.CHAT: st.integers(0, 3),
        Channel.EMAIL: st.integers(0, 2),
        Channel.SMS: st.integers(0, 2),
    }
)
presence_st = st.sampled_from([Presence.AVAILABLE, Presence.AVAILABLE, Presence.BUSY, *Presence])
channel_st = st.sampled_from(list(Channel))


@st.composite
def agent_st(draw: st.DrawFn, aid: int) -> AgentState:
    capacity = draw(capacity_st)
    load = {ch: draw(st.integers(0, n)) for ch, n in capacity.items() if n and draw(st.booleans())}
    return AgentState(
        AgentId(aid), draw(presence_st), draw(skills_st), capacity, load, T0 - draw(st.integers(0, 50))
    )


@st.composite
def item_st(draw: st.DrawFn, iid: int, at: float) -> WaitingInteraction:
    return WaitingInteraction(
        InteractionId(iid),
        draw(channel_st),
        QueueId(draw(st.integers(1, 3))),
        at - draw(st.sampled_from([0, 0, 5, 40])),
        draw(st.sampled_from([0.0, 0.0, 3.0])),
        draw(st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 4), max_size=1)),
        draw(st.sampled_from(list(CustomerClass))),
        draw(st.one_of(st.none(), st.integers(1, MAX_AGENTS).map(AgentId))),
    )


Op = tuple[str, float, int, int]
op_st = st.tuples(
    st.sampled_from(
        [
            "queue",
            "queue",
            "queue",
            "accept",
            "accept",
            "reject",
            "timeout",
            "remove",
            "presence",
            "load",
            "skills",
            "login",
            "tick",
        ]
    ),
    st.sampled_from([0.0, 0.0, 1.0, 3.0, 9.0, 16.0, 31.0]),
    st.integers(0, 1000),
    st.integers(0, 1000),
)


def make_event(draw: st.DrawFn, model: Model, op: Op, next_iid: int) -> Event | None:
    kind, _, a, b = op
    now = model.now
    offered = sorted((iid, it.offered_to) for iid, it in model.items.items() if it.offered_to is not None)
    if kind == "queue":
        return InteractionQueued(draw(item_st(next_iid, now)), now)
    if kind in ("accept", "reject", "timeout") and offered:
        iid, aid = offered[a % len(offered)]
        cls = {"accept": OfferAccepted, "reject": OfferRejected, "timeout": OfferTimedOut}[kind]
        return cls(InteractionId(iid), AgentId(aid if b % 7 else aid % MAX_AGENTS + 1), now)
    if kind == "remove" and model.items:
        return InteractionRemoved(InteractionId(sorted(model.items)[a % len(model.items)]), now, "abandoned")
    aid = AgentId(a % MAX_AGENTS + 1)
    if kind == "presence":
        return AgentPresenceChanged(aid, [Presence.AVAILABLE, *Presence][b % 6], now)
    if kind == "load" and aid in model.agents:
        cap = model.agents[aid].capacity
        return AgentLoadChanged(aid, {ch: draw(st.integers(0, n)) for ch, n in cap.items() if n}, now)
    if kind == "skills":
        return AgentSkillsChanged(aid, now, draw(skills_st), draw(st.one_of(st.none(), capacity_st)))
    if kind == "login":
        state = draw(agent_st(aid))
        return AgentLoggedIn(AgentState(aid, state.presence, state.skills, state.capacity, {}, now), now)
    return Tick(now)


def check(model: Model, decisions: list[Decision]) -> None:
    for d in decisions:
        model.apply_decision(d)
    model.check_settled()


@settings(
    max_examples=250,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_event_sequences_keep_every_invariant_and_replay_identically(data: st.DataObject) -> None:
    draw = data.draw
    n_agents = draw(st.integers(1, MAX_AGENTS))
    agents = tuple(draw(agent_st(i)) for i in range(1, n_agents + 1))
    items = tuple(draw(item_st(100 + i, T0)) for i in range(draw(st.integers(0, 4))))
    initial = Snapshot(T0, agents, items)
    engine = RoutingEngine(POLICIES, RULES)
    model = Model(POLICIES, RULES)
    model.load(initial)
    decisions = engine.load(initial)
    check(model, decisions)
    sent: list[Event] = []
    for n, op in enumerate(draw(st.lists(op_st, max_size=40))):
        if op[1]:
            tick = Tick(model.now + op[1])
            model.apply_event(tick)
            out = engine.handle(tick)
            check(model, out)
            sent.append(tick)
            decisions.extend(out)
            assert (engine.next_deadline() or float("inf")) > model.now
        event = make_event(draw, model, op, 200 + n)
        if event is None:
            continue
        model.apply_event(event)
        out = engine.handle(event)
        check(model, out)
        sent.append(event)
        decisions.extend(out)
    for iid, waiting in list(model.items.items())[:3]:
        expected = "waiting" if waiting.offered_to is None else "offered"
        assert engine.explain(InteractionId(iid)).state == expected
    _, replayed = replay(initial, sent, POLICIES, RULES)
    assert replayed == decisions
