"""Settling: after an event, route exactly the interactions and agents it touched.

Touched interactions go first (highest effective priority, then oldest), each to the agent its
queue would choose; then each touched agent takes the best waiting work it can. The agent
index is flushed before any search that reads its free sets or counters, and at the end.
"""

from __future__ import annotations

from dataclasses import dataclass

from routing.agent_record import AgentRecord
from routing.agents import AgentIndex
from routing.deadlines import Deadlines, Timer
from routing.decisions import Decision, OfferReason
from routing.explain import DecisionLog
from routing.offers import Offers
from routing.policy import next_step_time
from routing.queues import Queues
from routing.selection import best_interaction, find_agent
from routing.touched import Touched
from routing.vocabulary import ROUTABLE_PRESENCE
from routing.waiting import WaitingIndex, WaitingRecord


@dataclass(slots=True, eq=False)
class Matcher:
    queues: Queues
    agents: AgentIndex
    waiting: WaitingIndex
    log: DecisionLog
    deadlines: Deadlines
    offers: Offers
    touched_items: Touched[WaitingRecord]
    touched_agents: Touched[AgentRecord]

    def settle(self, now: float, out: list[Decision]) -> None:
        """Route the touched interactions, then the touched agents; leave the indexes flushed."""
        agents, items = self.touched_agents, self.touched_items
        # The common cases first: one agent or one interaction touched (`routing.touched`).
        if items.is_empty() and (agent := agents.take_one()) is not None:
            self._route_agent(agent, agents.one_trigger, now, out)
        elif agents.is_empty() and (rec := items.take_one()) is not None:
            if rec.offered_agent is None:
                self._route_item(rec, items.one_trigger, now, out)
        else:
            self._settle_all(now, out)
        self.agents.flush()

    def _settle_all(self, now: float, out: list[Decision]) -> None:
        now_rel = now - self.queues.origin
        todo = [(rec, trigger) for rec, trigger in self.touched_items.take_all() if rec.offered_agent is None]
        todo.sort(key=lambda t: (-t[0].priority_at(now_rel), t[0].enq_rel, t[0].id))
        for rec, trigger in todo:
            self._route_item(rec, trigger, now, out)
        for agent, trigger in self.touched_agents.take_all():
            self._route_agent(agent, trigger, now, out)

    def _route_item(self, rec: WaitingRecord, trigger: str, now: float, out: list[Decision]) -> None:
        self.agents.flush()  # the free sets and counters are read below
        widened = self.queues.set_step(rec, now)
        if widened is not None:
            self.log.add(rec, now, "escalated", None, widened)
        sticky = rec.is_sticky(now) and self._preferred_can_take_work(rec, now)
        pick = find_agent(self.agents, rec, sticky)
        if pick is not None:
            reason = OfferReason(
                trigger=trigger,
                rule="sticky" if sticky else rec.policy.agent_choice,
                step=rec.step,
                matched=rec.alts[pick.matched_at],
                considered=pick.considered,
                chosen_by=pick.chosen_by,
                waited=now - rec.enqueued_at,
                priority=rec.priority_at(now - self.queues.origin),
                counts=self.agents.pools(rec.ch, rec.in_force, pick.matched_at),
                idle_since=pick.idle_since,
            )
            self.offers.make(rec, pick.agent, reason, now, out)
            return
        self.waiting.place(rec, now)
        self.log.add(rec, now, "waiting", None, self.agents.pools(rec.ch, rec.in_force, 0))
        later = next_step_time(rec.policy, rec.step, rec.enqueued_at)
        if later is not None:
            self.deadlines.add(later, Timer.STEP, rec.id, rec.token)
        if sticky:
            self.deadlines.add(rec.sticky_until, Timer.STICKY, rec.id, rec.token)

    def _preferred_can_take_work(self, rec: WaitingRecord, now: float) -> bool:
        """Whether `rec`'s sticky window still holds. A window ends when its agent goes away, but
        only for records already placed: one queued in the same batch as its agent's leaving is
        not placed yet, so the window is ended here, before a customer could wait on that agent."""
        assert rec.preferred is not None
        agent = self.agents.agents.get(rec.preferred)
        if agent is not None and agent.presence in ROUTABLE_PRESENCE:
            return True
        rec.sticky_until = 0.0
        why = f"preferred agent is {'unknown' if agent is None else agent.presence}"
        self.log.add(rec, now, "sticky_ended", rec.preferred, why)
        return False

    def _route_agent(self, agent: AgentRecord, trigger: str, now: float, out: list[Decision]) -> None:
        now_rel = now - self.queues.origin
        while agent.is_free():
            pick = best_interaction(self.waiting, agent, now_rel)
            if pick is None:
                return
            rec = pick.interaction
            self.waiting.unplace(rec)
            reason = OfferReason(
                trigger=trigger,
                rule="highest priority then oldest",
                step=rec.step,
                matched=pick.matched,
                considered=pick.considered,
                chosen_by="",
                waited=now - rec.enqueued_at,
                priority=rec.priority_at(now_rel),
                freed_agent=agent.id,
            )
            self.offers.make(rec, agent, reason, now, out)
