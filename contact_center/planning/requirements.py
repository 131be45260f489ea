"""Agents required per interval from a week's forecast and the queue's targets, with what-if.

Each channel is staffed by its own model (workforce.staffing): voice by Erlang C on the queue's
service-level target and threshold, chat by Erlang C on slots with the agents' chat concurrency,
email and SMS as deferred work that must be done within a deadline. The queue's requirement is the
sum over voice and chat (separate pools: a conservative figure when agents blend them) plus the
deferred workload of email and SMS together, rounded up once. What-if
replaces the service-level target or threshold, or rescales AHT so that its contact-weighted
average becomes the figure given, keeping its shape over the week.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from contact_center.domain.enums import DEFAULT_CAPACITY
from contact_center.domain.errors import UnprocessableError
from contact_center.planning.forecast import WeekForecast
from contact_center.planning.history import FloatArray
from workforce.staffing import Channel as StaffingChannel
from workforce.staffing import IntervalRequirement, QueueTargets, plan_requirements

# Deferred channels: the work of an interval must be done within this many seconds.
DEADLINE_S = {"email": 4 * 3600.0, "sms": 3600.0}


@dataclass(frozen=True, slots=True)
class WhatIf:
    aht_s: float | None = None
    sl_target: float | None = None
    sl_threshold_s: float | None = None

    def __post_init__(self) -> None:
        if self.aht_s is not None and not 1 <= self.aht_s <= 86_400:
            raise UnprocessableError("aht_s must be between 1 and 86400 seconds")
        if self.sl_target is not None and not 0 < self.sl_target < 1:
            raise UnprocessableError("sl_target is a fraction above 0 and below 1, e.g. 0.8")
        if self.sl_threshold_s is not None and not 1 <= self.sl_threshold_s <= 3600:
            raise UnprocessableError("sl_threshold_s must be between 1 and 3600 seconds")

    @property
    def is_empty(self) -> bool:
        return self.aht_s is None and self.sl_target is None and self.sl_threshold_s is None


@dataclass(frozen=True, slots=True)
class WeekRequirements:
    contacts: FloatArray
    aht_s: FloatArray
    agents: list[int]  # productive agents needed per interval, summed over channels
    by_channel: dict[str, list[IntervalRequirement]]
    targets: dict[str, QueueTargets]
    interval_hours: float

    @property
    def agent_hours(self) -> float:
        return float(sum(self.agents)) * self.interval_hours


def channel_targets(channel: str, sl_target: float, threshold_s: float) -> QueueTargets:
    if channel in DEADLINE_S:
        return QueueTargets(channel=StaffingChannel.EMAIL, service_level=None, deadline_s=DEADLINE_S[channel])
    if channel == "chat":
        return QueueTargets(
            channel=StaffingChannel.CHAT,
            service_level=sl_target,
            threshold_s=threshold_s,
            concurrency=DEFAULT_CAPACITY["chat"],
        )
    return QueueTargets(channel=StaffingChannel.VOICE, service_level=sl_target, threshold_s=threshold_s)


def requirements(forecast: WeekForecast, what_if: WhatIf | None = None) -> WeekRequirements:
    what_if = what_if or WhatIf()
    queue, grid = forecast.queue, forecast.grid
    sl = what_if.sl_target if what_if.sl_target is not None else queue.sl_target
    threshold = float(what_if.sl_threshold_s if what_if.sl_threshold_s is not None else queue.sl_threshold_s)
    scale = 1.0
    if what_if.aht_s is not None:
        contacts = forecast.total()
        work = float((contacts * forecast.aht()).sum())
        scale = what_if.aht_s * float(contacts.sum()) / work if work > 0 else 1.0
    interval_s = grid.interval_minutes * 60.0
    agents = np.zeros(grid.size, dtype=np.int64)
    deferred = np.zeros(grid.size)
    by_channel: dict[str, list[IntervalRequirement]] = {}
    targets: dict[str, QueueTargets] = {}
    for name, made in forecast.channels.items():
        targets[name] = channel_targets(name, sl, threshold)
        aht = made.aht_s * scale
        if what_if.aht_s is not None and made.contacts.sum() == 0:
            aht = np.full(grid.size, what_if.aht_s)
        rows = plan_requirements(made.contacts, aht, interval_s, targets[name])
        by_channel[name] = rows
        if name in DEADLINE_S:  # deferred work pools: one agent can answer emails and SMS in turn
            deferred += np.array([r.workload for r in rows])
        else:
            agents += np.array([r.agents for r in rows], dtype=np.int64)
    agents += np.ceil(np.round(deferred, 9)).astype(np.int64)
    return WeekRequirements(
        forecast.total(),
        forecast.aht() * scale,
        [int(a) for a in agents],
        by_channel,
        targets,
        grid.interval_minutes / 60,
    )
