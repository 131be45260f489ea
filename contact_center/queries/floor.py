"""The floor's agents by state, read once and counted per view: overall (a team's) and per queue.

Per docs/metrics.md an available agent handling at least one interaction counts as busy. The
console reads this for every push (bench/console_fanout.py): one statement for who is handling
work and one for the active agents' few columns, never whole agents with everything they hold.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from contact_center.domain.agents import Agent
from contact_center.domain.enums import Role
from contact_center.domain.queues import Queue
from contact_center.storage.uow import UnitOfWork

STATES = ("available", "busy", "wrap_up", "away", "offline")
#: The roles that take work: an admin or a planner never counts in a queue's agents.
TAKES_WORK = frozenset({Role.AGENT.value, Role.SUPERVISOR.value})


def _text(value: Any) -> str:
    """An enum column's value, whether the driver hands back the member or its string."""
    return str(getattr(value, "value", value))


@dataclass(frozen=True, slots=True)
class FloorAgent:
    id: int
    state: str  # per docs/metrics.md: "busy" for an available agent handling work
    role: str
    team: str | None
    skills: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Floor:
    agents: tuple[FloorAgent, ...]

    def by_state(self, team: str | None = None) -> dict[str, int]:
        """Every active agent (of `team`) by state."""
        counts = Counter(a.state for a in self.agents if team is None or a.team == team)
        return {state: counts.get(state, 0) for state in STATES}

    def by_queue(self, queues: Sequence[Queue]) -> dict[int, dict[str, int]]:
        """Agents by state among the active agents and supervisors who hold every skill a queue
        requires at its level; one agent may count in several queues."""
        workers = [a for a in self.agents if a.role in TAKES_WORK]
        out: dict[int, dict[str, int]] = {}
        for queue in queues:
            counts = dict.fromkeys(STATES, 0)
            for agent in workers:
                if all(
                    agent.skills.get(skill, -1) >= level for skill, level in queue.required_skills.items()
                ):
                    counts[agent.state] += 1
            out[queue.id or 0] = counts
        return out


async def active_agents(uow: UnitOfWork) -> list[tuple[int, str, str, str | None, dict[str, int]]]:
    """(id, presence, role, team, skills) of every active agent: the few columns the floor needs."""
    stmt = select(
        col(Agent.id), col(Agent.presence), col(Agent.role), col(Agent.team), col(Agent.skills)
    ).where(col(Agent.is_active).is_(True))
    rows = (await (await uow.connection()).execute(stmt)).all()
    return [
        (aid or 0, _text(presence), _text(role), team, skills or {})
        for aid, presence, role, team, skills in rows
    ]


async def floor(uow: UnitOfWork) -> Floor:
    """The active agents with their state now (call inside an open unit of work)."""
    handling = {agent_id for agent_id, _channel in await uow.interactions.handling()}
    agents = []
    for agent_id, state, role, team, skills in await active_agents(uow):
        busy = state == "available" and agent_id in handling
        agents.append(FloorAgent(agent_id, "busy" if busy else state, role, team, skills))
    return Floor(tuple(agents))
