"""Requirements per interval: a forecast (contacts, AHT per interval) and a queue's targets in,
productive and scheduled agents per interval out, for voice, chat and email.

- Voice: Erlang C, or Erlang A when the queue gives a mean patience.
- Chat with concurrency k: each agent offers k slots and a chat waits until any slot is free, so the
  queue is M/M/(k·n) on slots with the chat's handle time *as measured at that concurrency*
  (chats last longer when shared; measure AHT the same way as the target concurrency). We search
  the slots needed, then agents = ceil(slots / k). The usual alternative, one server with
  AHT / k, queues a chat behind a whole agent and overstaffs; ours assumes the router fills any
  free slot and that handle time does not grow with load. Occupancy is reported per slot, a lower
  bound on the per-agent occupancy of the metrics definitions (an agent with one chat is busy).
- Email (and other deferred work): no queue model. The work offered in an interval (contacts × AHT)
  must be done within the deadline, so it is spread evenly over the floor(deadline / interval)
  intervals starting with its own; the requirement is the workload hours due in an interval divided
  by the productive hours of one agent in it (the interval length).

Shrinkage turns productive agents into scheduled agents (erlang.scheduled_agents).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from workforce.erlang import (
    FloatArray,
    StaffingTargets,
    average_speed_of_answer,
    occupancy,
    required_agents_many,
    scheduled_agents,
    service_level,
)
from workforce.erlang_a import erlang_a, required_agents_erlang_a


class Channel(StrEnum):
    VOICE = "voice"
    CHAT = "chat"
    EMAIL = "email"


@dataclass(frozen=True, slots=True)
class QueueTargets:
    """A queue's promises. patience_s switches voice and chat from Erlang C to Erlang A."""

    channel: Channel = Channel.VOICE
    service_level: float | None = 0.8
    threshold_s: float = 20.0
    max_asa_s: float | None = None
    max_occupancy: float | None = None
    patience_s: float | None = None
    max_abandon_rate: float | None = None
    concurrency: int = 1
    deadline_s: float | None = None
    shrinkage: float = 0.0

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError("concurrency must be >= 1")
        if self.concurrency > 1 and self.channel is not Channel.CHAT:
            raise ValueError("only chat has concurrency")
        if (self.channel is Channel.EMAIL) != (self.deadline_s is not None):
            raise ValueError("email needs deadline_s and only email has one")
        if self.deadline_s is not None and self.deadline_s <= 0:
            raise ValueError("deadline_s must be > 0")
        if self.patience_s is not None and self.patience_s <= 0:
            raise ValueError("patience_s must be > 0")
        if self.max_abandon_rate is not None and self.patience_s is None:
            raise ValueError("an abandon target needs patience_s (Erlang A)")
        if not 0.0 <= self.shrinkage < 1.0:
            raise ValueError("shrinkage must be in [0, 1)")
        self.staffing_targets()  # validates the queueing targets

    def staffing_targets(self) -> StaffingTargets:
        return StaffingTargets(self.service_level, self.threshold_s, self.max_asa_s, self.max_occupancy)


@dataclass(frozen=True, slots=True)
class IntervalRequirement:
    """One interval's requirement. workload is in erlangs (agent-hours per hour of interval):
    the traffic offered for voice and chat, the deferred work due in the interval for email.
    Service figures are None for email, p_abandon is None without patience."""

    interval: int
    contacts: float
    aht_s: float
    workload: float
    agents: int
    scheduled: int
    service_level: float | None
    asa_s: float | None
    occupancy: float
    p_abandon: float | None


