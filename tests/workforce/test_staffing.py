"""Requirements per interval for voice, chat with concurrency and deferred email."""

from __future__ import annotations

import math

import pytest

from workforce.erlang import StaffingTargets, required_agents, scheduled_agents
from workforce.erlang_a import required_agents_erlang_a
from workforce.staffing import Channel, QueueTargets, plan_requirements


def test_voice_requirements_follow_erlang_c_per_interval() -> None:
    rows = plan_requirements([100, 0, 50.5], [180, 0, 200], 1800, QueueTargets(shrinkage=0.3))
    assert [r.agents for r in rows] == [
        14,
        0,
        required_agents(50.5 * 200 / 1800, 200, StaffingTargets()).agents,
    ]
    assert [r.scheduled for r in rows] == [scheduled_agents(r.agents, 0.3) for r in rows]
    assert rows[0].workload == 10.0
    assert rows[0].service_level == pytest.approx(0.88835, abs=1e-5)
    assert rows[1].service_level == 1.0 and rows[1].occupancy == 0.0


def test_voice_with_patience_uses_erlang_a() -> None:
    targets = QueueTargets(patience_s=120, max_abandon_rate=0.05)
    row = plan_requirements([100], [180], 1800, targets)[0]
    expected = required_agents_erlang_a(10.0, 180, 120, StaffingTargets(), max_abandon_rate=0.05)
    assert row.agents == expected.agents == 13
    assert row.p_abandon == expected.p_abandon <= 0.05


def test_chat_staffs_slots_then_agents() -> None:
    # 100 chats of 540 s (as measured at concurrency 3) per half hour: 30 erlangs on slots
    targets = QueueTargets(channel=Channel.CHAT, concurrency=3, threshold_s=60)
    row = plan_requirements([100], [540], 1800, targets)[0]
    slots = required_agents(30.0, 540, StaffingTargets(0.8, 60)).agents
    assert row.agents == math.ceil(slots / 3)
    assert row.occupancy == pytest.approx(30.0 / (3 * row.agents))
    assert row.service_level is not None and row.service_level >= 0.8


def test_chat_at_concurrency_one_is_voice() -> None:
    voice = plan_requirements([80, 20], [300, 300], 1800, QueueTargets(threshold_s=60))
    chat = plan_requirements([80, 20], [300, 300], 1800, QueueTargets(channel=Channel.CHAT, threshold_s=60))
    assert voice == chat


def test_chat_with_patience_rounds_slots_up_to_whole_agents() -> None:
    targets = QueueTargets(channel=Channel.CHAT, concurrency=2, threshold_s=60, patience_s=300)
    row = plan_requirements([100], [540], 1800, targets)[0]
    slots = required_agents_erlang_a(30.0, 540, 300, StaffingTargets(0.8, 60)).agents
    assert row.agents == math.ceil(slots / 2)


def test_email_work_is_spread_over_the_deadline() -> None:
    # 60 emails × 600 s = 10 h of work, due within 1.5 h = three half hours: 3.33 h each,
    # i.e. 6.67 agents busy for the whole half hour, so 7
    targets = QueueTargets(channel=Channel.EMAIL, deadline_s=5400, shrinkage=0.2)
    rows = plan_requirements([60, 0, 0, 0], [600, 0, 0, 0], 1800, targets)
    assert [r.workload for r in rows] == pytest.approx([20 / 3, 20 / 3, 20 / 3, 0.0])
    assert [r.agents for r in rows] == [7, 7, 7, 0]
    assert [r.scheduled for r in rows] == [9, 9, 9, 0]
    assert rows[0].service_level is None


def test_email_spill_wraps_only_in_a_cyclic_plan() -> None:
    targets = QueueTargets(channel=Channel.EMAIL, deadline_s=5400)
    flat = plan_requirements([0, 0, 0, 60], [0, 0, 0, 600], 1800, targets)
    wrapped = plan_requirements([0, 0, 0, 60], [0, 0, 0, 600], 1800, targets, cyclic=True)
    assert [r.agents for r in flat] == [0, 0, 0, 7]
    assert [r.agents for r in wrapped] == [7, 7, 0, 7]


def test_email_whole_workload_is_not_rounded_up_by_float_noise() -> None:
    # 14 emails × 900 s per half hour = 7 agents; six sixths of it add up to 7.000000000000001
    targets = QueueTargets(channel=Channel.EMAIL, deadline_s=6 * 1800)
    rows = plan_requirements([14] * 6, [900] * 6, 1800, targets, cyclic=True)
    assert rows[0].workload > 7.0
    assert [r.agents for r in rows] == [7] * 6


def test_inconsistent_targets_are_refused() -> None:
    with pytest.raises(ValueError):
        QueueTargets(concurrency=2)  # voice has no concurrency
    with pytest.raises(ValueError):
        QueueTargets(channel=Channel.EMAIL)  # email needs a deadline
    with pytest.raises(ValueError):
        QueueTargets(max_abandon_rate=0.05)  # needs patience
    with pytest.raises(ValueError):
        plan_requirements([10], [0], 1800, QueueTargets())
