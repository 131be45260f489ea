"""Discrete-event simulation of contact-center queues, running the real routing engine.

Where the Erlang formulas do not hold (several skills, priorities, concurrency, skewed handle
times, agents logging in and out), this simulates a plan: Poisson arrivals from the forecast,
handle times and patience drawn from distributions, agents on shift per interval, and every
routing decision taken by `routing.RoutingEngine` exactly as in production. It reports service
level, ASA, abandon rate and occupancy per interval by the shared metrics definitions, over
replications with confidence intervals. Pure: no I/O, no clock; seeds are arguments.
Design and measured figures: docs/workforce.md, "Simulation".
"""

from __future__ import annotations

from workforce.simulation.distributions import Distribution, Empirical, Exponential, Fixed, LogNormal
from workforce.simulation.replications import (
    Estimate,
    QueueEstimates,
    Replications,
    estimate,
    ratio_estimate,
    replicate,
)
from workforce.simulation.requirements import IntervalCheck, simulate_requirements
from workforce.simulation.results import OccupancyStats, QueueStats, SimulationResult
from workforce.simulation.run import simulate
from workforce.simulation.scenario import AgentGroup, OfferBehaviour, QueueSpec, Scenario

__all__ = [
    "AgentGroup",
    "Distribution",
    "Empirical",
    "Estimate",
    "Exponential",
    "Fixed",
    "IntervalCheck",
    "LogNormal",
    "OccupancyStats",
    "OfferBehaviour",
    "QueueEstimates",
    "QueueSpec",
    "QueueStats",
    "Replications",
    "Scenario",
    "SimulationResult",
    "estimate",
    "ratio_estimate",
    "replicate",
    "simulate",
    "simulate_requirements",
]
