"""`RoutingEngine`: the public face of the routing core, and one handler per event type.

Handlers change state and mark what they touched; `Matcher.settle` does the matching. Events
naming an agent or an offer the engine does not know (or no longer knows) are stale and change
nothing: the router service may deliver a late accept after the engine expired that offer, and the
engine's decisions are the ones that stand. Design notes in docs/routing.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from routing.agent_record import AgentRecord, per_channel
from routing.agents import AgentIndex
from routing.checks import check_event
from routing.deadlines import Deadlines
from routing.decisions import Decision, OfferWithdrawn
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
from routing.explain import DecisionLog, Explanation, agent_detail, explanation
from routing.matching import Matcher
from routing.offers import Offers
from routing.policy import QueuePolicy, RoutingRules, alternatives
from routing.queues import Queues
from routing.snapshot import Snapshot, WaitingInteraction
from routing.touched import Touched
from routing.vocabulary import ROUTABLE_PRESENCE, AgentId, InteractionId
from routing.waiting import WaitingIndex, WaitingRecord


class RoutingEngine:
    """Routes waiting interactions to agents under per-queue policies. Not thread-safe.

    The engine keeps the clock (`now`, moved by each event's `at`) and hands it to its parts:
    the agent and waiting indexes, the timers, the decision log, `Queues` (what each queue
    requires), `Offers` (the moves: offer, release, timers) and `Matcher` (settling).
    """

    def __init__(self, policies: Iterable[QueuePolicy], rules: RoutingRules | None = None) -> None:
        by_queue = {p.queue: p for p in policies}
        for policy in by_queue.values():
            for step in range(len(policy.escalation) + 1):
                alternatives(by_queue, policy.queue, {}, step)  # an unknown overflow queue fails here
        self.policies = by_queue
        self.rules = rules if rules is not None else RoutingRules()
        self.queues = Queues(by_queue)
        self._reset(0.0)

    def _reset(self, at: float) -> None:
        self.now = at
        self.queues.reset(at)
        self.agents = AgentIndex(self.rules.cross_channel, any_agent=self.queues.any_agent)
        self.waiting = WaitingIndex()
        self.log = DecisionLog(self.rules.history_limit)
        self.deadlines = Deadlines()
        # Touched since the last settle: live interaction records, current agent records.
        self.touched_items: Touched[WaitingRecord] = Touched()
        self.touched_agents: Touched[AgentRecord] = Touched()
        self.offers = Offers(
            agents=self.agents,
            waiting=self.waiting,
            log=self.log,
            deadlines=self.deadlines,
            touched_items=self.touched_items,
            touched_agents=self.touched_agents,
            rules=self.rules,
        )
        self.matcher = Matcher(
            queues=self.queues,
            agents=self.agents,
            waiting=self.waiting,
            log=self.log,
            deadlines=self.deadlines,
            offers=self.offers,
            touched_items=self.touched_items,
            touched_agents=self.touched_agents,
        )

    def load(self, snapshot: Snapshot) -> list[Decision]:
        """Forget everything, rebuild from `snapshot`, and return the decisions it calls for."""
        self._reset(snapshot.at)
        out: list[Decision] = []
        for state in sorted(snapshot.agents, key=lambda a: (a.idle_since, a.id)):
            self.agents.add(state, None)
        for item in snapshot.interactions:
            self.touched_items.add(self._take_in(item), "snapshot loaded")
        for offer in snapshot.offers:
            self.offers.restore(offer, self.now, out)
        for agent in self.agents.agents.values():
            self.touched_agents.add(agent, "snapshot loaded")
        self.offers.fire_timers(self.now, out)
        self.matcher.settle(self.now, out)
        return out

    def handle(self, event: Event) -> list[Decision]:
        """Apply every timer due by `event.at`, then the event; return the resulting decisions.

        Raises `RoutingError`, before changing anything, for an event it cannot apply (an unknown
        queue, channel or presence, a bad skill level: `routing.checks`).
        """
        if isinstance(event, AgentLoadChanged):
            # The most frequent event: reading its load is checking it, so it is read once.
            load = per_channel(event.load, event.agent)
            out: list[Decision] = []
            self._advance(event.at, out)
            self._set_load(event.agent, load)
        else:
            check_event(event, self.policies)
            out = []
            self._apply(event, out)
        self._conclude(out)
        return out

    def handle_many(self, events: Iterable[Event]) -> list[Decision]:
        """Apply a batch of events in order (each after the timers due by its `at`), then settle
        once: offers are made after the last event, at the batch's latest `at`. A batch of one is
        `handle`. Raises `RoutingError`, before changing anything, if any event of the batch fails
        `routing.checks`. The contract is in docs/routing.md, "Batches"."""
        batch = list(events)
        for event in batch:
            check_event(event, self.policies)
        out: list[Decision] = []
        for event in batch:
            self._apply(event, out)
        self._conclude(out)
        return out

    def _conclude(self, out: list[Decision]) -> None:
        """Match what the events touched; leave the agent index flushed either way."""
        if self.touched_items.is_empty() and self.touched_agents.is_empty():
            self.agents.flush()
        else:
            self.matcher.settle(self.now, out)

    def next_deadline(self) -> float | None:
        """When the engine next needs a `Tick`: an offer expiry, escalation step or sticky end."""
        return self.deadlines.next(self.offers.is_live)

    def explain(self, iid: InteractionId, at: float | None = None) -> Explanation:
        """Why the interaction went to its agent, or why it is still waiting, with its history;
        `at` is when the question is asked (waits count to then, not to the last event)."""
        rec = self.waiting.items.get(iid)
        now = self.now if at is None else max(self.now, at)
        return explanation(iid, rec, self.log, self.agents, self.policies, now)

    def explain_agent(self, iid: InteractionId, aid: AgentId) -> str:
        """Whether agent `aid` could take interaction `iid` now, and every reason it cannot."""
        rec = self.waiting.items.get(iid)
        if rec is None:
            return f"interaction {iid} is not waiting"
        return agent_detail(rec, self.agents.agents.get(aid), rec.is_sticky(self.now))

    def snapshot(self) -> Snapshot:
        """The current state in the form `load` takes (pending offers keep their times)."""
        records = sorted(self.waiting.items.values(), key=lambda rec: rec.id)
        return Snapshot(
            at=self.now,
            agents=tuple(sorted((a.snapshot() for a in self.agents.agents.values()), key=lambda a: a.id)),
            interactions=tuple(rec.snapshot() for rec in records),
            offers=tuple(rec.pending_offer() for rec in records if rec.offered_agent is not None),
        )

    def _advance(self, at: float, out: list[Decision]) -> None:
        """Move the clock to `at` (never back) and fire the timers due by then."""
        if at > self.now:
            self.now = at
        if self.deadlines.due(self.now):
            self.offers.fire_timers(self.now, out)

    def _apply(self, event: Event, out: list[Decision]) -> None:
        self._advance(event.at, out)
        if isinstance(event, InteractionQueued):
            self._on_queued(event)
        elif isinstance(event, OfferAccepted):
            self._on_accepted(event)
        elif isinstance(event, AgentLoadChanged):
            self._set_load(event.agent, per_channel(event.load, event.agent))
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
            self._on_skills(event)
        # a Tick only moves the clock: the timers due by its `at` have fired already

    def _on_logged_in(self, event: AgentLoggedIn, out: list[Decision]) -> None:
        old = self.agents.agents.get(event.agent.id)
        was_routable = old is not None and old.presence in ROUTABLE_PRESENCE
        if old is not None:
            self.touched_agents.discard(old)  # replaced: only the new record is routed
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
            self.offers.withdraw_all(agent, f"agent is {agent.presence}", self.now, out)
        elif not was_routable:
            agent.misses = 0
        if agent.presence not in ROUTABLE_PRESENCE:
            self.offers.end_sticky(agent, f"preferred agent is {agent.presence}", self.now)
        self.touched_agents.add(agent, f"agent {agent.presence}")

    def _on_skills(self, event: AgentSkillsChanged) -> None:
        agent = self.agents.agents.get(event.agent)
        if agent is not None:
            self.agents.change_skills(agent, event.skills, event.capacity, self.now)
            self.touched_agents.add(agent, "skills or capacity changed")

    def _set_load(self, aid: AgentId, load: list[int]) -> None:
        agent = self.agents.agents.get(aid)
        if agent is not None:
            self.agents.set_load(agent, load, self.now)
            self.touched_agents.add(agent, "load changed")

    def _on_queued(self, event: InteractionQueued) -> None:
        if event.interaction.id in self.waiting.items:
            return  # a repeated event: the interaction is already being routed
        self.touched_items.add(self._take_in(event.interaction), "interaction queued")

    def _take_in(self, item: WaitingInteraction) -> WaitingRecord:
        preferred = self.agents.agents.get(item.preferred_agent) if item.preferred_agent is not None else None
        rec = self.queues.new_record(item, self.now, None if preferred is None else preferred.presence)
        self.waiting.items[rec.id] = rec
        return rec

    def _on_removed(self, event: InteractionRemoved, out: list[Decision]) -> None:
        rec = self.waiting.items.get(event.interaction)
        if rec is None:
            return
        agent = rec.offered_agent
        if agent is not None:
            why = f"interaction {event.reason}"
            out.append(OfferWithdrawn(interaction=rec.id, agent=agent.id, at=self.now, reason=why))
            self.agents.unreserve(agent, rec, self.now, accepted=False)
            self.touched_agents.add(agent, f"offer withdrawn, interaction {event.reason}")
        self.waiting.unplace(rec)
        self.log.add(rec, self.now, "removed", rec.offered_to, event.reason)
        self._forget(rec, "removed")

    def _on_accepted(self, event: OfferAccepted) -> None:
        rec = self._offered(event.interaction, event.agent)
        if rec is None or (agent := rec.offered_agent) is None:
            return
        agent.misses = 0
        self.agents.unreserve(agent, rec, self.now, accepted=True)
        self._forget(rec, "accepted")  # the log's "accepted" entry is worded from the record

    def _on_rejected(self, event: OfferRejected, out: list[Decision]) -> None:
        rec = self._offered(event.interaction, event.agent)
        if rec is not None and (agent := rec.offered_agent) is not None:
            miss = self.rules.rejects_count_as_misses
            why = "agent rejected the offer"
            self.offers.release(rec, agent, "rejected", why, self.now, out, miss=miss, exclude=True)

    def _on_timed_out(self, event: OfferTimedOut, out: list[Decision]) -> None:
        rec = self._offered(event.interaction, event.agent)
        if rec is not None and (agent := rec.offered_agent) is not None:
            why = "agent's client timed out"
            self.offers.release(rec, agent, "timed_out", why, self.now, out, miss=True, exclude=True)

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
        self.touched_items.discard(rec)
        self.log.finish(rec, state, self.now)
