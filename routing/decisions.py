"""What the engine tells the router service to do, each with the reason it was taken.

Reasons are structured values rendered to text only when someone asks (`explain`), so a decision
costs a few small tuples, not string formatting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Final, final

from routing.availability import Pool, PoolCounts
from routing.policy import Requirement, describe
from routing.vocabulary import AgentId, Channel, InteractionId, QueueId


class FrozenValue:
    """Equality, hashing, `repr` and match arguments over `_fields`, as a frozen dataclass has.

    The two decisions made for every offer (`Offer`, `OfferReason`) are written out by hand
    rather than as frozen dataclasses: a frozen dataclass's generated `__init__` is interpreted
    Python even in the compiled router (about 350 ns against 25 ns, see docs/routing.md,
    "Compiled"). Their attributes are `Final`: mypy rejects any assignment, and the compiled
    build makes them read-only.
    """

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, FrozenValue)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"


@final
class OfferReason(FrozenValue):
    """Why this agent got this interaction.

    `trigger` is the event that made the match possible; `rule` how the winner was picked;
    `considered` how many candidates (agents or interactions) were compared; `pools` the agents
    having the matched skills on the channel at that moment, by status (kept as raw counters
    and wrapped on access, since most reasons are never read). Words that need a number
    formatted are made when read: with `freed_agent` the trigger reads "agent N free (trigger)"
    and `chosen_by` defaults to the wait; with `idle_since` it reads as the longest idle choice.
    """

    __slots__ = (
        "_chosen_by",
        "_freed_agent",
        "_idle_since",
        "_trigger",
        "considered",
        "counts",
        "matched",
        "priority",
        "rule",
        "step",
        "waited",
    )
    _fields = (
        "trigger",
        "rule",
        "step",
        "matched",
        "considered",
        "chosen_by",
        "waited",
        "priority",
        "counts",
    )

    def __init__(
        self,
        trigger: str,
        rule: str,
        step: int,
        matched: Requirement,
        considered: int,
        chosen_by: str,
        waited: float,
        priority: float,
        counts: tuple[PoolCounts, ...] = (),
        *,
        freed_agent: AgentId | None = None,
        idle_since: float | None = None,
    ) -> None:
        self._trigger: Final = trigger
        self.rule: Final = rule
        self.step: Final = step
        self.matched: Final = matched
        self.considered: Final = considered
        self._chosen_by: Final = chosen_by
        self.waited: Final = waited
        self.priority: Final = priority
        self.counts: Final = counts
        # Kept unboxed (a compiled native class stores an int or float field in place; an
        # Optional one would be an object to allocate per offer): -1 and NaN stand for None.
        self._freed_agent: Final[int] = -1 if freed_agent is None else freed_agent
        self._idle_since: Final[float] = math.nan if idle_since is None else idle_since

    @property
    def trigger(self) -> str:
        if self._freed_agent < 0:
            return self._trigger
        return f"agent {self._freed_agent} free ({self._trigger})"

    @property
    def chosen_by(self) -> str:
        if self._chosen_by:
            return self._chosen_by
        if not math.isnan(self._idle_since):
            return f"longest idle, idle since {self._idle_since:.1f}"
        return f"waited {self.waited:.1f}s" if self._freed_agent >= 0 else ""

    @property
    def pools(self) -> tuple[Pool, ...]:
        return tuple(Pool(*c) for c in self.counts)

    def text(self) -> str:
        pools = "; ".join(p.text() for p in self.pools)
        return (
            f"{self.trigger}; {self.rule} among {self.considered} candidate(s) ({self.chosen_by}); "
            f"meets {describe(self.matched)} at escalation step {self.step}; waited {self.waited:.1f}s, "
            f"effective priority {self.priority:.2f}" + (f"; pool {pools}" if pools else "")
        )


@final
class Offer(FrozenValue):
    """Offer `interaction` to `agent` now; it holds the agent's capacity until answered or expired."""

    __slots__ = ("agent", "at", "channel", "expires_at", "interaction", "queue", "reason")
    _fields = ("interaction", "agent", "channel", "queue", "at", "expires_at", "reason")

    def __init__(
        self,
        interaction: InteractionId,
        agent: AgentId,
        channel: Channel,
        queue: QueueId,
        at: float,
        expires_at: float,
        reason: OfferReason,
    ) -> None:
        self.interaction: Final = interaction
        self.agent: Final = agent
        self.channel: Final = channel
        self.queue: Final = queue
        self.at: Final = at
        self.expires_at: Final = expires_at
        self.reason: Final = reason


@dataclass(frozen=True, slots=True)
class OfferExpired:
    """The engine's timer ran out; tell the agent's client the offer is gone."""

    interaction: InteractionId
    agent: AgentId
    at: float
    reason: str


@dataclass(frozen=True, slots=True)
class OfferWithdrawn:
    """The offer no longer stands (agent left, interaction removed); tell the agent's client."""

    interaction: InteractionId
    agent: AgentId
    at: float
    reason: str


@dataclass(frozen=True, slots=True)
class SetAgentAway:
    agent: AgentId
    at: float
    reason: str


Decision = Offer | OfferExpired | OfferWithdrawn | SetAgentAway
