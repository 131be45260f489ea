"""Who sees, works on, writes on and opens interactions.

An agent: what is offered or assigned to them, and waiting work in a queue that allows picking;
a supervisor: their team's queues and agents (without a team, everything); admins everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from contact_center.domain.enums import InteractionState, Role
from contact_center.domain.principal import Principal
from contact_center.services.policy.verdicts import (
    EVERYTHING,
    MANAGERS,
    NOTHING,
    Refusal,
    Scope,
    Verdict,
    reaches_team,
)


@dataclass(frozen=True, slots=True)
class InteractionFacts:
    state: InteractionState
    agent_id: int | None
    #: The agent of the interaction's open offer, if it has one.
    offered_to: int | None
    queue_team: str | None
    #: The team of the assigned agent (a team supervisor sees their agents' work in any queue).
    agent_team: str | None
    queue_allows_picking: bool


def sees_interaction(principal: Principal, facts: InteractionFacts) -> bool:
    if principal.role is Role.ADMIN:
        return True
    if principal.role is Role.SUPERVISOR:
        if principal.team is None:
            return True
        return principal.team in (facts.queue_team, facts.agent_team)
    if principal.role is Role.AGENT:
        return principal.agent_id in (facts.agent_id, facts.offered_to) or may_pick(principal, facts)
    return False


def may_pick(principal: Principal, facts: InteractionFacts) -> bool:
    """Waiting work an agent may take without an offer: a queue that allows picking, in reach."""
    return (
        facts.state is InteractionState.QUEUED
        and facts.queue_allows_picking
        and reaches_team(principal, facts.queue_team)
    )


def interaction_scope(principal: Principal) -> Scope:
    """Rows of a list of interactions. An agent's scope leaves out pickable waiting work: a list
    is their own work; they find work to pick in the queue's own view."""
    if principal.role is Role.ADMIN or (principal.role is Role.SUPERVISOR and principal.team is None):
        return EVERYTHING
    if principal.role is Role.SUPERVISOR:
        return Scope(team=principal.team)
    if principal.role is Role.AGENT:
        return Scope(agent_id=principal.agent_id)
    return NOTHING


def sees_message_bodies(principal: Principal) -> bool:
    return principal.role in (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)


def reply_refusal(principal: Principal, handled_by: int | None) -> Refusal | None:
    """Who writes to a customer: the agent handling the interaction, or a manager stepping in
    (on an interaction already in their view)."""
    if principal.role in MANAGERS:
        return None
    if principal.role is Role.AGENT and handled_by is not None and principal.agent_id == handled_by:
        return None
    return Refusal(
        Verdict.FORBIDDEN, "only the agent handling this interaction, or a supervisor, may write on it"
    )


def transition_refusal(
    principal: Principal,
    facts: InteractionFacts,
    target: InteractionState,
    *,
    assignee: int | None,
    assignee_team: str | None,
) -> Refusal | None:
    """May the caller move this interaction to `target`, handing it to `assignee` (if given)?

    Moving to `offered` is refused to everyone here: only the router's offer path writes an
    offer together with that state."""
    if not sees_interaction(principal, facts):
        return Refusal(Verdict.HIDDEN, "not found")
    if target is InteractionState.OFFERED:
        return Refusal(Verdict.FORBIDDEN, "only the router offers an interaction; it makes the offer too")
    if principal.role in MANAGERS:
        if assignee is not None and not reaches_team(principal, assignee_team):
            return Refusal(Verdict.FORBIDDEN, "that agent is not in your team")
        return None
    # An agent from here on.
    if assignee is not None and assignee != principal.agent_id:
        return Refusal(Verdict.FORBIDDEN, "only a supervisor hands work to another agent")
    if facts.state is InteractionState.OFFERED:
        return Refusal(Verdict.FORBIDDEN, "answer an offer with accept or reject")
    if facts.agent_id == principal.agent_id:
        return None
    if facts.state is InteractionState.QUEUED and target is InteractionState.ACTIVE:
        if may_pick(principal, facts):
            return None
        return Refusal(Verdict.FORBIDDEN, "picking waiting work needs a supervisor or a queue that allows it")
    return Refusal(Verdict.FORBIDDEN, "only the assigned agent or a supervisor moves this interaction")


def open_refusal(principal: Principal, *, assignee: int | None, assignee_team: str | None) -> Refusal | None:
    """May the caller open an interaction for `assignee`? (The customer is checked on its own.)"""
    if principal.role in MANAGERS:
        if assignee is not None and not reaches_team(principal, assignee_team):
            return Refusal(Verdict.FORBIDDEN, "that agent is not in your team")
        return None
    if principal.role is Role.AGENT:
        if assignee is not None and assignee != principal.agent_id:
            return Refusal(Verdict.FORBIDDEN, "only a supervisor opens work for another agent")
        return None
    return Refusal(Verdict.FORBIDDEN, "opening interactions needs an agent or a supervisor")
