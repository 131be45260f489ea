"""An independent model of what the engine may do, for the property tests.

It tracks agents, interactions and offers from the events sent and the decisions received, and
answers "is this agent eligible and free for this interaction now?" by brute force, straight from
the policy definitions as docs/routing.md states them, without any of the engine's indexes or its
requirement arithmetic (`routing.policy`): a rule the engine gets wrong must not be shared here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from routing import (
    AgentLoadChanged,
    AgentLoggedIn,
    AgentPresenceChanged,
    AgentSkillsChanged,
    AgentState,
    Channel,
    Decision,
    Event,
    InteractionQueued,
    InteractionRemoved,
    Offer,
    OfferAccepted,
    OfferExpired,
    OfferRejected,
    OfferTimedOut,
    OfferWithdrawn,
    Presence,
    QueuePolicy,
    RoutingRules,
    SetAgentAway,
    Snapshot,
    Tick,
    WaitingInteraction,
)

ROUTABLE = {Presence.AVAILABLE, Presence.BUSY}
LOWEST_LEVEL = 1


@dataclass
class ModelAgent:
    presence: Presence
    skills: dict[str, int]
    capacity: dict[Channel, int]
    load: dict[Channel, int]
    reserved: dict[Channel, int] = field(default_factory=dict)
    misses: int = 0

    def active(self, ch: Channel) -> int:
        return self.load.get(ch, 0) + self.reserved.get(ch, 0)


@dataclass
class ModelItem:
    wi: WaitingInteraction
    excluded: set[int]
    sticky_until: float = 0.0
    offered_to: int | None = None
    offered_at: float = 0.0


def _highest_levels(*parts: Mapping[str, int]) -> dict[str, int]:
    """Requirements combined: each skill at the highest level any part asks for."""
    out: dict[str, int] = {}
    for part in parts:
        for skill, level in part.items():
            out[skill] = max(out.get(skill, 0), level)
    return out


class Model:
    def __init__(self, policies: list[QueuePolicy], rules: RoutingRules) -> None:
        self.policies = {p.queue: p for p in policies}
        self.rules = rules
        self.agents: dict[int, ModelAgent] = {}
        self.items: dict[int, ModelItem] = {}
        self.removed: set[int] = set()
        self.now = 0.0

    def load(self, snap: Snapshot) -> None:
        self.now = snap.at
        for a in snap.agents:
            self._set_agent(a)
        for wi in snap.interactions:
            self._queue(wi)

    def _set_agent(self, a: AgentState) -> None:
        old = self.agents.get(a.id)
        self.agents[a.id] = ModelAgent(
            a.presence,
            dict(a.skills),
            dict(a.capacity),
            {c: n for c, n in a.load.items() if n},
            dict(old.reserved) if old else {},
            a.consecutive_misses,
        )

    def _queue(self, wi: WaitingInteraction) -> None:
        item = ModelItem(wi, set(wi.excluded_agents))
        policy = self.policies[wi.queue]
        pref = self.agents.get(wi.preferred_agent) if wi.preferred_agent is not None else None
        if policy.sticky_seconds and pref is not None and pref.presence in ROUTABLE:
            item.sticky_until = wi.enqueued_at + policy.sticky_seconds
        self.items[wi.id] = item

    # ---- eligibility --------------------------------------------------------------------------

    def blocked(self, agent: ModelAgent, ch: Channel) -> bool:
        blocks = self.rules.cross_channel.blocks
        return any(agent.active(o) > 0 and ch in blocks.get(o, frozenset()) for o in Channel)

    def agent_free(self, aid: int, ch: Channel) -> bool:
        agent = self.agents[aid]
        cap = agent.capacity.get(ch, 0)
        return (
            agent.presence in ROUTABLE and cap > 0 and agent.active(ch) < cap and not self.blocked(agent, ch)
        )

    def eligible(self, aid: int, iid: int) -> bool:
        item = self.items[iid]
        wi = item.wi
        if aid in item.excluded or item.offered_to is not None:
            return False
        if self.now < item.sticky_until and aid != wi.preferred_agent:
            return False
        return self.skills_admit(self.agents[aid].skills, wi)

    def skills_admit(self, skills: dict[str, int], wi: WaitingInteraction) -> bool:
        """Whether any requirement in force now admits these skills.

        Escalation steps are cumulative: every step whose `after_seconds` has passed lowers the
        queue's requirement (merged with the interaction's own) by its `lower_levels_by`, never
        below level 1, and may admit an overflow queue's agents or anyone with a skill.
        """
        policy = self.policies[wi.queue]
        waited = self.now - wi.enqueued_at
        in_force = [s for s in policy.escalation if waited >= s.after_seconds]
        lowered = sum(s.lower_levels_by for s in in_force)
        own = _highest_levels(policy.required_skills, wi.required_skills)
        if all(skills.get(k, 0) >= max(LOWEST_LEVEL, n - lowered) for k, n in own.items()):
            return True
        for s in in_force:
            if s.overflow_queue is not None:
                other = _highest_levels(self.policies[s.overflow_queue].required_skills, wi.required_skills)
                if all(skills.get(k, 0) >= n for k, n in other.items()):
                    return True
            if s.any_agent_with_skill is not None and skills.get(s.any_agent_with_skill, 0) >= LOWEST_LEVEL:
                return True
        return False

    # ---- applying what happened ----------------------------------------------------------------

    def apply_event(self, event: Event) -> None:
        self.now = max(self.now, event.at)
        match event:
            case AgentLoggedIn(agent=state):
                self._set_agent(state)
                self._presence_followups(state.id)
            case AgentPresenceChanged(agent=aid, presence=presence) if aid in self.agents:
                agent = self.agents[aid]
                if agent.presence not in ROUTABLE and presence in ROUTABLE:
                    agent.misses = 0
                agent.presence = presence
                self._presence_followups(aid)
            case AgentSkillsChanged(agent=aid, skills=skills, capacity=capacity) if aid in self.agents:
                if skills is not None:
                    self.agents[aid].skills = dict(skills)
                if capacity is not None:
                    self.agents[aid].capacity = dict(capacity)
            case AgentLoadChanged(agent=aid, load=load) if aid in self.agents:
                self.agents[aid].load = {c: n for c, n in load.items() if n}
            case InteractionQueued(interaction=wi) if wi.id not in self.items:
                self._queue(wi)
            case InteractionRemoved(interaction=iid) if iid in self.items:
                item = self.items.pop(iid)
                if item.offered_to is not None:
                    self.agents[item.offered_to].reserved[item.wi.channel] -= 1
                    self.removed.add(iid)
            case OfferAccepted(interaction=iid, agent=aid) if self._offered(iid, aid):
                item = self.items.pop(iid)
                agent = self.agents[aid]
                agent.reserved[item.wi.channel] -= 1
                agent.load[item.wi.channel] = agent.load.get(item.wi.channel, 0) + 1
                agent.misses = 0
            case OfferRejected(interaction=iid, agent=aid) | OfferTimedOut(interaction=iid, agent=aid):
                if self._offered(iid, aid):
                    self._release(iid, exclude=True)
                    if isinstance(event, OfferTimedOut) or self.rules.rejects_count_as_misses:
                        self.agents[aid].misses += 1
            case Tick() | _:
                pass

    def _presence_followups(self, aid: int) -> None:
        if self.agents[aid].presence not in ROUTABLE:
            for item in self.items.values():
                if item.wi.preferred_agent == aid:
                    item.sticky_until = 0.0

    def _offered(self, iid: int, aid: int) -> bool:
        return iid in self.items and self.items[iid].offered_to == aid

    def _release(self, iid: int, *, exclude: bool) -> None:
        item = self.items[iid]
        aid = item.offered_to
        assert aid is not None
        self.agents[aid].reserved[item.wi.channel] -= 1
        item.offered_to = None
        if exclude:
            item.excluded.add(aid)
            if aid == item.wi.preferred_agent:
                item.sticky_until = 0.0

    def apply_decision(self, d: Decision) -> None:
        """Check one decision against the model, then apply it."""
        match d:
            case Offer(interaction=iid, agent=aid, channel=ch):
                assert iid in self.items, f"offer for unknown interaction {iid}"
                item = self.items[iid]
                assert item.offered_to is None, f"interaction {iid} offered twice"
                assert item.wi.channel == ch
                assert self.agent_free(aid, ch), f"agent {aid} not free on {ch}: {self.agents[aid]}"
                assert self.eligible(aid, iid), f"agent {aid} not eligible for {iid}"
                self.agents[aid].reserved[ch] = self.agents[aid].reserved.get(ch, 0) + 1
                item.offered_to, item.offered_at = aid, d.at
            case OfferExpired(interaction=iid, agent=aid):
                assert self._offered(iid, aid)
                item = self.items[iid]
                assert item.offered_at + self.policies[item.wi.queue].offer_timeout <= self.now
                self._release(iid, exclude=True)
                self.agents[aid].misses += 1
            case OfferWithdrawn(interaction=iid, agent=aid):
                if iid in self.removed:
                    self.removed.discard(iid)
                    return
                assert self._offered(iid, aid)
                agent = self.agents[aid]
                assert agent.presence not in ROUTABLE, "withdrawn from a routable agent"
                self._release(iid, exclude=False)
                if agent.presence not in ROUTABLE and aid == self.items[iid].wi.preferred_agent:
                    self.items[iid].sticky_until = 0.0
            case SetAgentAway(agent=aid):
                assert self.agents[aid].misses >= self.rules.misses_before_away > 0
                self.agents[aid].presence = Presence.AWAY
                self._presence_followups(aid)

    # ---- invariants after a whole `handle` --------------------------------------------------------

    def check_settled(self) -> None:
        assert not self.removed, "removed interaction's offer was not withdrawn"
        for iid, item in self.items.items():
            if item.offered_to is not None:
                agent = self.agents[item.offered_to]
                assert agent.presence in ROUTABLE, f"offer {iid} left with unavailable agent"
                deadline = item.offered_at + self.policies[item.wi.queue].offer_timeout
                assert deadline > self.now, f"offer {iid} outlived its timeout"
                continue
            for aid in self.agents:
                free = self.agent_free(aid, item.wi.channel)
                assert not (free and self.eligible(aid, iid)), f"{iid} waits while agent {aid} is free"
        for agent in self.agents.values():
            limit = self.rules.misses_before_away
            assert not (limit and agent.presence in ROUTABLE and agent.misses >= limit)
            assert all(n >= 0 for n in agent.reserved.values())