def plan_requirements(
    contacts: Sequence[float] | FloatArray,
    aht_s: Sequence[float] | FloatArray,
    interval_s: float,
    targets: QueueTargets,
    *,
    cyclic: bool = False,
) -> list[IntervalRequirement]:
    """Requirements for each forecast interval.

    cyclic (email only) wraps work spilling past the last interval onto the first, for a plan
    of a repeating week; otherwise that work belongs to the next plan and is not counted here.
    """
    c = np.asarray(contacts, dtype=np.float64)
    h = np.broadcast_to(np.asarray(aht_s, dtype=np.float64), c.shape)
    if c.ndim != 1 or interval_s <= 0:
        raise ValueError("contacts must be one-dimensional and interval_s > 0")
    if np.any(~np.isfinite(c)) or np.any(c < 0) or np.any(~np.isfinite(h)) or np.any(h < 0):
        raise ValueError("contacts and AHT must be finite and >= 0")
    if np.any(h[c > 0] == 0):
        raise ValueError("AHT must be > 0 where contacts are forecast")
    work = c * h / interval_s
    if targets.channel is Channel.EMAIL:
        return _deferred(c, h, work, interval_s, targets, cyclic)
    if targets.patience_s is None:
        return _erlang_c(c, h, work, targets)
    return _erlang_a(c, h, work, targets, targets.patience_s)


def _erlang_c(
    c: FloatArray, h: FloatArray, work: FloatArray, targets: QueueTargets
) -> list[IntervalRequirement]:
    k = targets.concurrency
    slots = required_agents_many(work, np.where(h > 0, h, 1.0), targets.staffing_targets())
    rows = []
    for i, (n_slots, a) in enumerate(zip(slots.tolist(), work.tolist(), strict=True)):
        agents = -(-n_slots // k)
        sl, asa, occ = 1.0, 0.0, 0.0
        if a > 0:  # figures at the staffed slots, which may exceed the slots needed when k > 1
            n = agents * k
            sl = service_level(n, a, float(h[i]), targets.threshold_s)
            asa, occ = average_speed_of_answer(n, a, float(h[i])), occupancy(n, a)
        rows.append(
            IntervalRequirement(
                i,
                float(c[i]),
                float(h[i]),
                a,
                agents,
                scheduled_agents(agents, targets.shrinkage),
                sl,
                asa,
                occ,
                None,
            )
        )
    return rows


def _erlang_a(
    c: FloatArray, h: FloatArray, work: FloatArray, targets: QueueTargets, patience_s: float
) -> list[IntervalRequirement]:
    k = targets.concurrency
    rows = []
    for i, a in enumerate(work.tolist()):
        if a == 0:
            rows.append(IntervalRequirement(i, float(c[i]), float(h[i]), 0.0, 0, 0, 1.0, 0.0, 0.0, 0.0))
            continue
        need = required_agents_erlang_a(
            a, float(h[i]), patience_s, targets.staffing_targets(), targets.max_abandon_rate
        )
        agents = -(-need.agents // k)
        m = need
        if agents * k != need.agents:
            m = erlang_a(agents * k, a, float(h[i]), patience_s, targets.threshold_s)
        rows.append(
            IntervalRequirement(
                i,
                float(c[i]),
                float(h[i]),
                a,
                agents,
                scheduled_agents(agents, targets.shrinkage),
                m.service_level,
                m.asa_s,
                m.occupancy,
                m.p_abandon,
            )
        )
    return rows


def _deferred(
    c: FloatArray, h: FloatArray, work: FloatArray, interval_s: float, targets: QueueTargets, cyclic: bool
) -> list[IntervalRequirement]:
    assert targets.deadline_s is not None
    span = max(1, math.floor(targets.deadline_s / interval_s + 1e-9))
    due = np.zeros(work.size + span, dtype=np.float64)
    for offset in range(span):  # each interval's work, an equal share in each of `span` intervals
        due[offset : offset + work.size] += work / span
    if cyclic:
        spill = due[work.size :]
        for start in range(0, spill.size, work.size):
            part = spill[start : start + work.size]
            due[: part.size] += part
    rows = []
    for i, fte in enumerate(due[: work.size].tolist()):
        # fte is a float sum; round away float noise before ceil so 3.0000000000000004 stays 3
        agents = math.ceil(round(fte, 9))
        rows.append(
            IntervalRequirement(
                i,
                float(c[i]),
                float(h[i]),
                fte,
                agents,
                scheduled_agents(agents, targets.shrinkage),
                None,
                None,
                fte / agents if agents else 0.0,
                None,
            )
        )
    return rows
