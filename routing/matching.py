"""Settling: after an event, route exactly the interactions and agents it touched.

Touched interactions go first (highest effective priority, then oldest), each to the agent its
queue would choose; then each touched agent takes the best waiting work it can. The agent
index is flushed before any search that reads its free sets or counters, and at the end.
"""

from __future__ import annotations

from typing import Final

from routing.agent_record import AgentRecord
from routing.core import RoutingCore
from routing.deadlines import Timer
from routing.decisions import Decision, OfferReason
from routing.policy import next_step_time
from routing.selection import best_interaction, find_agent
from routing.vocabulary import AgentChoice
from routing.waiting import WaitingRecord

# The rule's name per agent choice: `.value` on an enum member is a generic lookup compiled.
_RULE: Final[dict[AgentChoice, str]] = {choice: choice.value for choice in AgentChoice}


class MatchingCore(RoutingCore):
    def _settle(self, out: list[Decision]) -> None:
        """Route the touched interactions, then the touched agents; leave the indexes flushed."""
        # The common cases, kept cheap: one agent or one interaction touched (`routing.touched`).
        agents, items = self._dirty_agents, self._dirty_items
        if items.is_empty() and (agent := agents.take_one()) is not None:
            self._route_agent(agent, agents.one_trigger, out)
        elif agents.is_empty() and (rec := items.take_one()) is not None:
            if rec.offered_to is None:
                self._route_item(rec, items.one_trigger, out)
        else:
            self._settle_all(out)
        if self.agents.pending:
            self.agents.flush()

    def _settle_all(self, out: list[Decision]) -> None:
        now_rel = self.now - self._origin
        todo = [(rec, trigger) for rec, trigger in self._dirty_items.take_all() if rec.offered_to is None]
        todo.sort(key=lambda t: (-t[0].priority_at(now_rel), t[0].enq_rel, t[0].id))
        for rec, trigger in todo:
            self._route_item(rec, trigger, out)
        for agent, trigger in self._dirty_agents.take_all():
            self._route_agent(agent, trigger, out)

    def _route_item(self, rec: WaitingRecord, trigger: str, out: list[Decision]) -> None:
        if self.agents.pending:
            self.agents.flush()  # the free sets and counters are read below
        self._set_step(rec)
        sticky = self._is_sticky(rec)
        pick = find_agent(self.agents, rec, sticky)
        if pick is not None:
            rule = "sticky" if sticky else _RULE[rec.policy.agent_choice]
            reason = OfferReason(
                trigger,
                rule,
                rec.step,
                rec.alts[pick.matched_at],
                pick.considered,
                pick.chosen_by,
                self.now - rec.enqueued_at,
                rec.priority_at(self.now - self._origin),
                self.agents.pools(rec.ch, rec.in_force, pick.matched_at),
                idle_since=pick.idle_since,
            )
            self._offer(rec, pick.agent, reason, out)
            return
        self.waiting.place(rec, self.now)
        self.log.add(rec, self.now, "waiting", None, self.agents.pools(rec.ch, rec.in_force, 0))
        later = next_step_time(rec.policy, rec.step, rec.enqueued_at)
        if later is not None:
            self._deadlines.add(later, Timer.STEP, rec.id, rec.token)
        if sticky:
            self._deadlines.add(rec.sticky_until, Timer.STICKY, rec.id, rec.token)

    def _route_agent(self, agent: AgentRecord, trigger: str, out: list[Decision]) -> None:
        now_rel = self.now - self._origin
        while agent.is_free():
            pick = best_interaction(self.waiting, agent, now_rel)
            if pick is None:
                return
            rec = pick.interaction
            self.waiting.unplace(rec)
            reason = OfferReason(
                trigger,
                "highest priority then oldest",
                rec.step,
                pick.matched,
                pick.considered,
                "",
                self.now - rec.enqueued_at,
                rec.priority_at(now_rel),
                freed_agent=agent.id,
            )
            self._offer(rec, agent, reason, out)
