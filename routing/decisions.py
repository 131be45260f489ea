"""What the engine tells the router service to do, each with the reason it was taken.

Reasons are structured values rendered to text only when someone asks (`explain`), so a decision
costs a few small tuples, not string formatting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from routing.availability import Pool, PoolCounts
from routing.policy import Requirement, describe
from routing.vocabulary import AgentId, Channel, InteractionId, QueueId


class OfferReason(NamedTuple):
    """Why this agent got this interaction.

    `trigger` is the event that made the match possible; `rule` how the winner was picked;
    `considered` how many candidates (agents or interactions) were compared; `counts` the agents
    having the matched skills on the channel at that moment, by status (raw counters, wrapped
    as `pools` on access, since most reasons are never read). Numbers are worded only when read:
    with `freed_agent` the trigger reads "agent N free (trigger)" and an empty `chosen_by` reads
    as the wait; with `idle_since` it reads as the longest idle choice.
    """

    trigger: str
    rule: str
    step: int
    matched: Requirement
    considered: int
    chosen_by: str
    waited: float
    priority: float
    counts: tuple[PoolCounts, ...] = ()
    freed_agent: AgentId | None = None
    idle_since: float | None = None

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


class Offer(NamedTuple):
    """Offer `interaction` to `agent` now; it holds the agent's capacity until answered or expired."""

    interaction: InteractionId
    agent: AgentId
    channel: Channel
    queue: QueueId
    at: float
    expires_at: float
    reason: OfferReason


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
