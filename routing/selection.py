"""Matching: the best agent for one interaction, and the best interaction for one agent.

Both searches look only at indexed candidates: free agents having the requirement's rarest skill,
or the groups a freed agent's skills can meet. Ties are broken by explicit keys (idle line
position, enqueue time, id), never by set order, so replays give the same answers.
"""

from __future__ import annotations

from typing import Final

from routing.agent_record import AgentRecord, FreeSet
from routing.agents import AgentIndex
from routing.availability import ANY_SKILL, FREE
from routing.policy import Requirement, meets
from routing.vocabulary import N_CHANNELS, AgentChoice
from routing.waiting import WaitingIndex, WaitingRecord

_NO_LEVELS: Final[list[FreeSet]] = []  # never filled


class AgentPick:
    """The agent chosen for an interaction, which met the requirement `rec.alts[matched_at]`.
    `chosen_by` is empty for the longest idle agent: the offer's reason words it from
    `idle_since` only when read."""

    __slots__ = ("agent", "chosen_by", "considered", "idle_since", "matched_at")

    def __init__(
        self,
        *,
        agent: AgentRecord,
        matched_at: int,
        considered: int,
        chosen_by: str,
        idle_since: float | None = None,
    ) -> None:
        self.agent = agent
        self.matched_at = matched_at
        self.considered = considered
        self.chosen_by = chosen_by
        self.idle_since = idle_since


class InteractionPick:
    """The interaction chosen for a freed agent, which meets `matched` of its requirements."""

    __slots__ = ("considered", "interaction", "matched")

    def __init__(self, *, interaction: WaitingRecord, matched: Requirement, considered: int) -> None:
        self.interaction = interaction
        self.matched = matched
        self.considered = considered


def find_agent(agents: AgentIndex, rec: WaitingRecord, sticky: bool) -> AgentPick | None:
    """The agent `rec`'s queue would choose now, or None if no free agent is eligible.

    Reads the free sets: the caller flushes the agent index first."""
    ch = rec.ch
    if sticky:
        assert rec.preferred is not None
        agent = agents.agents.get(rec.preferred)
        if agent is None or agent.status[ch] != FREE or agent.id in rec.excluded:
            return None
        at = rec.matching_at(agent.skills)
        if at is None:
            return None
        how = "transferred to this agent" if rec.reserved_until else "sticky to the customer's agent"
        return AgentPick(agent=agent, matched_at=at, considered=1, chosen_by=how)
    choice = rec.policy.agent_choice
    if choice == AgentChoice.LONGEST_IDLE:
        return _longest_idle(agents, rec, ch)
    return _best_by_score(agents, rec, ch, choice)


def _candidates(agents: AgentIndex, ch: int, req: Requirement) -> tuple[list[FreeSet], int]:
    """The free sets to search for `req`: those of its rarest skill, per level, and the level to
    start from (the one asked). Returns the lists, not a filtered copy: this runs for every
    interaction that arrives, and most of them find every set empty."""
    by_skill = agents.free[ch]
    if not req:
        return by_skill[ANY_SKILL], 0
    best: list[FreeSet] = _NO_LEVELS
    best_level = 0
    best_size = -1
    for skill, level in req:
        levels = by_skill.get(skill)
        if levels is None:
            return _NO_LEVELS, 0
        if len(req) == 1:
            return levels, level
        size = 0
        for i in range(level, len(levels)):
            size += len(levels[i])
        if best_size < 0 or size < best_size:
            best, best_level, best_size = levels, level, size
    return best, best_level


def _longest_idle(agents: AgentIndex, rec: WaitingRecord, ch: int) -> AgentPick | None:
    # Each free set is in idle order, so its first agent meeting the requirement is its best;
    # the longest idle overall is the best of those firsts.
    excluded = rec.excluded
    best: AgentRecord | None = None
    best_at = 0
    considered = 0
    for at, req in enumerate(rec.alts):
        levels, start = _candidates(agents, ch, req)
        for pool in levels[start:]:
            for agent in pool:
                considered += 1
                if (excluded and agent.id in excluded) or not meets(agent.skills, req):
                    continue
                if best is None or agent.idle_seq < best.idle_seq:
                    best, best_at = agent, at
                break
    if best is None:
        return None
    return AgentPick(
        agent=best, matched_at=best_at, considered=considered, chosen_by="", idle_since=best.idle_since
    )


def _best_by_score(agents: AgentIndex, rec: WaitingRecord, ch: int, choice: AgentChoice) -> AgentPick | None:
    best: tuple[tuple[float, ...], AgentRecord, int] | None = None
    considered = 0
    for at, req in enumerate(rec.alts):
        levels, start = _candidates(agents, ch, req)
        for agent in (agent for pool in levels[start:] for agent in pool):
            if agent.id in rec.excluded or not meets(agent.skills, req):
                continue
            considered += 1
            if choice == AgentChoice.LEAST_OCCUPIED:
                key: tuple[float, ...] = (
                    agent.active[ch] / agent.capacity[ch],
                    float(sum(agent.active)),
                    float(agent.idle_seq),
                )
            else:
                key = (-float(sum(agent.skills[s] for s, _ in req)), float(agent.idle_seq))
            if best is None or key < best[0]:
                best = (key, agent, at)
    if best is None:
        return None
    key, agent, at = best
    if choice == AgentChoice.LEAST_OCCUPIED:
        how = f"least occupied, {agent.active[ch]}/{agent.capacity[ch]} on {rec.channel}"
    else:
        how = f"best skill, level sum {-int(key[0])}"
    return AgentPick(agent=agent, matched_at=at, considered=considered, chosen_by=how)


def best_interaction(waiting: WaitingIndex, agent: AgentRecord, now_rel: float) -> InteractionPick | None:
    """The waiting interaction a freed agent should get: highest effective priority, then oldest."""
    best: WaitingRecord | None = None
    best_req: Requirement = ()
    best_p = 0.0
    considered = 0
    status = agent.status
    for ch in range(N_CHANNELS):
        if status[ch] != FREE:
            continue
        for group, req in waiting.groups_met(agent.met, agent.skills, ch):
            if not group.size:
                continue
            considered += 1
            rec = group.head
            assert rec is not None  # a group with live interactions has its head at hand
            p = group.rate * now_rel - rec.k
            if best is None or p > best_p or (p == best_p and _older(rec, best)):
                best, best_req, best_p = rec, req, p
    if waiting.special or (waiting.sticky and agent.id in waiting.sticky):
        extra = list(waiting.sticky.get(agent.id, {}).values())
        extra.extend(waiting.special.values())
        for rec in extra:
            if status[rec.ch] != FREE or agent.id in rec.excluded:
                continue
            met = rec.matching(agent.skills)
            if met is None:
                continue
            considered += 1
            p = rec.priority_at(now_rel)
            if best is None or p > best_p or (p == best_p and _older(rec, best)):
                best, best_req, best_p = rec, met, p
    if best is None:
        return None
    return InteractionPick(interaction=best, matched=best_req, considered=considered)


def _older(rec: WaitingRecord, than: WaitingRecord) -> bool:
    return rec.enq_rel < than.enq_rel or (rec.enq_rel == than.enq_rel and rec.id < than.id)
