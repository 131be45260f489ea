"""Matching: the best agent for one interaction, and the best interaction for one agent.

Both searches look only at indexed candidates: free agents having the requirement's rarest skill,
or the groups a freed agent's skills can meet. Ties are broken by explicit keys (idle line
position, enqueue time, id), never by set order, so replays give the same answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from routing.agents import AgentIndex, AgentRecord
from routing.availability import ANY_SKILL, FREE
from routing.policy import Requirement, meets
from routing.vocabulary import AgentChoice, AgentId, Channel
from routing.waiting import WaitingIndex, WaitingRecord


@dataclass(slots=True)
class AgentPick:
    agent: AgentRecord
    matched: Requirement
    considered: int
    chosen_by: str


@dataclass(slots=True)
class InteractionPick:
    interaction: WaitingRecord
    matched: Requirement
    considered: int


def find_agent(agents: AgentIndex, rec: WaitingRecord, sticky: bool) -> AgentPick | None:
    """The agent `rec`'s queue would choose now, or None if no free agent is eligible."""
    ch = rec.channel
    if sticky:
        assert rec.preferred is not None
        agent = agents.agents.get(rec.preferred)
        if agent is None or agent.status[ch] != FREE or agent.id in rec.excluded:
            return None
        req = rec.matching(agent.skills)
        return None if req is None else AgentPick(agent, req, 1, "sticky to the customer's agent")
    choice = rec.policy.agent_choice
    if choice == AgentChoice.LONGEST_IDLE:
        return _longest_idle(agents, rec, ch)
    return _best_by_score(agents, rec, ch, choice)


def _pool(agents: AgentIndex, ch: Channel, req: Requirement) -> dict[AgentId, None]:
    by_skill = agents.free[ch]
    if not req:
        return by_skill[ANY_SKILL]
    best: dict[AgentId, None] | None = None
    for skill, _ in req:
        pool = by_skill.get(skill, {})
        if best is None or len(pool) < len(best):
            best = pool
    assert best is not None
    return best


def _longest_idle(agents: AgentIndex, rec: WaitingRecord, ch: Channel) -> AgentPick | None:
    by_id = agents.agents
    excluded = rec.excluded
    best: AgentPick | None = None
    considered = 0
    for req in rec.alts:
        for aid in _pool(agents, ch, req):
            considered += 1
            agent = by_id[aid]
            if aid in excluded or not meets(agent.skills, req):
                continue
            if best is None or agent.idle_seq < best.agent.idle_seq:
                best = AgentPick(agent, req, 0, "")
            break
    if best is None:
        return None
    best.considered = considered
    best.chosen_by = f"longest idle, idle since {best.agent.idle_since:.1f}"
    return best


def _best_by_score(
    agents: AgentIndex, rec: WaitingRecord, ch: Channel, choice: AgentChoice
) -> AgentPick | None:
    by_id = agents.agents
    best: tuple[tuple[float, ...], AgentRecord, Requirement] | None = None
    considered = 0
    for req in rec.alts:
        for aid in _pool(agents, ch, req):
            agent = by_id[aid]
            if aid in rec.excluded or not meets(agent.skills, req):
                continue
            considered += 1
            if choice == AgentChoice.LEAST_OCCUPIED:
                key: tuple[float, ...] = (
                    agent.active.get(ch, 0) / agent.capacity[ch],
                    float(sum(agent.active.values())),
                    float(agent.idle_seq),
                )
            else:
                key = (-float(sum(agent.skills[s] for s, _ in req)), float(agent.idle_seq))
            if best is None or key < best[0]:
                best = (key, agent, req)
    if best is None:
        return None
    key, agent, req = best
    if choice == AgentChoice.LEAST_OCCUPIED:
        how = f"least occupied, {agent.active.get(ch, 0)}/{agent.capacity[ch]} on {ch}"
    else:
        how = f"best skill, level sum {-int(key[0])}"
    return AgentPick(agent, req, considered, how)


def best_interaction(
    waiting: WaitingIndex, agent: AgentRecord, channels: Iterable[Channel], now_rel: float
) -> InteractionPick | None:
    """The waiting interaction a freed agent should get: highest effective priority, then oldest."""
    best_key: tuple[float, float, int] | None = None
    best: InteractionPick | None = None
    considered = 0
    skills = agent.skills
    free = [ch for ch in channels if agent.status[ch] == FREE]
    if not free:
        return None
    for ch in free:
        for group in waiting.groups_for(ch, skills):
            req = _first_met(group.alts, skills)
            if req is None:
                continue
            considered += 1
            rec = waiting.head(group)
            key = (group.rate * now_rel - rec.k, -rec.enq_rel, -rec.id)
            if best_key is None or key > best_key:
                best_key, best = key, InteractionPick(rec, req, 0)
    extra = list(waiting.sticky.get(agent.id, {}).values())
    extra.extend(waiting.special.values())
    for rec in extra:
        if rec.channel not in free or agent.id in rec.excluded:
            continue
        req = rec.matching(skills)
        if req is None:
            continue
        considered += 1
        key = (rec.priority_at(now_rel), -rec.enq_rel, -rec.id)
        if best_key is None or key > best_key:
            best_key, best = key, InteractionPick(rec, req, 0)
    if best is not None:
        best.considered = considered
    return best


def _first_met(alts: tuple[Requirement, ...], skills: dict[str, int]) -> Requirement | None:
    for req in alts:
        if meets(skills, req):
            return req
    return None
