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

The rules live in one module per resource: `verdicts.py` (what a decision answers, the role
groups and team reach they share), `interactions.py`, `customers.py`, `addresses.py` (masking),
`agents_and_queues.py`, `dashboard_and_planning.py`, `console.py`, `events.py`, `desk.py`
(canned responses, follow-ups, transfers) and `stepping_in.py` (a supervisor monitoring,
whispering, taking over). This package re-exports all of their public names on purpose: some
forty call sites read `policy.check(...)`, `policy.sees_interaction(...)` and so on, and one
name to ask (`from contact_center.services import policy`) keeps those calls reading as "the
policy says".
"""

from __future__ import annotations

from contact_center.domain.principal import Principal
from contact_center.services.policy.addresses import (
    mask_address,
    mask_email,
    mask_phone,
    sees_full_addresses,
    shown_address,
)
from contact_center.services.policy.agents_and_queues import (
    agent_scope,
    sees_agent,
    sees_queue,
    sets_presence_of,
)
from contact_center.services.policy.console import opens_console
from contact_center.services.policy.customers import (
    AGENT_EDITABLE_CUSTOMER_FIELDS,
    CustomerFacts,
    customer_change_refusal,
    customer_scope,
    sees_customer,
)
from contact_center.services.policy.dashboard_and_planning import (
    DashboardView,
    administers,
    dashboard_view,
    plans,
    sees_dashboard,
)
from contact_center.services.policy.desk import (
    DESK,
    assigns_work_refusal,
    canned_response_refusal,
    follow_up_change_refusal,
    sees_canned_response,
    shown_customer_name,
    transfer_refusal,
)
from contact_center.services.policy.events import EventFacts, only_events_of_agent, sees_event
from contact_center.services.policy.interactions import (
    InteractionFacts,
    interaction_scope,
    may_pick,
    open_refusal,
    reply_refusal,
    sees_interaction,
    sees_message_bodies,
    transition_refusal,
)
from contact_center.services.policy.stepping_in import (
    monitor_refusal,
    reads_whispers,
    sees_agents_console,
    take_over_refusal,
    whisper_refusal,
)
from contact_center.services.policy.verdicts import (
    EVERYTHING,
    MANAGERS,
    NOTHING,
    STAFF,
    Refusal,
    Scope,
    Verdict,
    check,
    reaches_team,
)

__all__ = [
    "AGENT_EDITABLE_CUSTOMER_FIELDS",
    "DESK",
    "EVERYTHING",
    "MANAGERS",
    "NOTHING",
    "STAFF",
    "CustomerFacts",
    "DashboardView",
    "EventFacts",
    "InteractionFacts",
    "Principal",
    "Refusal",
    "Scope",
    "Verdict",
    "administers",
    "agent_scope",
    "assigns_work_refusal",
    "canned_response_refusal",
    "check",
    "customer_change_refusal",
    "customer_scope",
    "dashboard_view",
    "follow_up_change_refusal",
    "interaction_scope",
    "mask_address",
    "mask_email",
    "mask_phone",
    "may_pick",
    "monitor_refusal",
    "only_events_of_agent",
    "open_refusal",
    "opens_console",
    "plans",
    "reaches_team",
    "reads_whispers",
    "reply_refusal",
    "sees_agent",
    "sees_agents_console",
    "sees_canned_response",
    "sees_customer",
    "sees_dashboard",
    "sees_event",
    "sees_full_addresses",
    "sees_interaction",
    "sees_message_bodies",
    "sees_queue",
    "sets_presence_of",
    "shown_address",
    "shown_customer_name",
    "take_over_refusal",
    "transfer_refusal",
    "transition_refusal",
    "whisper_refusal",
]
