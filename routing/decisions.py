"""What the engine tells the router service to do, each with the reason it was taken.

Reasons are structured values rendered to text only when someone asks (`explain`), so a decision
costs a few small tuples, not string formatting. `Offer` and `OfferReason`, made for every offer,
are dataclasses with `Final` fields: mypy rejects any assignment, and the compiled build makes
them read-only, so they write their own keyword-only `__init__` (the generated one could not set
them there). See docs/routing.md, "Performance".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from routing.availability import Pool, PoolCounts
from routing.policy import Requirement, describe
from routing.vocabulary import AgentId, Channel, InteractionId, QueueId


@dataclass(slots=True, init=False)
class OfferReason:
    """Why this agent got this interaction.

    `trigger` is the event that made the match possible; `rule` how the winner was picked;
    `considered` how many candidates (agents or interactions) were compared; `counts` the agents
    having the matched skills on the channel at that moment, by status (raw counters, wrapped
    as `pools` on access, since most reasons are never read). Numbers are worded only when read:
    with `freed_agent` the trigger reads "agent N free (trigger)" and an empty `chosen_by` reads
    as the wait; with `idle_since` it reads as the longest idle choice.
    """

    trigger: Final[str]
    rule: Final[str]
    step: Final[int]
    matched: Final[Requirement]
    considered: Final[int]
    chosen_by: Final[str]
    waited: Final[float]
    priority: Final[float]
    counts: Final[tuple[PoolCounts, ...]]
    freed_agent: Final[AgentId | None]
    idle_since: Final[float | None]

    def __init__(
        self,
        *,
        trigger: str,
        rule: str,
        step: int,
        matched: Requirement,
        considered: int,
        chosen_by: str,
        waited: float,
        priority: float,
        counts: tuple[PoolCounts, ...] = (),
        freed_agent: AgentId | None = None,
        idle_since: float | None = None,
    ) -> None:
        self.trigger = trigger
        self.rule = rule
        self.step = step
        self.matched = matched
        self.considered = considered
        self.chosen_by = chosen_by
        self.waited = waited
        self.priority = priority
        self.counts = counts
        self.freed_agent = freed_agent
        self.idle_since = idle_since

    @property
    def pools(self) -> tuple[Pool, ...]:
        return tuple(Pool(*c) for c in self.counts)

    def trigger_text(self) -> str:
        if self.freed_agent is None:
            return self.trigger
        return f"agent {self.freed_agent} free ({self.trigger})"

    def chosen_by_text(self) -> str:
        if self.chosen_by:
            return self.chosen_by
        if self.idle_since is not None:
            return f"longest idle, idle since {self.idle_since:.1f}"
        return f"waited {self.waited:.1f}s" if self.freed_agent is not None else ""

    def text(self) -> str:
        pools = "; ".join(p.text() for p in self.pools)
        return (
            f"{self.trigger_text()}; {self.rule} among {self.considered} candidate(s) "
            f"({self.chosen_by_text()}); meets {describe(self.matched)} at escalation step {self.step}; "
            f"waited {self.waited:.1f}s, effective priority {self.priority:.2f}"
            + (f"; pool {pools}" if pools else "")
        )


@dataclass(slots=True, init=False)
class Offer:
    """Offer `interaction` to `agent` now; it holds the agent's capacity until answered or expired."""

    interaction: Final[InteractionId]
    agent: Final[AgentId]
    channel: Final[Channel]
    queue: Final[QueueId]
    at: Final[float]
    expires_at: Final[float]
    reason: Final[OfferReason]

    def __init__(
        self,
        *,
        interaction: InteractionId,
        agent: AgentId,
        channel: Channel,
        queue: QueueId,
        at: float,
        expires_at: float,
        reason: OfferReason,
    ) -> None:
        self.interaction = interaction
        self.agent = agent
        self.channel = channel
        self.queue = queue
        self.at = at
        self.expires_at = expires_at
        self.reason = reason


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
