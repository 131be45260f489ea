"""The engine's state and the moves every event is made of: offer, release, timers.

`MatchingCore` (matching.py) adds `settle`, the matching of what a change touched, and
`RoutingEngine` (engine.py) the public API and the event handlers on top. Handlers only change
state and mark which interactions and agents were touched; `settle` then matches exactly those,
which keeps one event far cheaper than a rescan and keeps the engine work-conserving.
"""

from __future__ import annotations

from typing import Final

from routing.agent_record import AgentRecord
from routing.agents import AgentIndex
from routing.deadlines import Deadlines, Entry, Timer
from routing.decisions import Decision, Offer, OfferExpired, OfferReason, OfferWithdrawn, SetAgentAway
from routing.explain import DecisionLog
from routing.in_force import InForce
from routing.policy import (
    QueuePolicy,
    Requirement,
    RoutingRules,
    alternatives,
    as_requirement,
    describe,
    step_at,
)
from routing.snapshot import WaitingInteraction
from routing.touched import Touched
from routing.vocabulary import (
    ROUTABLE_PRESENCE,
    CustomerClass,
    Presence,
    QueueId,
    RoutingError,
    as_channel,
)
from routing.waiting import WaitingIndex, WaitingRecord

_NO_SKILLS: Final[dict[str, int]] = {}  # shared by every interaction without skills of its own; never mutated
# Enum members the hot paths compare with, bound once (a compiled module reads a Final directly).
_OFFLINE: Final = Presence.OFFLINE


