"""What one simulation runs: queues with their forecast, agent groups with their staffing, offers.

A scenario is a frozen value checked once on construction, so a run never fails halfway on a
typo. Everything varies per interval the way a plan does: arrivals (contacts per interval from a
forecast), handle times, and how many agents of each group are logged in (agents log in and out at
interval boundaries). Routing itself is the real `routing.QueuePolicy` of each queue. See
docs/workforce.md, "Simulation".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from routing import Channel, CustomerClass, QueueId, QueuePolicy, RoutingRules
from workforce.simulation.distributions import Distribution

DEFAULT_THRESHOLD_S = {Channel.VOICE: 20.0}
"""Service-level threshold per channel when a queue names none (metrics: 20 s voice, 60 s chat)."""
OTHER_THRESHOLD_S = 60.0


def _regular_only() -> dict[CustomerClass, float]:
    return {CustomerClass.REGULAR: 1.0}


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """One queue: its routing policy, channel and per-interval forecast.

    `arrivals[i]` is the expected number of contacts in interval i (Poisson). `handle_time` is one
    distribution, or one per interval (AHT varies through the day); it covers talk and hold, and
    `wrap_up` the after-contact work, during which the agent keeps the channel slot. `patience`
    None means nobody abandons. `class_mix` gives the share of each customer class.
    """

    policy: QueuePolicy
    channel: Channel
    arrivals: tuple[float, ...]
    handle_time: Distribution | tuple[Distribution, ...]
    patience: Distribution | None = None
    wrap_up: Distribution | None = None
    threshold_s: float | None = None
    class_mix: Mapping[CustomerClass, float] = field(default_factory=_regular_only)

    def __post_init__(self) -> None:
        if any(not (math.isfinite(a) and a >= 0) for a in self.arrivals):
            raise ValueError(f"queue {self.queue}: arrivals must be finite and >= 0")
        if isinstance(self.handle_time, tuple) and len(self.handle_time) != len(self.arrivals):
            raise ValueError(f"queue {self.queue}: one handle-time distribution per interval")
        if self.threshold_s is not None and self.threshold_s < 0:
            raise ValueError(f"queue {self.queue}: threshold_s must be >= 0")
        shares = list(self.class_mix.values())
        if not shares or any(s < 0 for s in shares) or sum(shares) <= 0:
            raise ValueError(f"queue {self.queue}: class_mix needs non-negative shares, not all 0")

    @property
    def queue(self) -> QueueId:
        return self.policy.queue

    @property
    def threshold(self) -> float:
        if self.threshold_s is not None:
            return self.threshold_s
        return DEFAULT_THRESHOLD_S.get(self.channel, OTHER_THRESHOLD_S)

    def handle_time_at(self, interval: int) -> Distribution:
        if isinstance(self.handle_time, tuple):
            return self.handle_time[interval]
        return self.handle_time


@dataclass(frozen=True, slots=True)
class AgentGroup:
    """Agents alike in skills and capacity; `staffing[i]` of them are logged in during interval i.

    `capacity` is per channel as in `routing.AgentState` (chat 3 = three chats at once).
    """

    name: str
    skills: Mapping[str, int]
    capacity: Mapping[Channel, int]
    staffing: tuple[int, ...]

    def __post_init__(self) -> None:
        if any(n < 0 for n in self.staffing):
            raise ValueError(f"group {self.name!r}: staffing must be >= 0")
        if not any(c > 0 for c in self.capacity.values()):
            raise ValueError(f"group {self.name!r}: no channel with capacity")


@dataclass(frozen=True, slots=True)
class OfferBehaviour:
    """How agents answer offers. By default they accept at once, as the Erlang models assume.

    `accept_delay` is the time to answer (an answer later than the queue's offer timeout is a
    miss: the engine expires the offer first). `reject_probability` is per offer. After the engine
    sets an agent away for missed offers, the agent comes back after `away_s` if still on shift.
    """

    accept_delay: Distribution | None = None
    reject_probability: float = 0.0
    away_s: float = 60.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.reject_probability < 1.0:
            raise ValueError("reject_probability must be in [0, 1)")
        if self.away_s < 0:
            raise ValueError("away_s must be >= 0")


@dataclass(frozen=True, slots=True)
class Scenario:
    """A whole run: `interval_s` long intervals, as many as each queue's `arrivals`.

    `warmup_s` runs before interval 0 with interval 0's arrivals and staffing and is not counted,
    so results start from a loaded system instead of an empty one. With `drain` the agents on
    shift at the end keep working, without new arrivals, until every counted contact is answered
    or abandoned, so late contacts are not left out of the figures of the last interval.
    """

    interval_s: float
    queues: tuple[QueueSpec, ...]
    groups: tuple[AgentGroup, ...]
    offers: OfferBehaviour = field(default_factory=OfferBehaviour)
    rules: RoutingRules | None = None
    warmup_s: float = 0.0
    short_abandon_s: float = 5.0
    drain: bool = True

    def __post_init__(self) -> None:
        if not (math.isfinite(self.interval_s) and self.interval_s > 0):
            raise ValueError("interval_s must be finite and > 0")
        if not self.queues:
            raise ValueError("a scenario needs at least one queue")
        if self.warmup_s < 0 or self.short_abandon_s < 0:
            raise ValueError("warmup_s and short_abandon_s must be >= 0")
        count = self.intervals
        if count == 0:
            raise ValueError("a scenario needs at least one interval")
        if any(len(q.arrivals) != count for q in self.queues):
            raise ValueError("every queue needs the same number of intervals")
        if any(len(g.staffing) != count for g in self.groups):
            raise ValueError("every group needs one staffing figure per interval")
        ids = [q.queue for q in self.queues]
        if len(set(ids)) != len(ids):
            raise ValueError("queue ids must be unique")
        names = [g.name for g in self.groups]
        if len(set(names)) != len(names):
            raise ValueError("group names must be unique")

    @property
    def intervals(self) -> int:
        return len(self.queues[0].arrivals)

    @property
    def horizon_s(self) -> float:
        return self.intervals * self.interval_s
