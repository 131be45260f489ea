"""Multi-skill sanity: what the routing engine's policies should do to the simulated figures.

No formula gives these numbers, so each test compares two runs that differ in one thing (pooling,
priority, patience, load, handle-time variance) on the same seeds, where the direction of the
effect is certain and large against the noise.
"""

from __future__ import annotations

from routing import Channel, CustomerClass, QueueId, QueuePolicy
from workforce.simulation import (
    AgentGroup,
    Distribution,
    Exponential,
    Fixed,
    LogNormal,
    QueueSpec,
    Scenario,
    replicate,
    simulate,
)

BILLING, TECH = QueueId(1), QueueId(2)
HOURS, AHT_S = 8, 180.0
EXPONENTIAL = Exponential(AHT_S)


def voice_queue(
    queue: QueueId,
    per_hour: float,
    skill: str | None = None,
    *,
    handle_time: Distribution = EXPONENTIAL,
    patience: Distribution | None = None,
    class_mix: dict[CustomerClass, float] | None = None,
) -> QueueSpec:
    policy = QueuePolicy(queue, required_skills={skill: 1} if skill else {})
    mix = class_mix or {CustomerClass.REGULAR: 1.0}
    return QueueSpec(policy, Channel.VOICE, (per_hour,) * HOURS, handle_time, patience, class_mix=mix)


def voice_agents(name: str, count: int, skills: dict[str, int] | None = None) -> AgentGroup:
    return AgentGroup(name, skills or {}, {Channel.VOICE: 1}, (count,) * HOURS)


def scenario(queues: list[QueueSpec], groups: list[AgentGroup]) -> Scenario:
    return Scenario(3600.0, tuple(queues), tuple(groups), warmup_s=1800.0)


def test_cross_trained_agents_pooling_two_skills_beat_split_queues() -> None:
    queues = [voice_queue(BILLING, 100, "billing"), voice_queue(TECH, 100, "tech")]
    split = scenario(
        queues, [voice_agents("billing", 6, {"billing": 5}), voice_agents("tech", 6, {"tech": 5})]
    )
    pooled = scenario(queues, [voice_agents("both", 12, {"billing": 5, "tech": 5})])
    split_runs, pooled_runs = replicate(split, 4, seed=11), replicate(pooled, 4, seed=11)
    for queue in (BILLING, TECH):
        apart, together = split_runs.queue(queue), pooled_runs.queue(queue)
        assert together.service_level.mean > apart.service_level.mean + 0.1
        assert together.asa_s.mean < apart.asa_s.mean / 2


def test_vip_contacts_get_a_better_service_level_than_regular_ones_under_load() -> None:
    mix = {CustomerClass.VIP: 0.2, CustomerClass.REGULAR: 0.8}
    busy = scenario([voice_queue(BILLING, 200, class_mix=mix)], [voice_agents("agents", 12)])
    runs = replicate(busy, 4, seed=5)
    vip = runs.customer_class(BILLING, CustomerClass.VIP)
    regular = runs.customer_class(BILLING, CustomerClass.REGULAR)
    assert vip.service_level.mean > regular.service_level.mean + 0.15
    assert vip.asa_s.mean < regular.asa_s.mean / 3
    assert vip.offered.mean < regular.offered.mean / 2


def test_abandonment_lowers_the_speed_of_answer() -> None:
    patient = scenario([voice_queue(BILLING, 200)], [voice_agents("agents", 11)])
    impatient = scenario(
        [voice_queue(BILLING, 200, patience=Exponential(60.0))], [voice_agents("agents", 11)]
    )
    stay, leave = replicate(patient, 4, seed=3).queue(BILLING), replicate(impatient, 4, seed=3).queue(BILLING)
    assert leave.asa_s.mean < stay.asa_s.mean / 2
    assert stay.abandon_rate.mean == 0.0
    assert 0.05 < leave.abandon_rate.mean < 0.3


def test_occupancy_is_a_share_and_grows_with_load() -> None:
    occupancies = []
    for per_hour in (100, 150, 190):
        runs = replicate(scenario([voice_queue(BILLING, per_hour)], [voice_agents("agents", 11)]), 3, seed=9)
        for run in runs.runs:
            assert all(0.0 < row.occupancy <= 1.0 for row in run.groups["agents"])
        occupancies.append(runs.occupancy("agents").mean)
    assert occupancies == sorted(occupancies)
    assert occupancies[0] < 0.55 < 0.8 < occupancies[-1]


def test_handle_time_variance_lengthens_waits_at_the_same_mean() -> None:
    asa = []
    shapes: list[Distribution] = [Fixed(AHT_S), Exponential(AHT_S), LogNormal(AHT_S, 2 * AHT_S)]
    for shape in shapes:
        busy = scenario([voice_queue(BILLING, 200, handle_time=shape)], [voice_agents("agents", 13)])
        asa.append(replicate(busy, 8, seed=21).queue(BILLING).asa_s.mean)
    assert asa[0] < 0.75 * asa[1] < 0.75 * asa[2]


def test_the_same_seed_gives_identical_results_and_another_seed_does_not() -> None:
    mix = {CustomerClass.VIP: 0.3, CustomerClass.REGULAR: 0.7}
    queues = [
        voice_queue(BILLING, 120, "billing", class_mix=mix, patience=Exponential(90.0)),
        voice_queue(TECH, 80, "tech"),
    ]
    groups = [voice_agents("billing", 5, {"billing": 5}), voice_agents("both", 4, {"billing": 3, "tech": 7})]
    busy = scenario(queues, groups)
    first, again, other = simulate(busy, 42), simulate(busy, 42), simulate(busy, 43)
    assert first == again
    assert first != other
    assert replicate(busy, 3, seed=1) == replicate(busy, 3, seed=1)