class RoutingCore:
    def __init__(self, policies: dict[QueueId, QueuePolicy], rules: RoutingRules) -> None:
        self.policies = policies
        self.rules = rules
        self._queue_alts = {
            q: [alternatives(policies, q, {}, s) for s in range(len(p.escalation) + 1)]
            for q, p in policies.items()
        }
        # An interaction's own skills only add to a requirement: one can be empty only if some
        # queue's alternatives at some step include the empty one.
        self._any_agent = any(() in alts for steps in self._queue_alts.values() for alts in steps)
        self._reset(0.0)

    def _reset(self, at: float) -> None:
        self.now = at
        self._origin = at
        self.agents = AgentIndex(self.rules.cross_channel, any_agent=self._any_agent)
        self.waiting = WaitingIndex()
        self.log = DecisionLog(self.rules.history_limit)
        self._deadlines = Deadlines()
        self._dirty_items: Touched[WaitingRecord] = Touched()  # live records only (forgetting one drops it)
        self._dirty_agents: Touched[AgentRecord] = Touched()  # current records only (see _on_logged_in)
        # Per queue, found with one lookup per arrival: the policy, its class boosts as a plain
        # dict (compiled code reads a Mapping by method call), what is in force at each step.
        # New `InForce`s with the new indexes: they cache groups and counters of the old ones.
        self._facts = {
            q: (p, dict(p.class_boost), [InForce(alts) for alts in self._queue_alts[q]])
            for q, p in self.policies.items()
        }
        self._own_in_force: dict[tuple[QueueId, Requirement, int], InForce] = {}

    # ---- interactions -----------------------------------------------------------------------

    def _new_record(self, item: WaitingInteraction) -> WaitingRecord:
        facts = self._facts.get(item.queue)
        if facts is None:
            raise RoutingError(f"interaction {item.id}: unknown queue {item.queue}")
        policy, boosts, queue_alts = facts
        cls = item.customer_class
        if type(cls) is not CustomerClass:
            cls = CustomerClass(cls)
        rec = WaitingRecord(
            item.id,
            as_channel(item.channel),
            item.queue,
            policy,
            item.enqueued_at,
            item.enqueued_at - self._origin,
            item.priority + policy.priority + boosts.get(cls, 0.0),
            dict(item.required_skills) if item.required_skills else _NO_SKILLS,
            cls,
            item.preferred_agent,
            excluded if type(excluded := item.excluded_agents) is frozenset else frozenset(excluded),
        )
        preferred = self.agents.agents.get(item.preferred_agent) if item.preferred_agent is not None else None
        if (
            policy.sticky_seconds > 0
            and preferred is not None
            and preferred.presence != _OFFLINE
            and preferred.id not in rec.excluded
        ):
            rec.sticky_until = item.enqueued_at + policy.sticky_seconds
        rec.alts_by_step = queue_alts
        self._set_step(rec, log=False)
        self.waiting.items[rec.id] = rec
        rec.sticky_at_queue = rec.sticky_until
        rec.queued_at = self.now  # the log's "queued" entry, worded from the record when read
        return rec

    def _set_step(self, rec: WaitingRecord, *, log: bool = True) -> None:
        if rec.alts and (
            not rec.policy.escalation or self.now < rec.enqueued_at + rec.policy.escalation[0].after_seconds
        ):
            return  # no step is due yet: skip the search
        step = step_at(rec.policy, self.now - rec.enqueued_at)
        if step == rec.step and rec.alts:
            return
        if not rec.own_skills:  # the common case: the queue's own alternatives, per step
            in_force = rec.alts_by_step[step]
        else:
            key = (rec.queue, as_requirement(rec.own_skills), step)
            found = self._own_in_force.get(key)
            if found is None:
                found = InForce(alternatives(self.policies, rec.queue, rec.own_skills, step))
                self._own_in_force[key] = found
            in_force = found
        if log and step != rec.step:
            text = f"escalation step {step} now accepts {' or '.join(describe(r) for r in in_force.reqs)}"
            self.log.add(rec, self.now, "escalated", None, text)
        rec.step, rec.in_force, rec.alts = step, in_force, in_force.reqs

    def _is_sticky(self, rec: WaitingRecord) -> bool:
        return rec.preferred is not None and self.now < rec.sticky_until

    def _touch_item(self, rec: WaitingRecord, trigger: str) -> None:
        """Take `rec` out of the indexes; `settle` will route it again. Its timers go stale."""
        self.waiting.unplace(rec)
        rec.token += 1
        self._dirty_items.add(rec, trigger)

    def _end_sticky(self, agent: AgentRecord, why: str) -> None:
        for rec in list(self.waiting.sticky.get(agent.id, {}).values()):
            rec.sticky_until = 0.0
            self.log.add(rec, self.now, "sticky_ended", agent.id, why)
            self._touch_item(rec, "sticky window ended")

    # ---- offers -----------------------------------------------------------------------------

    def _offer(
        self,
        rec: WaitingRecord,
        agent: AgentRecord,
        reason: OfferReason,
        out: list[Decision],
        at: float | None = None,
    ) -> None:
        offered_at = self.now if at is None else at
        rec.offered_agent, rec.offered_at = agent, offered_at
        rec.token += 1
        self.agents.reserve(agent, rec, rec.ch, self.now)
        expires = offered_at + rec.policy.offer_timeout
        self._deadlines.add(expires, Timer.OFFER, rec.id, rec.token)
        self.log.add(rec, offered_at, "offered", agent.id, reason)
        out.append(Offer(rec.id, agent.id, rec.channel, rec.queue, offered_at, expires, reason))

    def _release(
        self,
        rec: WaitingRecord,
        agent: AgentRecord,
        kind: str,
        why: str,
        out: list[Decision],
        *,
        miss: bool,
        exclude: bool,
    ) -> None:
        """End an offer that was not accepted; the interaction and the agent are routed again."""
        rec.offered_agent = None
        self.agents.unreserve(agent, rec, self.now, accepted=False)
        self.log.add(rec, self.now, kind, agent.id, why)
        if exclude:
            rec.excluded = rec.excluded | {agent.id}
        if agent.id == rec.preferred and (exclude or agent.presence == Presence.OFFLINE):
            rec.sticky_until = 0.0  # the customer's agent missed it or left: anyone eligible now
        self._touch_item(rec, f"retry after agent {agent.id} {kind}")
        self._dirty_agents.add(agent, f"offer {kind}")
        if miss:
            agent.misses += 1
            limit = self.rules.misses_before_away
            if limit and agent.misses >= limit and agent.presence in ROUTABLE_PRESENCE:
                text = f"{agent.misses} consecutive missed offers (limit {limit})"
                out.append(SetAgentAway(agent.id, self.now, text))
                self.agents.set_presence(agent, Presence.AWAY, self.now)
                self._withdraw_all(agent, "agent set away after missed offers", out)

    def _withdraw_all(self, agent: AgentRecord, why: str, out: list[Decision]) -> None:
        for rec in list(agent.offers):
            out.append(OfferWithdrawn(rec.id, agent.id, self.now, why))
            self._release(rec, agent, "withdrawn", why, out, miss=False, exclude=False)

    # ---- timers -----------------------------------------------------------------------------

    def _is_live(self, entry: Entry) -> bool:
        rec = self.waiting.items.get(entry.iid)
        return rec is not None and rec.token == entry.token

    def _fire_timers(self, out: list[Decision]) -> None:
        for entry in self._deadlines.pop_due(self.now):
            if not self._is_live(entry):
                continue
            rec = self.waiting.items[entry.iid]
            if entry.kind == Timer.OFFER:
                agent = rec.offered_agent
                assert agent is not None
                why = f"no answer within {rec.policy.offer_timeout:g}s"
                out.append(OfferExpired(rec.id, agent.id, self.now, why))
                self._release(rec, agent, "expired", why, out, miss=True, exclude=True)
            elif entry.kind == Timer.STEP:
                self._touch_item(rec, "escalation step due")
            else:
                self._touch_item(rec, "sticky window ended")
