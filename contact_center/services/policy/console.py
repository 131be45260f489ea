"""Who opens the supervisor's console pages (a queue's live view, an interaction's timeline, a
customer's record, the search): supervisors and admins. What each shows is then the rule of its
resource: a supervisor's team's queues and the interactions in them or with their agents
(`sees_queue`, `sees_interaction`, `interaction_scope`); customers are not scoped by team.
Agents work at their desk and planners see figures only: neither opens the console.
"""

from __future__ import annotations

from contact_center.domain.principal import Principal
from contact_center.services.policy.verdicts import MANAGERS


def opens_console(principal: Principal) -> bool:
    return principal.role in MANAGERS
