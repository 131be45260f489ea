"""Who sees queues and agents, and who sets an agent's presence.

Planners plan everyone's time, so they see every queue and agent; a supervisor sees their team
(without a team, everything); an agent sees themselves and their team's queues.
"""

from __future__ import annotations

from contact_center.domain.enums import Role
from contact_center.domain.principal import Principal
from contact_center.services.policy.verdicts import EVERYTHING, Scope, reaches_team


def sees_queue(principal: Principal, queue_team: str | None) -> bool:
    if principal.role in (Role.ADMIN, Role.PLANNER):
        return True
    if principal.role in (Role.SUPERVISOR, Role.AGENT):
        return reaches_team(principal, queue_team)
    return False


def sees_agent(principal: Principal, agent_id: int, agent_team: str | None) -> bool:
    """Planners plan everyone's time; a supervisor their team; an agent themselves."""
    if agent_id == principal.agent_id or principal.role in (Role.ADMIN, Role.PLANNER):
        return True
    if principal.role is Role.SUPERVISOR:
        return reaches_team(principal, agent_team)
    return False


def agent_scope(principal: Principal) -> Scope:
    if principal.role in (Role.ADMIN, Role.PLANNER):
        return EVERYTHING
    if principal.role is Role.SUPERVISOR:
        return EVERYTHING if principal.team is None else Scope(team=principal.team)
    return Scope(agent_id=principal.agent_id)


def sets_presence_of(principal: Principal, agent_id: int, agent_team: str | None) -> bool:
    if agent_id == principal.agent_id or principal.role is Role.ADMIN:
        return True
    return principal.role is Role.SUPERVISOR and reaches_team(principal, agent_team)
