"""The simulation agrees with Erlang C and Erlang A where those formulas hold (one skill, one queue).

Steady state: one warm-up hour is discarded, then independent replications of many hours with
fixed seeds. Erlang C assumes M/M/n (Poisson arrivals, exponential handle times, infinite
patience, first come first served) and Erlang A adds exponential patience; the routing engine
with one queue and agents accepting at once is exactly that system, so a gap beyond the noise
would be a bug in the loop.

Most of the noise in a replication's service level is how busy that replication happened to be
(more calls or longer calls than average). A control variate removes it: regress each
replication's SL on a figure whose true mean we know (occupancy, A/n under Erlang C; the number
of contacts offered, λ·T) and correct the mean by the slope times the control's error. That
halves the confidence interval for the same simulated hours, which keeps this file fast; the
plain mean is checked too, with the margin its wider interval needs.
"""

from __future__ import annotations

import numpy as np
import pytest

from routing import Channel, QueueId, QueuePolicy
from workforce.erlang import average_speed_of_answer, occupancy, service_level
from workforce.erlang_a import erlang_a
from workforce.simulation import AgentGroup, Exponential, QueueSpec, Replications, Scenario, replicate

QUEUE = QueueId(1)
TRAFFIC, AHT_S, THRESHOLD_S, PATIENCE_S = 10.0, 180.0, 20.0, 120.0
CONTACTS_PER_HOUR = TRAFFIC * 3600 / AHT_S


def single_skill(agents: int, hours: int, patience_s: float | None = None) -> Scenario:
    patience = Exponential(patience_s) if patience_s is not None else None
    queue = QueueSpec(
        QueuePolicy(QUEUE), Channel.VOICE, (CONTACTS_PER_HOUR,) * hours, Exponential(AHT_S), patience
    )
    group = AgentGroup("agents", {}, {Channel.VOICE: 1}, (agents,) * hours)
    # Erlang A counts every offered contact, so no abandon is "short" here.
    return Scenario(3600.0, (queue,), (group,), warmup_s=3600.0, short_abandon_s=0.0)


def controlled_service_level(runs: Replications, control: list[float], expected: float) -> float:
    levels = np.array([run.queue_total(QUEUE).service_level for run in runs.runs])
    x = np.array(control)
    slope = np.cov(levels, x)[0, 1] / np.var(x, ddof=1)
    return float(np.mean(levels - slope * (x - expected)))


@pytest.mark.parametrize(("agents", "replications"), [(12, 16), (13, 12), (14, 8)])
def test_single_skill_service_level_is_within_two_points_of_erlang_c(agents: int, replications: int) -> None:
    runs = replicate(single_skill(agents, hours=30), replications, seed=2026 + agents)
    expected = service_level(agents, TRAFFIC, AHT_S, THRESHOLD_S)
    busy = [run.group_total("agents").occupancy for run in runs.runs]
    assert controlled_service_level(runs, busy, occupancy(agents, TRAFFIC)) == pytest.approx(
        expected, abs=0.02
    )
    figures = runs.queue(QUEUE)
    assert figures.service_level.mean == pytest.approx(expected, abs=0.035)
    assert figures.asa_s.mean == pytest.approx(average_speed_of_answer(agents, TRAFFIC, AHT_S), rel=0.2)
    assert runs.occupancy("agents").mean == pytest.approx(occupancy(agents, TRAFFIC), abs=0.01)


@pytest.mark.parametrize("agents", [9, 11])
def test_single_skill_with_patience_agrees_with_erlang_a(agents: int) -> None:
    hours = 30
    runs = replicate(single_skill(agents, hours, PATIENCE_S), 8, seed=7 + agents)
    expected = erlang_a(agents, TRAFFIC, AHT_S, PATIENCE_S, THRESHOLD_S)
    offered = [float(run.queue_total(QUEUE).offered) for run in runs.runs]
    controlled = controlled_service_level(runs, offered, CONTACTS_PER_HOUR * hours)
    assert controlled == pytest.approx(expected.service_level, abs=0.025)
    figures = runs.queue(QUEUE)
    assert figures.service_level.mean == pytest.approx(expected.service_level, abs=0.035)
    assert figures.abandon_rate.mean == pytest.approx(expected.p_abandon, abs=0.015)
    assert figures.asa_s.mean == pytest.approx(expected.asa_s, rel=0.15)
    assert runs.occupancy("agents").mean == pytest.approx(expected.occupancy, abs=0.015)
