"""Who can be scheduled for a queue, on what terms, and the shift templates offered to the solver.

Eligible: active users with the agent role who hold every skill the queue requires at its level
or above (every agent when the queue requires none). Terms come from the `agent_contract` row, or
the defaults of AgentContractTerms (40 hours and 5 shifts a week, 2 days off, 11 hours' rest).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select

from contact_center.domain.agents import Agent
from contact_center.domain.enums import Role
from contact_center.domain.planning import AgentContractTerms
from contact_center.domain.queues import Queue
from contact_center.storage.uow import UnitOfWork
from workforce.scheduling import Activity, AgentContract, AgentId, BreakRule, ShiftTemplate

HOUR = 60


def default_templates() -> tuple[ShiftTemplate, ...]:
    """A full day (8 paid hours: two paid 15-minute breaks, an unpaid 30-minute lunch) starting on
    the hour from 06:00 to 15:00, and a 4-hour part shift with one break from 07:00 to 20:00."""
    full = ShiftTemplate(
        "full_day",
        tuple(h * HOUR for h in range(6, 16)),
        8 * HOUR + 30,
        (
            BreakRule(Activity.BREAK, 15, 90, 150, is_paid=True),
            BreakRule(Activity.LUNCH, 30, 210, 270, is_paid=False),
            BreakRule(Activity.BREAK, 15, 330, 390, is_paid=True),
        ),
    )
    part = ShiftTemplate(
        "part_day",
        tuple(h * HOUR for h in range(7, 21)),
        4 * HOUR,
        (BreakRule(Activity.BREAK, 15, 90, 150, is_paid=True),),
    )
    return full, part


def skill_of(queue: Queue) -> str:
    return f"queue:{queue.id}"


def is_eligible(agent: Agent, queue: Queue) -> bool:
    if agent.role != Role.AGENT or not agent.is_active:
        return False
    return all(agent.skills.get(name, 0) >= level for name, level in queue.required_skills.items())


async def eligible_agents(uow: UnitOfWork, queue: Queue) -> list[Agent]:
    return [a for a in await uow.agents.list() if is_eligible(a, queue)]


async def contract_terms(uow: UnitOfWork, agent_ids: Sequence[int]) -> dict[int, AgentContractTerms]:
    if not agent_ids:
        return {}
    stmt = select(AgentContractTerms).where(col(AgentContractTerms.agent_id).in_(list(agent_ids)))
    return {row.agent_id: row for row in (await uow.session.exec(stmt)).all()}


def contract(agent: Agent, terms: AgentContractTerms | None, skill: str) -> AgentContract:
    t = terms or AgentContractTerms(agent_id=agent.id or 0)
    return AgentContract(
        agent_id=AgentId(str(agent.id)),
        skills=frozenset({skill}),
        min_weekly_minutes=t.min_weekly_minutes,
        max_weekly_minutes=t.max_weekly_minutes,
        max_weekly_shifts=t.max_weekly_shifts,
        min_days_off=t.min_days_off,
        min_rest_minutes=t.min_rest_minutes,
    )
