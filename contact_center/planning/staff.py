"""Who can be scheduled for a queue, on what terms, and the shift templates offered to the solver.

Eligible: active users with the agent role who hold every skill the queue requires at its level
or above (every agent when the queue requires none). Terms come from the `agent_contract` row, or
the defaults of AgentContractTerms (40 hours and 5 shifts a week, 2 days off, 11 hours' rest).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select

from contact_center.domain.agents import Agent
from contact_center.domain.enums import Role
from contact_center.domain.errors import UnprocessableError
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


@dataclass(frozen=True, slots=True)
class Terms:
    min_weekly_minutes: int = 0
    max_weekly_minutes: int = 40 * 60
    max_weekly_shifts: int = 5
    min_days_off: int = 2
    min_rest_minutes: int = 11 * 60


async def set_contract(uow: UnitOfWork, agent_id: int, terms: Terms, actor: str) -> AgentContractTerms:
    if not 0 <= terms.min_weekly_minutes <= terms.max_weekly_minutes <= 7 * 24 * 60:
        raise UnprocessableError("weekly minutes: 0 <= min <= max <= a week")
    if not 0 <= terms.max_weekly_shifts <= 7 or not 0 <= terms.min_days_off <= 7:
        raise UnprocessableError("max_weekly_shifts and min_days_off are 0 to 7")
    if not 0 <= terms.min_rest_minutes <= 24 * 60:
        raise UnprocessableError("min_rest_minutes is 0 to 1440")
    async with uow:
        await uow.agents.get(agent_id)
        row = (await contract_terms(uow, [agent_id])).get(agent_id)
        row = row or AgentContractTerms(agent_id=agent_id, updated_at=uow.now())
        for name in Terms.__dataclass_fields__:
            setattr(row, name, getattr(terms, name))
        row.updated_at = uow.now()
        uow.session.add(row)
        uow.audit(
            actor, "agent", agent_id, "contract", {k: getattr(terms, k) for k in Terms.__dataclass_fields__}
        )
        await uow.commit()
        return row
