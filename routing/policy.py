"""Queue policies and engine-wide rules, and the pure arithmetic they imply.

A queue policy says who may take an interaction (required skills, escalation steps, a sticky
window), in which order interactions are served (priority, class boost, aging) and how one agent is
picked among several. Everything here is a frozen value plus small pure functions over it, so the
engine and `explain` compute requirements the same way. See docs/routing.md, "Policies".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from routing.vocabulary import (
    CHANNELS,
    MAX_LEVEL,
    MIN_LEVEL,
    AgentChoice,
    Channel,
    CustomerClass,
    QueueId,
    RoutingError,
    Skill,
)

Requirement = tuple[tuple[Skill, int], ...]
"""Skills with minimum levels, sorted by skill name; the empty tuple means "any agent"."""


def _default_boost() -> dict[CustomerClass, float]:
    return {CustomerClass.VIP: 10.0, CustomerClass.COMPLAINT: 5.0}


def _check_levels(skills: Mapping[Skill, int], what: str) -> None:
    for skill, level in skills.items():
        if not MIN_LEVEL <= level <= MAX_LEVEL:
            raise RoutingError(f"{what}: level {level} for {skill!r} is outside {MIN_LEVEL}..{MAX_LEVEL}")


@dataclass(frozen=True, slots=True)
class EscalationStep:
    """Once an interaction has waited `after_seconds`, widen who may take it.

    Steps are cumulative, like the targets of a Twilio TaskRouter workflow: at step 2 the effects of
    steps 1 and 2 both apply. `lower_levels_by` lowers every level of the queue's own requirement
    (never below 1); `overflow_queue` adds the agents who meet that queue's requirement;
    `any_agent_with_skill` adds every agent having that skill at any level.
    """

    after_seconds: float
    lower_levels_by: int = 0
    overflow_queue: QueueId | None = None
    any_agent_with_skill: Skill | None = None


@dataclass(frozen=True, slots=True)
class QueuePolicy:
    """How one queue routes. Priorities are points; aging adds `aging_per_second` points per second
    waited, so a low-priority interaction eventually overtakes fresher high-priority ones."""

    queue: QueueId
    required_skills: Mapping[Skill, int] = field(default_factory=dict)
    priority: float = 0.0
    class_boost: Mapping[CustomerClass, float] = field(default_factory=_default_boost)
    aging_per_second: float = 1.0 / 60.0
    escalation: tuple[EscalationStep, ...] = ()
    sticky_seconds: float = 0.0
    agent_choice: AgentChoice = AgentChoice.LONGEST_IDLE
    offer_timeout: float = 20.0

    def __post_init__(self) -> None:
        _check_levels(self.required_skills, f"queue {self.queue}")
        if self.offer_timeout <= 0:
            raise RoutingError(f"queue {self.queue}: offer_timeout must be positive")
        if self.aging_per_second < 0 or self.sticky_seconds < 0:
            raise RoutingError(f"queue {self.queue}: aging and sticky window cannot be negative")
        times = [step.after_seconds for step in self.escalation]
        if times != sorted(times) or any(t <= 0 for t in times):
            raise RoutingError(f"queue {self.queue}: escalation steps need increasing positive times")
        for step in self.escalation:
            if step.lower_levels_by < 0:
                raise RoutingError(f"queue {self.queue}: lower_levels_by cannot be negative")


@dataclass(frozen=True, slots=True)
class CrossChannelRule:
    """`blocks[a]` holds the channels an agent cannot be offered while busy on channel `a`.

    The default makes voice exclusive with everything: a call blocks chats, e-mails and texts, and
    any of those blocks a call. Same-channel concurrency is the agent's capacity, not this rule.
    """

    blocks: Mapping[Channel, frozenset[Channel]] = field(default_factory=lambda: voice_exclusive_blocks())

    def blocked_by(self, channel: Channel) -> frozenset[Channel]:
        """Channels whose activity forbids a new offer on `channel`."""
        return frozenset(a for a, blocked in self.blocks.items() if channel in blocked)


def voice_exclusive_blocks() -> dict[Channel, frozenset[Channel]]:
    others = frozenset(c for c in CHANNELS if c is not Channel.VOICE)
    blocks: dict[Channel, frozenset[Channel]] = {c: frozenset({Channel.VOICE}) for c in others}
    blocks[Channel.VOICE] = others
    return blocks


@dataclass(frozen=True, slots=True)
class RoutingRules:
    """Engine-wide rules. `misses_before_away` = 0 never sets anyone away."""

    cross_channel: CrossChannelRule = field(default_factory=CrossChannelRule)
    misses_before_away: int = 3
    rejects_count_as_misses: bool = True
    history_limit: int = 10_000
    """How many finished interactions `explain` still remembers."""


def merge(*parts: Mapping[Skill, int]) -> dict[Skill, int]:
    """Union of requirements, keeping the highest level asked for each skill."""
    merged: dict[Skill, int] = {}
    for part in parts:
        for skill, level in part.items():
            if level > merged.get(skill, 0):
                merged[skill] = level
    return merged


def as_requirement(skills: Mapping[Skill, int]) -> Requirement:
    return tuple(sorted(skills.items())) if skills else ()


def step_at(policy: QueuePolicy, waited: float) -> int:
    """How many escalation steps are in force after waiting `waited` seconds."""
    step = 0
    for candidate in policy.escalation:
        if waited < candidate.after_seconds:
            break
        step += 1
    return step


def next_step_time(policy: QueuePolicy, step: int, enqueued_at: float) -> float | None:
    if step < len(policy.escalation):
        return enqueued_at + policy.escalation[step].after_seconds
    return None


def alternatives(
    policies: Mapping[QueueId, QueuePolicy],
    queue: QueueId,
    own_skills: Mapping[Skill, int],
    step: int,
) -> tuple[Requirement, ...]:
    """The requirements in force at `step`; an agent meeting any one of them is eligible.

    The first is the queue's own requirement merged with the interaction's, lowered by the steps
    so far. Overflow and any-skill steps each add one more, in the order the steps were written.
    """
    policy = policies[queue]
    lowered = sum(s.lower_levels_by for s in policy.escalation[:step])
    primary = {
        skill: max(MIN_LEVEL, level - lowered)
        for skill, level in merge(policy.required_skills, own_skills).items()
    }
    result = [as_requirement(primary)]
    for s in policy.escalation[:step]:
        extras: list[Requirement] = []
        if s.overflow_queue is not None:
            if s.overflow_queue not in policies:
                raise RoutingError(f"queue {queue}: overflow to unknown queue {s.overflow_queue}")
            extras.append(as_requirement(merge(policies[s.overflow_queue].required_skills, own_skills)))
        if s.any_agent_with_skill is not None:
            extras.append(((s.any_agent_with_skill, MIN_LEVEL),))
        result.extend(extra for extra in extras if extra not in result)
    return tuple(_drop_implied(result))


def _drop_implied(reqs: list[Requirement]) -> list[Requirement]:
    """Drop a requirement that another, weaker one already admits, so indexes stay small."""
    kept: list[Requirement] = []
    for i, req in enumerate(reqs):
        if not any(
            j != i and _weaker(other, req) and (other != req or j < i) for j, other in enumerate(reqs)
        ):
            kept.append(req)
    return kept


def _weaker(a: Requirement, b: Requirement) -> bool:
    """True when every agent meeting `b` also meets `a`."""
    need = dict(b)
    return all(need.get(skill, 0) >= level for skill, level in a)


def meets(skills: dict[Skill, int], req: Requirement) -> bool:
    """Whether an agent with these skills meets requirement `req` (every skill at its level)."""
    for skill, level in req:  # noqa: SIM110 (a loop: this runs for every candidate agent)
        if skills.get(skill, 0) < level:
            return False
    return True


def describe(req: Requirement) -> str:
    return ", ".join(f"{skill}>={level}" for skill, level in req) if req else "any agent"
