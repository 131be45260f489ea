"""The moves most events are made of: make an offer, end one that was not accepted, fire timers.

Each move changes the indexes and marks the interactions and agents it touched, which
`Matcher.settle` (routing.matching) routes afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from routing.agent_record import AgentRecord
from routing.agents import AgentIndex
from routing.deadlines import Deadlines, Entry, Timer
from routing.decisions import Decision, Offer, OfferExpired, OfferReason, OfferWithdrawn, SetAgentAway
from routing.explain import DecisionLog
from routing.policy import RoutingRules
from routing.snapshot import PendingOffer
from routing.touched import Touched
from routing.vocabulary import ROUTABLE_PRESENCE, Presence, RoutingError
from routing.waiting import WaitingIndex, WaitingRecord


@dataclass(slots=True, eq=False)
class Offers:
    agents: AgentIndex
    waiting: WaitingIndex
    log: DecisionLog
    deadlines: Deadlines
    touched_items: Touched[WaitingRecord]
    touched_agents: Touched[AgentRecord]
    rules: RoutingRules

    def make(
        self,
        rec: WaitingRecord,
        agent: AgentRecord,
        reason: OfferReason,
        now: float,
        out: list[Decision],
        *,
        offered_at: float | None = None,
    ) -> None:
        """Offer `rec` to `agent` (made at `offered_at` if it was restored, else `now`)."""
        at = now if offered_at is None else offered_at
        rec.offered_agent, rec.offered_at = agent, at
        rec.token += 1
        self.agents.reserve(agent, rec, now)
        expires = at + rec.policy.offer_timeout
        self.deadlines.add(expires, Timer.OFFER, rec.id, rec.token)
        self.log.add(rec, at, "offered", agent.id, reason)
        out.append(
            Offer(
                interaction=rec.id,
                agent=agent.id,
                channel=rec.channel,
                queue=rec.queue,
                at=at,
                expires_at=expires,
                reason=reason,
            )
        )

    def restore(self, offer: PendingOffer, now: float, out: list[Decision]) -> None:
        """Take back an offer made before a snapshot; withdraw it if the agent is not routable."""
        rec = self.waiting.items.get(offer.interaction)
        agent = self.agents.agents.get(offer.agent)
        if rec is None or agent is None or rec.offered_agent is not None:
            raise RoutingError(f"snapshot offer {offer} names an unknown or doubly offered interaction")
        self.touched_items.discard(rec)
        reason = OfferReason(
            trigger="offer restored from snapshot",
            rule="restored",
            step=rec.step,
            matched=(),
            considered=1,
            chosen_by="",
            waited=0.0,
            priority=0.0,
        )
        self.make(rec, agent, reason, now, [], offered_at=offer.offered_at)
        if agent.presence not in ROUTABLE_PRESENCE:
            why = f"agent is {agent.presence}"
            out.append(OfferWithdrawn(interaction=rec.id, agent=agent.id, at=now, reason=why))
            self.release(rec, agent, "withdrawn", why, now, out, miss=False, exclude=False)
        elif offer.offered_at + rec.policy.offer_timeout <= now:
            # It lapsed while no router led: the database may have been away, when nobody could
            # accept anything. Expired, but not the agent's miss, nor a reason to pass them over:
            # a few such offers would otherwise set an agent away for an outage of ours.
            why = "lapsed while no router was leading"
            out.append(OfferExpired(interaction=rec.id, agent=agent.id, at=now, reason=why))
            self.release(rec, agent, "expired", why, now, out, miss=False, exclude=False)

    def release(
        self,
        rec: WaitingRecord,
        agent: AgentRecord,
        kind: str,
        why: str,
        now: float,
        out: list[Decision],
        *,
        miss: bool,
        exclude: bool,
    ) -> None:
        """End an offer that was not accepted; the interaction and the agent are routed again."""
        rec.offered_agent = None
        self.agents.unreserve(agent, rec, now, accepted=False)
        self.log.add(rec, now, kind, agent.id, why)
        if exclude:
            rec.excluded |= {agent.id}
        if agent.id == rec.preferred and (exclude or agent.presence not in ROUTABLE_PRESENCE):
            rec.sticky_until = 0.0  # the customer's agent missed it or cannot take it: anyone eligible now
        self.requeue(rec, f"retry after agent {agent.id} {kind}")
        self.touched_agents.add(agent, f"offer {kind}")
        if miss:
            agent.misses += 1
            limit = self.rules.misses_before_away
            if limit and agent.misses >= limit and agent.presence in ROUTABLE_PRESENCE:
                text = f"{agent.misses} consecutive missed offers (limit {limit})"
                out.append(SetAgentAway(agent=agent.id, at=now, reason=text))
                self.agents.set_presence(agent, Presence.AWAY, now)
                self.withdraw_all(agent, "agent set away after missed offers", now, out)
                self.end_sticky(agent, "preferred agent set away after missed offers", now)

    def withdraw_all(self, agent: AgentRecord, why: str, now: float, out: list[Decision]) -> None:
        for rec in list(agent.offers):
            out.append(OfferWithdrawn(interaction=rec.id, agent=agent.id, at=now, reason=why))
            self.release(rec, agent, "withdrawn", why, now, out, miss=False, exclude=False)

    def requeue(self, rec: WaitingRecord, trigger: str) -> None:
        """Take `rec` out of the indexes to be routed again; its timers go stale."""
        self.waiting.unplace(rec)
        rec.token += 1
        self.touched_items.add(rec, trigger)

    def end_sticky(self, agent: AgentRecord, why: str, now: float) -> None:
        """End the sticky windows that reserve interactions for `agent`."""
        for rec in list(self.waiting.sticky.get(agent.id, {}).values()):
            rec.sticky_until = 0.0
            self.log.add(rec, now, "sticky_ended", agent.id, why)
            self.requeue(rec, "sticky window ended")

    def is_live(self, entry: Entry) -> bool:
        rec = self.waiting.items.get(entry.iid)
        return rec is not None and rec.token == entry.token

    def fire_timers(self, now: float, out: list[Decision]) -> None:
        """Apply every timer due by `now`: offer expiries, escalation steps, sticky ends."""
        for entry in self.deadlines.pop_due(now):
            rec = self.waiting.items.get(entry.iid)
            if rec is None or rec.token != entry.token:
                continue  # stale: answered, routed again or gone since
            if entry.kind == Timer.OFFER:
                agent = rec.offered_agent
                assert agent is not None
                why = f"no answer within {rec.policy.offer_timeout:g}s"
                out.append(OfferExpired(interaction=rec.id, agent=agent.id, at=now, reason=why))
                self.release(rec, agent, "expired", why, now, out, miss=True, exclude=True)
            elif entry.kind == Timer.STEP:
                self.requeue(rec, "escalation step due")
            else:
                self.requeue(rec, "sticky window ended")
