"""Who may do what: every authorisation decision of the contact center, as pure functions.

Each decision takes the caller (a `Principal`) and the facts of one resource, read beforehand by
the caller of the decision (`storage/access_facts.py`), and answers without I/O. The web layer
(`api/access.py`) asks these for every route, page and websocket; lists are scoped in SQL by the
`Scope` these functions return, so a page of results is a page of what the caller may see.

The rules (docs/security.md, "Who may do what"):
- an agent sees and changes only interactions offered to them or assigned to them, and the
  customers of those (and the customers they own); anything else is as absent as a missing row;
- a supervisor with a team sees that team's queues and agents, and the interactions in those
  queues or assigned to those agents; a supervisor without a team sees everything;
- planners see planning data and aggregate figures: no message bodies, no customer records;
- admins see and change everything; the integration role only posts inbound contacts;
- phones and emails are shown in full only to supervisors and admins.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import phonenumbers

from contact_center.domain.enums import IdentityKind, InteractionState, Role
from contact_center.domain.errors import ForbiddenError, NotFoundError
from contact_center.domain.principal import Principal

__all__ = ["Principal"]

MANAGERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
STAFF = frozenset({Role.AGENT, Role.SUPERVISOR, Role.PLANNER, Role.ADMIN})
#: What an agent may change on a customer of theirs; the rest (class, value, consent, owner,
#: lifecycle stage, size band) steers routing, reporting or the law, and needs a supervisor.
AGENT_EDITABLE_CUSTOMER_FIELDS = frozenset({"name", "company", "region", "industry", "tags"})


class Verdict(StrEnum):
    """What the caller is told: allowed; forbidden (403, they may know it exists); hidden (404)."""

    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"
    HIDDEN = "hidden"


@dataclass(frozen=True, slots=True)
class Refusal:
    verdict: Verdict
    reason: str


def check(refusal: Refusal | None, what: str) -> None:
    """Raise what the caller is told: for what they may not see, word for word a missing row's
    404 (`what` names it); else a 403 with the reason."""
    if refusal is None:
        return
    if refusal.verdict is Verdict.HIDDEN:
        raise NotFoundError(f"{what} not found")
    raise ForbiddenError(refusal.reason)


@dataclass(frozen=True, slots=True)
class Scope:
    """Which rows of a list the caller may see, for storage to turn into a WHERE clause.

    `everything`, or rows tied to `agent_id` (assigned, offered or owned), or rows of `team`.
    `nothing` sees no row at all."""

    everything: bool = False
    agent_id: int | None = None
    team: str | None = None
    nothing: bool = False


EVERYTHING = Scope(everything=True)
NOTHING = Scope(nothing=True)


def reaches_team(principal: Principal, team: str | None) -> bool:
    """A caller without a team reaches every team; with one, only that team (not team-less)."""
    return principal.role is Role.ADMIN or principal.team is None or principal.team == team


# --- interactions ---------------------------------------------------------------------------


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


# --- customers ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    owner_agent_id: int | None
    #: Agents who were assigned, or hold an open offer of, any of the customer's interactions.
    handled_by: frozenset[int]


def sees_customer(principal: Principal, facts: CustomerFacts) -> bool:
    if principal.role in MANAGERS:
        return True
    if principal.role is Role.AGENT:
        return principal.agent_id == facts.owner_agent_id or principal.agent_id in facts.handled_by
    return False


def customer_scope(principal: Principal) -> Scope:
    if principal.role in MANAGERS:
        return EVERYTHING
    if principal.role is Role.AGENT:
        return Scope(agent_id=principal.agent_id)
    return NOTHING


def customer_change_refusal(principal: Principal, facts: CustomerFacts, fields: set[str]) -> Refusal | None:
    if not sees_customer(principal, facts):
        return Refusal(Verdict.HIDDEN, "not found")
    if principal.role in MANAGERS:
        return None
    beyond = sorted(fields - AGENT_EDITABLE_CUSTOMER_FIELDS)
    if beyond:
        return Refusal(Verdict.FORBIDDEN, f"changing {', '.join(beyond)} needs a supervisor")
    return None


def sees_full_addresses(principal: Principal) -> bool:
    """Phones and emails in full: supervisors and admins; everyone else sees them masked."""
    return principal.role in MANAGERS


def shown_address(principal: Principal, kind: IdentityKind, address: str) -> str:
    """The one place an identity is prepared for a reader: in full, or masked."""
    return address if sees_full_addresses(principal) else mask_address(kind, address)


def mask_address(kind: IdentityKind, address: str) -> str:
    """`+86 138****5678`, `a***@example.com`, `vis***`: enough to recognise, not to reach."""
    if kind is IdentityKind.PHONE:
        return mask_phone(address)
    if kind is IdentityKind.EMAIL:
        return mask_email(address)
    return address[:3] + "***"


def mask_phone(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
        country, national = f"+{number.country_code}", str(number.national_number)
    except phonenumbers.NumberParseException:
        country, national = "", "".join(ch for ch in e164 if ch.isdigit())
    keep_head = 3 if len(national) >= 10 else 2 if len(national) >= 7 else 0
    keep_tail = 4 if len(national) >= 8 else 2
    hidden = max(len(national) - keep_head - keep_tail, 4)
    shown = f"{national[:keep_head]}{'*' * hidden}{national[-keep_tail:]}"
    return f"{country} {shown}" if country else shown


def mask_email(address: str) -> str:
    local, sep, domain = address.rpartition("@")
    if not sep:
        return address[:1] + "***"
    return f"{local[:1]}***@{domain}"


# --- queues, agents, figures ---------------------------------------------------------------


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


def sees_dashboard(principal: Principal) -> bool:
    """The supervisor's live page: supervisors and admins, and planners (figures only)."""
    return principal.role in (Role.SUPERVISOR, Role.ADMIN, Role.PLANNER)


def plans(principal: Principal) -> bool:
    """Forecasts, overrides, schedules: the planner's work (and the admin's)."""
    return principal.role in (Role.PLANNER, Role.ADMIN)


@dataclass(frozen=True, slots=True)
class DashboardView:
    """What one reader's dashboard counts: a team's queues, agents and contacts (None: all), and
    whether it lists the latest contacts, which name customers."""

    team: str | None = None
    with_contacts: bool = True


def dashboard_view(principal: Principal) -> DashboardView:
    team = principal.team if principal.role is Role.SUPERVISOR else None
    return DashboardView(team=team, with_contacts=principal.role in MANAGERS)


# --- events ---------------------------------------------------------------------------------


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


# --- the desk: canned responses, notes, follow-ups, transfers ---------------------------------

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
