"""The agent desk's work: canned responses, follow-ups given to agents, transfers.

Shared canned responses are kept by supervisors, personal ones by their owner; work goes to
oneself, or to agents one's team reaches; a transfer is made by whoever handles the interaction or
a supervisor who sees it.
"""

from __future__ import annotations

from contact_center.domain.enums import Role
from contact_center.domain.principal import Principal
from contact_center.services.policy.customers import CustomerFacts, sees_customer
from contact_center.services.policy.interactions import InteractionFacts, sees_interaction
from contact_center.services.policy.verdicts import MANAGERS, Refusal, Verdict, reaches_team

DESK = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN})


def sees_canned_response(principal: Principal, owner_agent_id: int | None, shared: bool) -> bool:
    """Shared ones: every desk user. Personal ones: their owner (and admins, who see everything)."""
    if principal.role not in DESK:
        return False
    return shared or principal.role is Role.ADMIN or owner_agent_id == principal.agent_id


def canned_response_refusal(
    principal: Principal, owner_agent_id: int | None, shared: bool, *, makes_shared: bool
) -> Refusal | None:
    """May the caller change (or delete) this canned response? `makes_shared`: the change leaves
    it shared. Shared ones are kept by supervisors and admins; personal ones by their owner."""
    if not sees_canned_response(principal, owner_agent_id, shared):
        return Refusal(Verdict.HIDDEN, "not found")
    if (shared or makes_shared) and principal.role not in MANAGERS:
        return Refusal(Verdict.FORBIDDEN, "shared canned responses are kept by supervisors")
    if not shared and owner_agent_id != principal.agent_id and principal.role is not Role.ADMIN:
        return Refusal(Verdict.FORBIDDEN, "a personal canned response is changed by its owner")
    return None


def shown_customer_name(principal: Principal, name: str) -> str:
    """A customer's name as a reply written by this caller may carry it (canned responses): a desk
    user who sees the customer sees their name; an erased customer has none left to show."""
    return name if principal.role in DESK else ""


def assigns_work_refusal(
    principal: Principal, owner: int, owner_team: str | None, *, to_colleagues: bool = False
) -> Refusal | None:
    """May the caller give work to agent `owner`? An agent: themselves, or a colleague their team
    reaches when `to_colleagues` (a transfer); a supervisor: their team; an admin: anyone."""
    if owner == principal.agent_id or principal.role is Role.ADMIN:
        return None
    if principal.role is Role.AGENT and not to_colleagues:
        return Refusal(Verdict.FORBIDDEN, "only a supervisor gives a follow-up to another agent")
    if not reaches_team(principal, owner_team):
        return Refusal(Verdict.FORBIDDEN, "that agent is not in your team")
    return None


def follow_up_change_refusal(
    principal: Principal, customer: CustomerFacts, owner: int | None, owner_team: str | None
) -> Refusal | None:
    """Completing a follow-up: its owner, a supervisor of the owner's team, or an admin."""
    if not sees_customer(principal, customer) and owner != principal.agent_id:
        return Refusal(Verdict.HIDDEN, "not found")
    if owner == principal.agent_id or principal.role is Role.ADMIN:
        return None
    if principal.role is Role.SUPERVISOR and (owner is None or reaches_team(principal, owner_team)):
        return None
    return Refusal(Verdict.FORBIDDEN, "a follow-up is completed by its owner or their supervisor")


def transfer_refusal(
    principal: Principal, facts: InteractionFacts, *, to_agent: int | None, to_agent_team: str | None
) -> Refusal | None:
    """Transferring: the agent handling it, or a supervisor who sees it; to an agent in reach."""
    if not sees_interaction(principal, facts):
        return Refusal(Verdict.HIDDEN, "not found")
    if principal.role is Role.AGENT and facts.agent_id != principal.agent_id:
        return Refusal(Verdict.FORBIDDEN, "only the agent handling it or a supervisor transfers it")
    if to_agent is not None:
        return assigns_work_refusal(principal, to_agent, to_agent_team, to_colleagues=True)
    return None
