"""Independent replications of one scenario, and 95 % confidence intervals across them.

One run is one sample of a random day; a planner needs the figure and how sure it is. Each
replication gets its own stream from `numpy.random.SeedSequence(seed).spawn`, so replications are
independent and the whole set is reproducible from one integer. A metric is averaged over the
replications where it is defined (an interval with no contact has no service level), and the
half-width is Student's t at R − 1 degrees of freedom times the standard error.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import t as student_t

from routing import CustomerClass, QueueId
from workforce.simulation.results import OccupancyStats, QueueStats, SimulationResult
from workforce.simulation.run import simulate
from workforce.simulation.scenario import Scenario


@dataclass(frozen=True, slots=True)
class Estimate:
    """Mean over replications and the half-width of its confidence interval (NaN below 2 values)."""

    mean: float
    half_width: float
    count: int

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width


def estimate(values: Sequence[float], confidence: float = 0.95) -> Estimate:
    finite = np.asarray([v for v in values if math.isfinite(v)], dtype=np.float64)
    if finite.size == 0:
        return Estimate(math.nan, math.nan, 0)
    mean = float(finite.mean())
    if finite.size < 2:
        return Estimate(mean, math.nan, 1)
    quantile = float(student_t.ppf(0.5 + confidence / 2, finite.size - 1))
    return Estimate(mean, quantile * float(finite.std(ddof=1)) / math.sqrt(finite.size), int(finite.size))


@dataclass(frozen=True, slots=True)
class QueueEstimates:
    service_level: Estimate
    asa_s: Estimate
    abandon_rate: Estimate
    offered: Estimate


@dataclass(frozen=True, slots=True)
class Replications:
    """The runs of `replicate`, with estimates per queue, class and group, overall or per interval."""

    runs: tuple[SimulationResult, ...]

    def queue(self, queue: QueueId, interval: int | None = None) -> QueueEstimates:
        if interval is None:
            return _queue_estimates([run.queue_total(queue) for run in self.runs])
        return _queue_estimates([run.queues[queue][interval] for run in self.runs])

    def customer_class(self, queue: QueueId, klass: CustomerClass) -> QueueEstimates:
        return _queue_estimates([run.classes[(queue, klass)] for run in self.runs])

    def occupancy(self, group: str, interval: int | None = None) -> Estimate:
        pick: Callable[[SimulationResult], OccupancyStats] = (
            (lambda run: run.group_total(group))
            if interval is None
            else (lambda run: run.groups[group][interval])
        )
        return estimate([pick(run).occupancy for run in self.runs])


def _queue_estimates(stats: list[QueueStats]) -> QueueEstimates:
    return QueueEstimates(
        estimate([s.service_level for s in stats]),
        estimate([s.asa_s for s in stats]),
        estimate([s.abandon_rate for s in stats]),
        estimate([float(s.offered) for s in stats]),
    )


def replicate(scenario: Scenario, replications: int, seed: int) -> Replications:
    """Run `replications` independent replications; the same seed gives the same runs."""
    if replications < 1:
        raise ValueError("replications must be >= 1")
    streams = np.random.SeedSequence(seed).spawn(replications)
    return Replications(tuple(simulate(scenario, np.random.default_rng(s)) for s in streams))
