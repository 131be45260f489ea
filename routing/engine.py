"""`RoutingEngine`: the public face of the routing core, and one handler per event type.

Handlers change state and mark what they touched; `MatchingCore._settle` does the matching. Events
naming an agent or an offer the engine does not know (or no longer knows) are stale and change
nothing: the router service may deliver a late accept after the engine expired that offer, and the
engine's decisions are the ones that stand. Design notes in docs/routing.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from routing.agent_record import AgentRecord, per_channel
from routing.checks import check_event
from routing.decisions import Decision, OfferReason, OfferWithdrawn
from routing.events import (
    AgentLoadChanged,
    AgentLoggedIn,
    AgentPresenceChanged,
    AgentSkillsChanged,
    Event,
    InteractionQueued,
    InteractionRemoved,
    OfferAccepted,
    OfferRejected,
    OfferTimedOut,
)
from routing.explain import Explanation, agent_detail, waiting_summary
from routing.matching import MatchingCore
from routing.policy import QueuePolicy, RoutingRules, alternatives
from routing.snapshot import PendingOffer, Snapshot, WaitingInteraction
from routing.vocabulary import ROUTABLE_PRESENCE, AgentId, InteractionId, Presence, RoutingError
from routing.waiting import WaitingRecord


class RoutingEngine(MatchingCore):
    """Routes waiting interactions to agents under per-queue policies. Not thread-safe."""

    def __init__(self, policies: Iterable[QueuePolicy], rules: RoutingRules | None = None) -> None:
        by_queue = {p.queue: p for p in policies}
        for policy in by_queue.values():
            for step in range(len(policy.escalation) + 1):
                alternatives(by_queue, policy.queue, {}, step)  # an unknown overflow queue fails here
        super().__init__(by_queue, rules if rules is not None else RoutingRules())

    def load(self, snapshot: Snapshot) -> list[Decision]:
        """Forget everything, rebuild from `snapshot`, and return the decisions it calls for."""
        self._reset(snapshot.at)
        out: list[Decision] = []
        for state in sorted(snapshot.agents, key=lambda a: (a.idle_since, a.id)):
            self.agents.add(state, None)
        for item in snapshot.interactions:
            rec = self._new_record(item)
            self._dirty_items.add(rec, "snapshot loaded")
        for offer in snapshot.offers:
            self._restore_offer(offer, out)
        for agent in self.agents.agents.values():
            self._dirty_agents.add(agent, "snapshot loaded")
        self._fire_timers(out)
        self._settle(out)
        return out

    def _restore_offer(self, offer: PendingOffer, out: list[Decision]) -> None:
        rec = self.waiting.items.get(offer.interaction)
        agent = self.agents.agents.get(offer.agent)
        if rec is None or agent is None or rec.offered_agent is not None:
            raise RoutingError(f"snapshot offer {offer} names an unknown or doubly offered interaction")
        self._dirty_items.discard(rec)
        reason = OfferReason("offer restored from snapshot", "restored", rec.step, (), 1, "", 0.0, 0.0)
        self._offer(rec, agent, reason, [], at=offer.offered_at)
        if agent.presence not in ROUTABLE_PRESENCE:
            out.append(OfferWithdrawn(rec.id, agent.id, self.now, f"agent is {agent.presence}"))
            self._release(
                rec, agent, "withdrawn", f"agent is {agent.presence}", out, miss=False, exclude=False
            )

    def handle(self, event: Event) -> list[Decision]:
        """Apply every timer due by `event.at`, then the event; return the resulting decisions.

        Raises `RoutingError`, before changing anything, for an event it cannot apply (an unknown
        queue, channel or presence, a bad skill level: `routing.checks`).
        """
        # The most frequent event is checked by the one reading of its load the engine needs.
        load = per_channel(event.load, event.agent) if isinstance(event, AgentLoadChanged) else None
        if load is None:
            check_event(event, self.policies)
        if event.at > self.now:
            self.now = event.at
        out: list[Decision] = []
        if self._deadlines.due(self.now):
            self._fire_timers(out)
        if load is not None and isinstance(event, AgentLoadChanged):
            self._take_load(event.agent, load)
        else:
            self._apply(event, out)
        self._conclude(out)
        return out

    def handle_many(self, events: Iterable[Event]) -> list[Decision]:
        """Apply a batch of events in order, then settle once; return the batch's decisions.

        Each event still has the timers due by its `at` applied first, and its own decisions
        (expiries, withdrawals, agents set away) come out in event order; offers are made only
        after the last event, all at the batch's latest `at`. So the engine is work-conserving
        after the batch, not between its events, and an event cannot answer an offer made in
        the same batch. A batch of one is exactly `handle`. Raises `RoutingError`, before
        changing anything, if any event of the batch fails `routing.checks`. See
        docs/routing.md, "Batches".
        """
        batch = events if isinstance(events, list | tuple) else list(events)
        for event in batch:
            check_event(event, self.policies)
        out: list[Decision] = []
        deadlines = self._deadlines
        for event in batch:
            if event.at > self.now:
                self.now = event.at
            if deadlines.due(self.now):
                self._fire_timers(out)
            self._apply(event, out)
        self._conclude(out)
        return out

    def _conclude(self, out: list[Decision]) -> None:
        """Match what the events touched; leave the agent index flushed either way."""
        if not (self._dirty_items.is_empty() and self._dirty_agents.is_empty()):
            self._settle(out)
        elif self.agents.pending:
            self.agents.flush()

    def next_deadline(self) -> float | None:
        """When the engine next needs a `Tick`: an offer expiry, escalation step or sticky end."""
        return self._deadlines.next(self._is_live)

    def explain(self, iid: InteractionId) -> Explanation:
        """Why the interaction went to its agent, or why it is still waiting, with its history."""
        rec = self.waiting.items.get(iid)
        history = self.log.history(iid, rec)
        if rec is None:
            state = self.log.state(iid) or "unknown"
            summary = "no longer routed" if state != "unknown" else "not known to the engine"
            return Explanation(iid, state, summary, history)
        if rec.offered_to is not None:
            summary = f"offered to agent {rec.offered_to} at {rec.offered_at:.1f}, waiting for the answer"
            return Explanation(iid, "offered", summary, history)
        summary = waiting_summary(rec, self.agents, self.policies, self.now, self._is_sticky(rec))
        return Explanation(iid, "waiting", summary, history)

    def explain_agent(self, iid: InteractionId, aid: AgentId) -> str:
        """Whether agent `aid` could take interaction `iid` now, and every reason it cannot."""
        rec = self.waiting.items.get(iid)
        if rec is None:
            return f"interaction {iid} is not waiting"
        return agent_detail(rec, self.agents.agents.get(aid), self._is_sticky(rec))

    def snapshot(self) -> Snapshot:
        """The current state in the form `load` takes (pending offers keep their times)."""
        items: list[WaitingInteraction] = []
        offers: list[PendingOffer] = []
        for rec in self.waiting.items.values():
            own = rec.base - rec.policy.priority - rec.policy.class_boost.get(rec.customer_class, 0.0)
            items.append(
                WaitingInteraction(
                    rec.id,
                    rec.channel,
                    rec.queue,
                    rec.enqueued_at,
                    own,
                    dict(rec.own_skills),
                    rec.customer_class,
                    rec.preferred,
                    frozenset(rec.excluded),
                )
            )
            if rec.offered_to is not None:
                offers.append(PendingOffer(rec.id, rec.offered_to, rec.offered_at))
        agents = tuple(sorted((a.snapshot() for a in self.agents.agents.values()), key=lambda a: a.id))
        items.sort(key=lambda i: i.id)
        offers.sort(key=lambda o: o.interaction)
        return Snapshot(self.now, agents, tuple(items), tuple(offers))

    # ---- handlers ---------------------------------------------------------------------------

    def _apply(self, event: Event, out: list[Decision]) -> None:
        # Direct calls, most frequent first: cheaper than a table of unbound methods (compiled).
        if isinstance(event, InteractionQueued):
            self._on_queued(event, out)
        elif isinstance(event, OfferAccepted):
            self._on_accepted(event, out)
        elif isinstance(event, AgentLoadChanged):
            self._on_load(event, out)
        elif isinstance(event, AgentPresenceChanged):
            self._on_presence(event, out)
        elif isinstance(event, OfferRejected):
            self._on_rejected(event, out)
        elif isinstance(event, OfferTimedOut):
            self._on_timed_out(event, out)
        elif isinstance(event, InteractionRemoved):
            self._on_removed(event, out)
        elif isinstance(event, AgentLoggedIn):
            self._on_logged_in(event, out)
        elif isinstance(event, AgentSkillsChanged):
            self._on_skills(event, out)
        # a Tick only moves the clock: the timers due by its `at` have fired already

    def _on_logged_in(self, event: AgentLoggedIn, out: list[Decision]) -> None:
        old = self.agents.agents.get(event.agent.id)
        was_routable = old is not None and old.presence in ROUTABLE_PRESENCE
        if old is not None:
            self._dirty_agents.discard(old)  # replaced: only the new record is routed
        agent = self.agents.add(event.agent, self.now)
        self._after_presence(agent, was_routable, out)

    def _on_presence(self, event: AgentPresenceChanged, out: list[Decision]) -> None:
        agent = self.agents.agents.get(event.agent)
        if agent is None:
            return
        was_routable = agent.presence in ROUTABLE_PRESENCE
        self.agents.set_presence(agent, event.presence, self.now)
        self._after_presence(agent, was_routable, out)

    def _after_presence(self, agent: AgentRecord, was_routable: bool, out: list[Decision]) -> None:
        if agent.presence not in ROUTABLE_PRESENCE:
            self._withdraw_all(agent, f"agent is {agent.presence}", out)
        elif not was_routable:
            agent.misses = 0
        if agent.presence == Presence.OFFLINE:
            self._end_sticky(agent, "preferred agent logged out")
        self._dirty_agents.add(agent, f"agent {agent.presence}")

    def _on_skills(self, event: AgentSkillsChanged, out: list[Decision]) -> None:
        agent = self.agents.agents.get(event.agent)
        if agent is not None:
            self.agents.change_skills(agent, event.skills, event.capacity, self.now)
            self._dirty_agents.add(agent, "skills or capacity changed")

    def _on_load(self, event: AgentLoadChanged, out: list[Decision]) -> None:
        self._take_load(event.agent, per_channel(event.load, event.agent))

    def _take_load(self, aid: AgentId, load: list[int]) -> None:
        agent = self.agents.agents.get(aid)
        if agent is not None:
            self.agents.set_load(agent, load, self.now)
            self._dirty_agents.add(agent, "load changed")

    def _on_queued(self, event: InteractionQueued, out: list[Decision]) -> None:
        if event.interaction.id in self.waiting.items:
            return  # a repeated event: the interaction is already being routed
        rec = self._new_record(event.interaction)
        self._dirty_items.add(rec, "interaction queued")

    def _on_removed(self, event: InteractionRemoved, out: list[Decision]) -> None:
        rec = self.waiting.items.get(event.interaction)
        if rec is None:
            return
        agent = rec.offered_agent
        if agent is not None:
            out.append(OfferWithdrawn(rec.id, agent.id, self.now, f"interaction {event.reason}"))
            self.agents.unreserve(agent, rec, self.now, accepted=False)
            self._dirty_agents.add(agent, f"offer withdrawn, interaction {event.reason}")
        self.waiting.unplace(rec)
        self.log.add(rec, self.now, "removed", rec.offered_to, event.reason)
        self._forget(rec, "removed")

    def _on_accepted(self, event: OfferAccepted, out: list[Decision]) -> None:
        rec = self._offered(event.interaction, event.agent)
        if rec is None:
            return
        agent = rec.offered_agent
        assert agent is not None
        agent.misses = 0
        self.agents.unreserve(agent, rec, self.now, accepted=True)
        self._forget(rec, "accepted")  # the log's "accepted" entry is worded from the record

    def _on_rejected(self, event: OfferRejected, out: list[Decision]) -> None:
        rec = self._offered(event.interaction, event.agent)
        if rec is not None and (agent := rec.offered_agent) is not None:
            miss = self.rules.rejects_count_as_misses
            self._release(rec, agent, "rejected", "agent rejected the offer", out, miss=miss, exclude=True)

    def _on_timed_out(self, event: OfferTimedOut, out: list[Decision]) -> None:
        rec = self._offered(event.interaction, event.agent)
        if rec is not None and (agent := rec.offered_agent) is not None:
            self._release(rec, agent, "timed_out", "agent's client timed out", out, miss=True, exclude=True)

    def _offered(self, iid: InteractionId, aid: AgentId) -> WaitingRecord | None:
        """The interaction if it stands offered to `aid` (then `offered_agent` is that agent)."""
        rec = self.waiting.items.get(iid)
        if rec is None or (agent := rec.offered_agent) is None or agent.id != aid:
            if rec is not None:
                self.log.add(rec, self.now, "stale", aid, "answer to an offer that no longer stands, ignored")
            return None
        return rec

    def _forget(self, rec: WaitingRecord, state: str) -> None:
        del self.waiting.items[rec.id]
        self._dirty_items.discard(rec)
        self.log.finish(rec, state, self.now)
