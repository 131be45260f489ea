"""Check a staffing plan by simulation: `plan_requirements` rows in, planned against simulated out.

The formulas assume every interval is in steady state, each on its own, with exponential handle
times and (for chat) a router that fills any free slot. The simulation drops those assumptions:
queues carry over from one interval to the next, agents log in and out at the boundaries, the
real routing engine places every contact, and handle times may follow any distribution. Where
the two disagree, the plan is optimistic (or generous) for that reason.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from routing import Channel as RoutingChannel
from routing import QueueId, QueuePolicy
from workforce.simulation.distributions import Distribution, Exponential
from workforce.simulation.replications import Estimate, replicate
from workforce.simulation.scenario import AgentGroup, QueueSpec, Scenario
from workforce.staffing import Channel, IntervalRequirement, QueueTargets

_QUEUE = QueueId(1)
_GROUP = "planned"


@dataclass(frozen=True, slots=True)
class IntervalCheck:
    """One interval: the plan's figures (None where the plan has none) beside the simulated ones."""

    interval: int
    agents: int
    planned_service_level: float | None
    service_level: Estimate
    planned_asa_s: float | None
    asa_s: Estimate
    planned_abandon_rate: float | None
    abandon_rate: Estimate
    planned_occupancy: float
    occupancy: Estimate

    @property
    def meets_service_level(self) -> bool | None:
        """Whether the simulated SL reaches the plan's own figure; None without one."""
        if self.planned_service_level is None or math.isnan(self.service_level.mean):
            return None
        return self.service_level.mean >= self.planned_service_level


def simulate_requirements(
    requirements: Sequence[IntervalRequirement],
    interval_s: float,
    targets: QueueTargets,
    *,
    replications: int = 10,
    seed: int = 0,
    handle_time: Distribution | None = None,
    warmup_s: float | None = None,
) -> tuple[IntervalCheck, ...]:
    """Simulate the productive agents of each interval on the plan's forecast and compare.

    Handle times are exponential with each row's AHT unless `handle_time` is given (a lognormal
    or a sample from history); patience is exponential with `targets.patience_s` when set. The
    warm-up runs the first interval's load beforehand, by default for one interval or ten mean
    handle times, whichever is longer, so the first interval starts near the steady state the
    formulas assume (from empty, with chats of 10 minutes, half an hour reads several points
    too good).
    """
    if targets.channel is Channel.EMAIL:
        raise ValueError("email is deferred work with a deadline: no queue to simulate")
    if not requirements:
        raise ValueError("no intervals to simulate")
    rows = sorted(requirements, key=lambda r: r.interval)
    channel = RoutingChannel.CHAT if targets.channel is Channel.CHAT else RoutingChannel.VOICE
    times = tuple(handle_time or Exponential(r.aht_s if r.aht_s > 0 else 1.0) for r in rows)
    queue = QueueSpec(
        QueuePolicy(_QUEUE),
        channel,
        tuple(r.contacts for r in rows),
        times,
        patience=Exponential(targets.patience_s) if targets.patience_s is not None else None,
        threshold_s=targets.threshold_s,
    )
    group = AgentGroup(_GROUP, {}, {channel: targets.concurrency}, tuple(r.agents for r in rows))
    scenario = Scenario(interval_s, (queue,), (group,), warmup_s=interval_s if warmup_s is None else warmup_s)
    runs = replicate(scenario, replications, seed)
    checks = []
    for i, row in enumerate(rows):
        figures = runs.queue(_QUEUE, i)
        checks.append(
            IntervalCheck(
                row.interval,
                row.agents,
                row.service_level,
                figures.service_level,
                row.asa_s,
                figures.asa_s,
                row.p_abandon,
                figures.abandon_rate,
                row.occupancy,
                runs.occupancy(_GROUP, i),
            )
        )
    return tuple(checks)
