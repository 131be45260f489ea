"""Waiting interactions and the indexes a freed agent searches.

Interactions that anyone meeting the same requirements may take share a group: same channel,
same aging rate, same alternatives in force (`routing.groups`: best first by a key that does
not change with time, so aging never forces a re-sort). Groups are indexed by (channel, one
skill of each alternative), and each agent caches the groups it meets (`MetCache`). The
few interactions that are special for some agents live outside groups: those in a sticky window
(listed under their preferred agent) and those that some agent already rejected (`special`).
See docs/routing.md, "Indexes".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from routing.availability import ANY_SKILL, PoolCounts
from routing.decisions import OfferReason
from routing.groups import Group, GroupKey
from routing.in_force import InForce
from routing.policy import QueuePolicy, Requirement, meets
from routing.snapshot import PendingOffer, WaitingInteraction
from routing.vocabulary import (
    CHANNELS,
    N_CHANNELS,
    AgentId,
    Channel,
    CustomerClass,
    InteractionId,
    QueueId,
    Skill,
)

if TYPE_CHECKING:
    from routing.agent_record import AgentRecord

Payload = OfferReason | tuple[PoolCounts, ...] | str | float | None
"""What a decision-log entry holds, worded only when read (`routing.explain`). The "queued" and
"accepted" entries are not stored: they are made from the record (None and the wait as a float)."""
RawEntry = tuple[float, str, AgentId | None, Payload]

Met = tuple["Group", Requirement]
_COMPACT_SLACK: Final = 64


class WaitingRecord:
    """The engine's mutable view of one interaction, from queued until accepted or removed.

    Records are compared by identity: the indexes key dicts by the record itself.
    """

    __slots__ = (
        "base",
        "ch",
        "channel",
        "customer_class",
        "ended_at",
        "enq_rel",
        "enqueued_at",
        "excluded",
        "group",
        "id",
        "in_force",
        "k",
        "log",
        "offered_agent",
        "offered_at",
        "own_skills",
        "policy",
        "preferred",
        "queue",
        "queued_at",
        "rate",
        "reserved_until",
        "state",
        "step",
        "sticky_at_queue",
        "sticky_until",
        "token",
    )

    def __init__(
        self,
        *,
        id: InteractionId,
        channel: Channel,
        ch: int,
        queue: QueueId,
        policy: QueuePolicy,
        enqueued_at: float,
        enq_rel: float,
        base: float,
        own_skills: Requirement,
        customer_class: CustomerClass,
        preferred: AgentId | None,
        excluded: frozenset[AgentId],
        step: int,
        in_force: InForce,
        queued_at: float,
    ) -> None:
        self.id = id
        self.channel = channel
        self.ch = ch  # the channel's position in `CHANNELS`
        self.queue = queue
        self.policy = policy
        self.enqueued_at = enqueued_at
        self.enq_rel = enq_rel  # `enqueued_at` from the engine's origin
        self.base = base  # priority with the queue's and the customer class's points
        self.rate = policy.aging_per_second
        self.k = self.rate * enq_rel - base  # the order key in its group: fixed in time
        self.own_skills = own_skills  # the skills it asks itself, on top of its queue's
        self.customer_class = customer_class
        self.preferred = preferred
        self.excluded = excluded
        self.step = step  # the escalation step in force
        self.in_force = in_force
        self.queued_at = queued_at  # when the engine took it in: the log's "queued" entry
        self.sticky_until = 0.0
        self.sticky_at_queue = 0.0  # the sticky window as it was when queued, for the log
        self.reserved_until = 0.0  # a transfer to `preferred`: its window, instead of the queue's
        self.offered_agent: AgentRecord | None = None  # the agent offered it, until answered
        self.offered_at = 0.0
        self.group: Group | None = None
        self.token = 0  # bumped whenever its index entries and timers go stale
        # The decision log between "queued" and how it ended, both worded from the fields when read.
        self.log: list[RawEntry] = []
        self.state = "waiting"  # how it ended, once finished
        self.ended_at = 0.0

    @property
    def alts(self) -> tuple[Requirement, ...]:
        """The requirements in force; an agent meeting any one of them may take it."""
        return self.in_force.reqs

    @property
    def offered_to(self) -> AgentId | None:
        agent = self.offered_agent
        return None if agent is None else agent.id

    def snapshot(self) -> WaitingInteraction:
        """The interaction as `RoutingEngine.load` takes it back."""
        own = self.base - self.policy.priority - self.policy.class_boost.get(self.customer_class, 0.0)
        return WaitingInteraction(
            id=self.id,
            channel=self.channel,
            queue=self.queue,
            enqueued_at=self.enqueued_at,
            priority=own,
            required_skills=dict(self.own_skills),
            customer_class=self.customer_class,
            preferred_agent=self.preferred,
            excluded_agents=frozenset(self.excluded),
            reserved_until=self.reserved_until or None,
        )

    def pending_offer(self) -> PendingOffer:
        """Its offer as `RoutingEngine.load` takes it back; only while it is offered."""
        assert self.offered_agent is not None
        return PendingOffer(interaction=self.id, agent=self.offered_agent.id, offered_at=self.offered_at)

    def is_sticky(self, now: float) -> bool:
        return self.preferred is not None and now < self.sticky_until

    def priority_at(self, now_rel: float) -> float:
        return self.rate * now_rel - self.k

    def matching(self, skills: dict[Skill, int]) -> Requirement | None:
        at = self.matching_at(skills)
        return None if at is None else self.alts[at]

    def matching_at(self, skills: dict[Skill, int]) -> int | None:
        """The position in `alts` of the first requirement these skills meet."""
        for at, req in enumerate(self.alts):
            if meets(skills, req):
                return at
        return None


class MetCache:
    """One agent's groups met per channel (`WaitingIndex.groups_met`), valid while no group was
    created or dropped (`version`) and the agent keeps the same skills dict."""

    __slots__ = ("lists", "skills", "version")

    def __init__(self) -> None:
        self.version = -1
        self.skills: dict[Skill, int] = {}
        self.lists: list[list[Met] | None] = []


class WaitingIndex:
    """Every live interaction, and where each waiting one can be found by a freed agent."""

    def __init__(self) -> None:
        self.items: dict[InteractionId, WaitingRecord] = {}
        self.groups: dict[GroupKey, Group] = {}
        self.by_skill: list[dict[Skill, dict[GroupKey, Group]]] = [{} for _ in CHANNELS]
        self.sticky: dict[AgentId, dict[InteractionId, WaitingRecord]] = {}
        self.special: dict[InteractionId, WaitingRecord] = {}
        self.version = 0  # changes when a group is created or dropped (see MetCache)
        self._empty = 0  # groups kept while empty (see unplace)

    def place(self, rec: WaitingRecord, now: float) -> None:
        """File a waiting, not offered interaction where freed agents will look for it."""
        rec.token += 1
        if rec.preferred is not None and rec.sticky_until > now:
            self.sticky.setdefault(rec.preferred, {})[rec.id] = rec
        elif rec.excluded:
            self.special[rec.id] = rec
        else:
            group = self._group_for(rec)
            if group.size == 0:
                self._empty -= 1  # an empty group kept for reuse is in use again
            rec.group = group
            group.add(rec)

    def _group_for(self, rec: WaitingRecord) -> Group:
        """The group `rec` belongs in, created if need be. Its `InForce` keeps the group per
        channel: hashing the nested requirements on every placement costs more than the rest."""
        groups = rec.in_force.groups
        known = groups[rec.ch]
        if known is not None and not known.dropped:
            return known
        key = (rec.ch, rec.rate, rec.alts)
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = Group(key)
            self.version += 1
            self._empty += 1  # counted as empty until its first entry (see place)
            by_skill = self.by_skill[rec.ch]
            for req in rec.alts:
                by_skill.setdefault(req[0][0] if req else ANY_SKILL, {})[key] = group
        groups[rec.ch] = group
        return group

    def unplace(self, rec: WaitingRecord) -> None:
        group = rec.group
        if group is not None:
            rec.group = None
            group.remove(rec)
            if group.size == 0:
                # Kept while empty: dropping it would void every agent's cached list of groups.
                self._empty += 1
                if self._empty > len(self.groups) // 2 + _COMPACT_SLACK:
                    self._drop_empty()
        elif rec.preferred is not None and rec.id in self.sticky.get(rec.preferred, ()):
            listed = self.sticky[rec.preferred]
            del listed[rec.id]
            if not listed:
                del self.sticky[rec.preferred]
        else:
            self.special.pop(rec.id, None)

    def _drop_empty(self) -> None:
        """Forget the empty groups in one sweep (one change of `version` for all of them)."""
        self.version += 1
        self._empty = 0
        for group in [g for g in self.groups.values() if g.size == 0]:
            group.dropped = True
            del self.groups[group.key]
            by_skill = self.by_skill[group.ch]
            for req in group.alts:
                skill = req[0][0] if req else ANY_SKILL
                listed = by_skill.get(skill)
                if listed is not None:
                    listed.pop(group.key, None)
                    if not listed:
                        del by_skill[skill]

    def groups_for(self, c: int, skills: dict[Skill, int]) -> list[Group]:
        """Groups on channel `c` that an agent with these skills might meet (each listed once)."""
        by_skill = self.by_skill[c]
        if not by_skill:
            return []
        found: dict[GroupKey, Group] = {}
        listed = by_skill.get(ANY_SKILL)
        if listed:
            found.update(listed)
        for skill in skills:
            listed = by_skill.get(skill)
            if listed:
                found.update(listed)
        return list(found.values())

    def groups_met(self, cache: MetCache, skills: dict[Skill, int], c: int) -> list[Met]:
        """The groups on channel `c` an agent with these skills meets, each with the requirement
        met; kept in the agent's `cache` until a group is created or dropped or its skills change."""
        if cache.version != self.version or cache.skills is not skills:
            cache.version, cache.skills, cache.lists = self.version, skills, [None] * N_CHANNELS
        found = cache.lists[c]
        if found is None:
            found = cache.lists[c] = []
            for group in self.groups_for(c, skills):
                for req in group.alts:
                    if meets(skills, req):
                        found.append((group, req))
                        break
        return found
