"""The supervisor's agents view: each agent of a team live, with their day so far.

One entry point, `agents_live`, read by `/console/agents` (first render and every refresh) and
`GET /api/v1/console/agents`. Per agent: state and since when (an available agent handling
something is busy, as on the dashboard: docs/metrics.md), the interactions they handle now
(channel, state, since when), handled today, occupancy today (`agent_day.py`) and adherence to
today's published schedules (`agent_adherence.py`). "Today" starts at midnight in the reader's
time zone. Every read is bounded by the team and the day (indexed), not by what is stored.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime, time
from typing import Any

from sqlmodel import col, select

from contact_center.domain.agents import Agent
from contact_center.domain.enums import Presence, Role
from contact_center.domain.interactions import Interaction
from contact_center.domain.queues import Queue
from contact_center.i18n.formatting import zone
from contact_center.planning.adherence import presence_records
from contact_center.queries.agent_adherence import adherence_today
from contact_center.queries.agent_day import HANDLING, agent_days
from contact_center.services.policy import Scope
from contact_center.storage.uow import UnitOfWork

#: Roles that take work, and so are listed.
WORKERS = (Role.AGENT.value, Role.SUPERVISOR.value)


@dataclass(frozen=True, slots=True)
class LiveInteraction:
    id: int
    channel: str
    state: str
    queue: str | None
    #: When the agent's handling of it began (answered), ISO 8601.
    since: str


@dataclass(frozen=True, slots=True)
class AgentLive:
    agent_id: int
    name: str
    username: str
    team: str | None
    #: As docs/metrics.md counts agents by state: available but handling is busy.
    state: str
    #: What the agent (or their supervisor) said when going away.
    reason: str
    state_since: str
    interactions: tuple[LiveInteraction, ...]
    handled_today: int
    occupancy_today: float | None
    adherence_today: float | None


@dataclass(frozen=True, slots=True)
class AgentsLive:
    at: str
    day_start: str
    agents: tuple[AgentLive, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def day_start(now: datetime, timezone: str | None) -> datetime:
    """Midnight of `now`'s day in the zone (UTC when none or unknown)."""
    tz = zone(timezone)
    return datetime.combine(now.astimezone(tz).date(), time(), tzinfo=tz)


async def agents_live(uow: UnitOfWork, scope: Scope, *, timezone: str | None = None) -> AgentsLive:
    """The agents `scope` reaches (everyone, or a team), as the agents view shows them."""
    async with uow:
        now = uow.now()
        start = day_start(now, timezone)
        agents = await _agents(uow, scope)
        ids = [a.id or 0 for a in agents]
        current = await _current(uow, ids)
        live = {i.id for work in current.values() for i in work}
        presence = await presence_records(uow, ids, start, now)
        days = await agent_days(uow, ids, (start, now), live, presence)
        adherence = await adherence_today(uow, ids, (start, now), presence)
        out = []
        for agent in agents:
            agent_id = agent.id or 0
            state = Presence(agent.presence).value
            if state == Presence.AVAILABLE.value and current[agent_id]:
                state = Presence.BUSY.value
            day = days[agent_id]
            out.append(
                AgentLive(
                    agent_id,
                    agent.display_name or agent.username,
                    agent.username,
                    agent.team,
                    state,
                    agent.presence_reason,
                    agent.presence_changed_at.isoformat(),
                    tuple(current[agent_id]),
                    day.handled,
                    day.occupancy,
                    adherence.get(agent_id),
                )
            )
        return AgentsLive(now.isoformat(), start.isoformat(), tuple(out))


async def _agents(uow: UnitOfWork, scope: Scope) -> list[Agent]:
    stmt = select(Agent).where(col(Agent.is_active), col(Agent.role).in_(WORKERS))
    if scope.nothing:
        return []
    if not scope.everything:
        if scope.team is not None:
            stmt = stmt.where(col(Agent.team) == scope.team)
        else:
            stmt = stmt.where(col(Agent.id) == scope.agent_id)
    order = [col(Agent.display_name), col(Agent.username)]
    return list((await uow.session.exec(stmt.order_by(*order))).all())


async def _current(uow: UnitOfWork, agent_ids: list[int]) -> dict[int, list[LiveInteraction]]:
    """What each agent handles now. Read by state alone (its index holds only the live few):
    asked by agent too, a planner with statistics would walk each agent's whole history."""
    found: dict[int, list[LiveInteraction]] = defaultdict(list)
    wanted = set(agent_ids)
    if not wanted:
        return found
    stmt = (
        select(Interaction, Queue.name)
        .outerjoin(Queue, col(Queue.id) == col(Interaction.queue_id))
        .where(col(Interaction.state).in_(sorted(HANDLING)))
        .order_by(col(Interaction.id))
    )
    for interaction, queue in (await uow.session.exec(stmt)).all():
        if interaction.agent_id not in wanted:
            continue
        since = interaction.answered_at or interaction.state_changed_at
        found[interaction.agent_id].append(
            LiveInteraction(
                interaction.id or 0,
                str(interaction.channel),
                str(interaction.state),
                queue,
                since.isoformat(),
            )
        )
    return found
