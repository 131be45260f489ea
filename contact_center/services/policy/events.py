"""Which streamed events a reader of the live event stream is sent.

An agent: the events about them; a team supervisor: those touching their team's queues or agents;
admins and supervisors without a team: all.
"""

from __future__ import annotations

from dataclasses import dataclass

from contact_center.domain.enums import Role
from contact_center.domain.principal import Principal


@dataclass(frozen=True, slots=True)
class EventFacts:
    """What a streamed event is about: the agent it concerns, and the teams it touches."""

    agent_id: int | None
    queue_team: str | None
    agent_team: str | None


def sees_event(principal: Principal, facts: EventFacts) -> bool:
    if principal.role is Role.ADMIN or (principal.role is Role.SUPERVISOR and principal.team is None):
        return True
    if principal.role is Role.SUPERVISOR:
        return principal.team in (facts.queue_team, facts.agent_team)
    if principal.role is Role.AGENT:
        return facts.agent_id == principal.agent_id
    return False


def only_events_of_agent(principal: Principal) -> int | None:
    """The agent whose events alone `principal` may see (an agent: themself), or None when they
    may see others'. Lets the stream look at one agent's readers per event instead of all of them;
    `sees_event` still decides, and a test holds the two together."""
    return principal.agent_id if principal.role is Role.AGENT else None
