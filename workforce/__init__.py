"""Workforce management maths: Erlang C and A staffing, requirements per interval, forecasting.

Pure functions on numbers and arrays: no I/O, no clock, seeds are arguments. Designs and measured
figures: docs/workforce.md.
"""

from __future__ import annotations

from workforce.accuracy import AccuracyReport, ForecastScores, accuracy_report
from workforce.erlang import (
    ErlangCStaffing,
    StaffingTargets,
    average_speed_of_answer,
    erlang_b,
    erlang_c,
    occupancy,
    required_agents,
    required_agents_many,
    scheduled_agents,
    service_level,
    traffic_erlangs,
)
from workforce.erlang_a import ErlangAMetrics, erlang_a, required_agents_erlang_a
from workforce.staffing import Channel, IntervalRequirement, QueueTargets, plan_requirements

__all__ = [
    "AccuracyReport",
    "Channel",
    "ErlangAMetrics",
    "ErlangCStaffing",
    "ForecastScores",
    "IntervalRequirement",
    "QueueTargets",
    "StaffingTargets",
    "accuracy_report",
    "average_speed_of_answer",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "occupancy",
    "plan_requirements",
    "required_agents",
    "required_agents_erlang_a",
    "required_agents_many",
    "scheduled_agents",
    "service_level",
    "traffic_erlangs",
]
