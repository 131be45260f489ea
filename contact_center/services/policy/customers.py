"""Who sees and changes customer records.

An agent: the customers they own or whose interactions they were given, and on those only the
fields that steer nothing (`AGENT_EDITABLE_CUSTOMER_FIELDS`); supervisors and admins: all of them.
How a customer's addresses are shown is `addresses.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from contact_center.domain.enums import Role
from contact_center.domain.principal import Principal
from contact_center.services.policy.verdicts import EVERYTHING, MANAGERS, NOTHING, Refusal, Scope, Verdict

#: What an agent may change on a customer of theirs; the rest (class, value, consent, owner,
#: lifecycle stage, size band) steers routing, reporting or the law, and needs a supervisor.
AGENT_EDITABLE_CUSTOMER_FIELDS = frozenset({"name", "company", "region", "industry", "tags"})


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
