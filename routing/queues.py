"""The queues' side of routing: what each queue requires at each escalation step, and the record
an arriving interaction is routed by.

Interactions of one queue at one step (with the same skills of their own) share one `InForce`,
so an arrival finds its requirements, its waiting group and its pool counts through the record.
"""

from __future__ import annotations

from routing.in_force import InForce
from routing.policy import (
    QueuePolicy,
    Requirement,
    alternatives,
    as_requirement,
    describe,
    step_at,
)
from routing.snapshot import WaitingInteraction
from routing.vocabulary import (
    CHANNEL_INDEX,
    CHANNELS,
    ROUTABLE_PRESENCE,
    Presence,
    QueueId,
    RoutingError,
)
from routing.waiting import WaitingRecord


class Queues:
    """The policies by queue, and what is in force for their interactions at each step."""

    def __init__(self, policies: dict[QueueId, QueuePolicy]) -> None:
        self.policies = policies
        self._alternatives = {
            q: [alternatives(policies, q, {}, s) for s in range(len(p.escalation) + 1)]
            for q, p in policies.items()
        }
        # An interaction's own skills only add to a requirement: one can be empty only if some
        # queue's alternatives at some step include the empty one.
        self.any_agent = any(() in alts for steps in self._alternatives.values() for alts in steps)
        self.reset(0.0)

    def reset(self, origin: float) -> None:
        """Forget what was in force (it caches groups and counters of indexes the engine dropped);
        times are kept relative to `origin`."""
        self.origin = origin
        self._in_force = {q: [InForce(alts) for alts in steps] for q, steps in self._alternatives.items()}
        self._own_in_force: dict[tuple[QueueId, Requirement, int], InForce] = {}

    def new_record(
        self, item: WaitingInteraction, now: float, preferred_presence: Presence | None
    ) -> WaitingRecord:
        """The record `item` is routed by, at the escalation step in force `now`.

        `preferred_presence` is that of the interaction's preferred agent, if the engine knows it:
        a sticky window (or a transfer's reservation) opens only while that agent can take work
        (available or busy), so a returning customer never waits for an agent who is away or gone.
        """
        policy = self.policies.get(item.queue)
        if policy is None:
            raise RoutingError(f"interaction {item.id}: unknown queue {item.queue}")
        ch = CHANNEL_INDEX.get(item.channel)
        if ch is None:
            raise RoutingError(f"interaction {item.id}: unknown channel {item.channel!r}")
        own_skills = as_requirement(item.required_skills)
        step = step_at(policy, now - item.enqueued_at)
        rec = WaitingRecord(
            id=item.id,
            channel=CHANNELS[ch],
            ch=ch,
            queue=item.queue,
            policy=policy,
            enqueued_at=item.enqueued_at,
            enq_rel=item.enqueued_at - self.origin,
            base=item.priority + policy.priority + policy.class_boost.get(item.customer_class, 0.0),
            own_skills=own_skills,
            customer_class=item.customer_class,
            preferred=item.preferred_agent,
            excluded=frozenset(item.excluded_agents),
            step=step,
            in_force=self._in_force_for(item.queue, own_skills, step),
            queued_at=now,
        )
        can_reserve = (
            preferred_presence is not None
            and preferred_presence in ROUTABLE_PRESENCE
            and item.preferred_agent not in rec.excluded
        )
        if item.reserved_until is not None:  # a transfer to one agent: its own window, or none
            rec.reserved_until = item.reserved_until
            if can_reserve:
                rec.sticky_until = rec.sticky_at_queue = item.reserved_until
        elif policy.sticky_seconds > 0 and can_reserve:
            rec.sticky_until = rec.sticky_at_queue = item.enqueued_at + policy.sticky_seconds
        return rec

    def set_step(self, rec: WaitingRecord, now: float) -> str | None:
        """Bring `rec` to the escalation step in force `now`; if that widened who may take it,
        say how (for the log)."""
        escalation = rec.policy.escalation
        if not escalation or now < rec.enqueued_at + escalation[0].after_seconds:
            return None  # no step is due yet
        step = step_at(rec.policy, now - rec.enqueued_at)
        if step == rec.step:
            return None
        rec.step, rec.in_force = step, self._in_force_for(rec.queue, rec.own_skills, step)
        return f"escalation step {step} now accepts {' or '.join(describe(r) for r in rec.alts)}"

    def _in_force_for(self, queue: QueueId, own_skills: Requirement, step: int) -> InForce:
        if not own_skills:  # the common case: the queue's own alternatives
            return self._in_force[queue][step]
        key = (queue, own_skills, step)
        found = self._own_in_force.get(key)
        if found is None:
            found = InForce(alternatives(self.policies, queue, dict(own_skills), step))
            self._own_in_force[key] = found
        return found
