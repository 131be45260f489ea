"""The simulated figures follow the shared metrics definitions, and the scenario knobs do their job.

Short abandons, the interval a contact belongs to, occupancy counted once per agent-second under
chat concurrency, offer answers (delays, rejects, expiries and the engine's `SetAgentAway`),
drain at the end of the day, and the check of a `plan_requirements` plan by simulation.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from routing import Channel, QueueId, QueuePolicy, RoutingRules
from workforce.erlang import service_level
from workforce.simulation import (
    AgentGroup,
    Distribution,
    Empirical,
    Exponential,
    Fixed,
    IntervalCheck,
    LogNormal,
    OfferBehaviour,
    QueueSpec,
    Scenario,
    estimate,
    replicate,
    simulate,
    simulate_requirements,
)
from workforce.staffing import Channel as PlanChannel
from workforce.staffing import QueueTargets, plan_requirements

Q = QueueId(1)


def one_queue(
    per_interval: tuple[float, ...],
    staffing: tuple[int, ...],
    *,
    handle_time: Distribution | None = None,
    patience: Distribution | None = None,
    policy: QueuePolicy | None = None,
    offers: OfferBehaviour | None = None,
    rules: RoutingRules | None = None,
    drain: bool = True,
) -> Scenario:
    queue = QueueSpec(
        policy or QueuePolicy(Q), Channel.VOICE, per_interval, handle_time or Exponential(180.0), patience
    )
    group = AgentGroup("agents", {}, {Channel.VOICE: 1}, staffing)
    return Scenario(3600.0, (queue,), (group,), offers or OfferBehaviour(), rules, drain=drain)


def test_abandons_within_five_seconds_are_short_and_left_out_of_the_rates() -> None:
    nobody = simulate(one_queue((50.0,), (0,), patience=Fixed(3.0)), 1).queue_total(Q)
    assert nobody.offered == nobody.abandoned == nobody.short_abandons > 0
    assert math.isnan(nobody.service_level) and math.isnan(nobody.abandon_rate)
    longer = simulate(one_queue((50.0,), (0,), patience=Fixed(10.0)), 1).queue_total(Q)
    assert longer.short_abandons == 0
    assert longer.abandon_rate == 1.0 and longer.service_level == 0.0


def test_a_contact_counts_in_the_interval_it_was_offered_even_when_answered_later() -> None:
    run = simulate(one_queue((200.0, 200.0, 200.0), (0, 25, 25)), 4)
    first = run.queues[Q][0]
    assert first.offered > 150 and first.answered == first.offered  # answered in interval 1
    assert first.service_level < 0.05 and first.asa_s > 600
    assert math.isnan(run.groups["agents"][0].occupancy)  # nobody logged in
    busy, after = run.groups["agents"][1].occupancy, run.groups["agents"][2].occupancy
    assert busy > after + 0.1  # working off the backlog
    assert run.queues[Q][1].service_level < 0.5 < 0.8 < run.queues[Q][2].service_level


def test_without_drain_the_end_leaves_contacts_unresolved_and_with_it_none() -> None:
    loaded = (200.0, 200.0)
    drained = simulate(one_queue(loaded, (11, 9)), 8).queue_total(Q)  # overloaded at the end
    cut = simulate(one_queue(loaded, (11, 9), drain=False), 8).queue_total(Q)
    assert drained.unresolved == 0 and cut.unresolved > 0
    stranded = simulate(one_queue(loaded, (11, 0)), 8)  # nobody left, nobody gives up: it stops
    assert stranded.queues[Q][1].unresolved == stranded.queues[Q][1].offered > 0


def test_chat_occupancy_counts_an_agent_once_whatever_its_number_of_chats() -> None:
    # One agent with three chat slots is M/M/3: it is busy unless the system is empty,
    # P0 = 1/9 at 2 erlangs, so occupancy 8/9 while the slots are only 2/3 occupied.
    hours = 60
    chat = QueueSpec(QueuePolicy(Q), Channel.CHAT, (24.0,) * hours, Exponential(300.0))
    agent = AgentGroup("chat", {}, {Channel.CHAT: 3}, (1,) * hours)
    runs = replicate(Scenario(3600.0, (chat,), (agent,), warmup_s=3600.0), 4, seed=2)
    assert runs.occupancy("chat").mean == pytest.approx(8 / 9, abs=0.02)
    sl = runs.queue(Q).service_level.mean  # threshold 60 s, the chat default
    assert sl == pytest.approx(service_level(3, 2.0, 300.0, 60.0), abs=0.03)


def test_an_accept_delay_adds_to_every_wait() -> None:
    quick = replicate(one_queue((60.0,) * 4, (12,) * 4), 2, seed=6).queue(Q)
    slow = replicate(one_queue((60.0,) * 4, (12,) * 4, offers=OfferBehaviour(Fixed(4.0))), 2, seed=6)
    assert quick.asa_s.mean < 0.5
    assert slow.queue(Q).asa_s.mean == pytest.approx(4.0 + quick.asa_s.mean, abs=0.5)


def test_rejected_offers_go_to_another_agent_and_everyone_is_answered() -> None:
    never_away = RoutingRules(misses_before_away=0)
    behaviour = OfferBehaviour(Fixed(2.0), reject_probability=0.5)
    run = simulate(one_queue((150.0,) * 3, (11,) * 3, offers=behaviour, rules=never_away), 3)
    total = run.queue_total(Q)
    assert total.answered == total.offered
    assert total.asa_s > 4.0  # two answers of 2 s on average, plus queueing


@pytest.mark.parametrize("delay", [5.0, 10.0])  # an answer at the very deadline is late too
def test_offers_answered_at_or_after_the_timeout_expire_and_contacts_then_abandon(delay: float) -> None:
    late = OfferBehaviour(Fixed(delay))
    policy = QueuePolicy(Q, offer_timeout=5.0)
    total = simulate(one_queue((40.0,), (5,), policy=policy, offers=late, patience=Fixed(60)), 2).queue_total(
        Q
    )
    assert total.answered == 0 and total.abandoned == total.offered > 0


def test_agents_set_away_for_missed_offers_come_back() -> None:
    slow = OfferBehaviour(Exponential(4.0), away_s=30.0)  # 22 % of answers miss the 6 s timeout
    scenario = one_queue((150.0,) * 3, (11,) * 3, policy=QueuePolicy(Q, offer_timeout=6.0), offers=slow)
    run = simulate(scenario, 12)
    total = run.queue_total(Q)
    assert total.answered == total.offered > 300
    assert all(0.5 < row.occupancy < 1.0 for row in run.groups["agents"])


def day_level(checks: tuple[IntervalCheck, ...], contacts: list[float]) -> tuple[float, float]:
    """Simulated and planned SL over the day, weighting each interval by its contacts."""
    simulated = sum(c.service_level.mean * n for c, n in zip(checks, contacts, strict=True))
    planned = sum((c.planned_service_level or 0.0) * n for c, n in zip(checks, contacts, strict=True))
    return simulated / sum(contacts), planned / sum(contacts)


def test_a_staffing_plan_is_checked_by_simulation() -> None:
    contacts, aht = [80.0, 140.0, 200.0, 120.0], [180.0] * 4
    targets = QueueTargets(PlanChannel.VOICE, service_level=0.8, threshold_s=20.0)
    plan = plan_requirements(contacts, aht, 1800.0, targets)
    checks = simulate_requirements(plan, 1800.0, targets, replications=40, seed=1)
    assert [c.agents for c in checks] == [r.agents for r in plan]
    for check in checks:
        assert check.planned_service_level is not None and check.planned_service_level >= 0.8
        # one half hour is short: its SL varies a lot from one day to the next (±0.07 over 40)
        assert check.service_level.mean == pytest.approx(check.planned_service_level, abs=0.1)
        assert check.occupancy.mean == pytest.approx(check.planned_occupancy, abs=0.05)
    simulated, planned = day_level(checks, contacts)
    assert simulated == pytest.approx(planned, abs=0.04)
    history = Empirical.of([60.0, 120.0, 150.0, 200.0, 370.0])  # mean 180 s, handle times from history
    assert simulate_requirements(plan, 1800.0, targets, replications=2, handle_time=history)
    with pytest.raises(ValueError, match="email"):
        email = QueueTargets(PlanChannel.EMAIL, deadline_s=3600.0)
        simulate_requirements(plan_requirements(contacts, aht, 1800.0, email), 1800.0, email)


def test_a_chat_plan_with_concurrency_is_checked_on_slots() -> None:
    # steady load: when it rises, the first minutes of an interval beat the plan (busy slots lag)
    contacts = [150.0, 150.0]
    targets = QueueTargets(PlanChannel.CHAT, service_level=0.8, threshold_s=60.0, concurrency=2)
    plan = plan_requirements(contacts, [300.0, 300.0], 1800.0, targets)
    checks = simulate_requirements(plan, 1800.0, targets, replications=40, seed=3)
    for check in checks:
        assert check.planned_service_level is not None
        assert check.service_level.mean == pytest.approx(check.planned_service_level, abs=0.1)
        # the plan's occupancy is per slot, a lower bound of the agent's (busy with one chat of two)
        assert check.occupancy.mean > check.planned_occupancy
    simulated, planned = day_level(checks, contacts)
    assert simulated == pytest.approx(planned, abs=0.05)


def test_confidence_half_width_is_students_t() -> None:
    figure = estimate([1.0, 2.0, 3.0, math.nan])
    assert figure.mean == 2.0 and figure.count == 3
    assert figure.half_width == pytest.approx(4.302653 / math.sqrt(3), rel=1e-6)
    assert math.isnan(estimate([5.0]).half_width) and math.isnan(estimate([]).mean)


def test_inconsistent_scenarios_are_refused() -> None:
    queue = QueueSpec(QueuePolicy(Q), Channel.VOICE, (10.0, 10.0), Exponential(180.0))
    with pytest.raises(ValueError, match="staffing"):
        Scenario(1800.0, (queue,), (AgentGroup("a", {}, {Channel.VOICE: 1}, (1,)),))
    with pytest.raises(ValueError, match="per interval"):
        QueueSpec(QueuePolicy(Q), Channel.VOICE, (10.0, 10.0), (Exponential(180.0),))
    with pytest.raises(ValueError):
        Exponential(0.0)
    with pytest.raises(ValueError):
        OfferBehaviour(reject_probability=1.0)


def test_wrap_up_keeps_the_agent_busy_after_the_talk() -> None:
    talk_only = one_queue((150.0,) * 4, (11,) * 4, handle_time=Exponential(120.0))
    plain = replicate(talk_only, 2, seed=4)
    with_wrap = replicate(
        replace(talk_only, queues=(replace(talk_only.queues[0], wrap_up=Fixed(60.0)),)), 2, 4
    )
    assert plain.occupancy("agents").mean == pytest.approx(150 * 120 / 3600 / 11, abs=0.05)
    assert with_wrap.occupancy("agents").mean == pytest.approx(150 * 180 / 3600 / 11, abs=0.05)
    assert with_wrap.queue(Q).asa_s.mean > plain.queue(Q).asa_s.mean


def test_distributions_have_the_means_they_are_given() -> None:
    rng = np.random.default_rng(0)
    for shape in (Exponential(180.0), LogNormal(180.0, 360.0), Empirical.of([100.0, 260.0]), Fixed(180.0)):
        draws = [shape.sample(rng) for _ in range(40_000)]
        assert float(np.mean(draws)) == pytest.approx(180.0, rel=0.05)
