"""A supervisor stepping into live work: the agents view, monitoring, whispers, taking over.

Supervisors step into their team's work only (`reaches_team`: the interaction's queue or agent in
their team; a supervisor without a team reaches all), admins into anyone's. Agents never monitor
or whisper; the agent a whisper is meant for reads it on their desk, nobody on the customer's side
ever does (the whisper lives apart from messages: `domain/stepping_in.py`).
"""

from __future__ import annotations

from contact_center.domain.enums import InteractionState
from contact_center.domain.principal import Principal
from contact_center.services.policy.interactions import InteractionFacts, sees_interaction
from contact_center.services.policy.verdicts import MANAGERS, Refusal, Verdict

#: States in which someone handles the interaction: what can be monitored, whispered into or taken.
LIVE = frozenset({InteractionState.ACTIVE, InteractionState.WRAP_UP})


def sees_agents_console(principal: Principal) -> bool:
    """The agents view (`/console/agents`) and its figures: supervisors and admins."""
    return principal.role in MANAGERS


def monitor_refusal(principal: Principal, facts: InteractionFacts) -> Refusal | None:
    """Reading an interaction silently: a manager who sees it (else it is as absent as a missing
    row); an agent is told no, whatever they see."""
    if not sees_interaction(principal, facts):
        return Refusal(Verdict.HIDDEN, "not found")
    if principal.role not in MANAGERS:
        return Refusal(Verdict.FORBIDDEN, "only a supervisor monitors a conversation")
    return None


def whisper_refusal(principal: Principal, facts: InteractionFacts) -> Refusal | None:
    """Whispering: a manager who may monitor it, while an agent handles it."""
    refusal = monitor_refusal(principal, facts)
    if refusal is not None:
        return refusal
    if InteractionState(facts.state) not in LIVE or facts.agent_id is None:
        return Refusal(Verdict.FORBIDDEN, "nobody is handling this conversation to whisper to")
    return None


def reads_whispers(principal: Principal, facts: InteractionFacts) -> bool:
    """The agent handling it (whoever they are), and the managers who may monitor it."""
    return facts.agent_id == principal.agent_id or monitor_refusal(principal, facts) is None


def take_over_refusal(principal: Principal, facts: InteractionFacts) -> Refusal | None:
    """Taking over: a manager who may monitor it, while another agent handles it."""
    refusal = monitor_refusal(principal, facts)
    if refusal is not None:
        return refusal
    if InteractionState(facts.state) is not InteractionState.ACTIVE or facts.agent_id is None:
        return Refusal(Verdict.FORBIDDEN, "only a conversation an agent is handling can be taken over")
    if facts.agent_id == principal.agent_id:
        return Refusal(Verdict.FORBIDDEN, "you are handling this conversation already")
    return None
