"""The desk's queries: canned responses, notes, follow-ups, satisfaction, wrap-up codes, history.

Like the other repositories these never commit; lookups by id raise `NotFoundError`. Lists that a
caller's view limits take a scope (`storage/access_facts.py`) applied before the limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.domain.agents import Agent
from contact_center.domain.desk import CannedResponse, QueueWrapUpCode
from contact_center.domain.enums import InteractionState
from contact_center.domain.errors import NotFoundError
from contact_center.domain.interactions import Interaction
from contact_center.domain.work import FollowUpTask, Note, SatisfactionScore, WrapUpCode

#: How many recent scores the customer panel shows.
RECENT_SCORES = 5


@dataclass(frozen=True, slots=True)
class Satisfaction:
    average: float | None
    count: int
    recent: Sequence[SatisfactionScore]


class DeskRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _get(self, model: Any, row_id: int, what: str) -> Any:
        found = await self.session.get(model, row_id)
        if found is None:
            raise NotFoundError(f"{what} {row_id} not found")
        return found

    # --- canned responses -----------------------------------------------------------------

    async def canned_response(self, canned_id: int) -> CannedResponse:
        found: CannedResponse = await self._get(CannedResponse, canned_id, "canned response")
        return found

    async def canned_responses(self, agent_id: int, query: str, limit: int) -> Sequence[CannedResponse]:
        """The agent's own and every shared one, matching `query` in title, shortcut or body
        (case-insensitive where the language has case; Chinese matches as written)."""
        stmt = select(CannedResponse).where(
            or_(col(CannedResponse.shared).is_(True), col(CannedResponse.owner_agent_id) == agent_id)
        )
        needle = query.strip()
        if needle:
            stmt = stmt.where(
                or_(
                    col(CannedResponse.title).icontains(needle, autoescape=True),
                    col(CannedResponse.shortcut).icontains(needle, autoescape=True),
                    col(CannedResponse.body).icontains(needle, autoescape=True),
                )
            )
        order = (col(CannedResponse.shared), col(CannedResponse.title), col(CannedResponse.id))
        return (await self.session.exec(stmt.order_by(*order).limit(limit))).all()

    # --- notes and follow-ups -------------------------------------------------------------

    async def notes(self, customer_id: int, limit: int) -> Sequence[tuple[Note, str | None]]:
        """Newest first, each with its author's name (None when the author is unknown)."""
        name = func.coalesce(func.nullif(col(Agent.display_name), ""), col(Agent.username))
        stmt = (
            select(Note, name)
            .outerjoin(Agent, col(Agent.id) == col(Note.author_id))
            .where(col(Note.customer_id) == customer_id)
            .order_by(col(Note.id).desc())
            .limit(limit)
        )
        return [(note, author) for note, author in (await self.session.exec(stmt)).all()]

    async def follow_up(self, follow_up_id: int) -> FollowUpTask:
        found: FollowUpTask = await self._get(FollowUpTask, follow_up_id, "follow-up")
        return found

    async def follow_ups(self, customer_id: int, *, open_only: bool, limit: int) -> Sequence[FollowUpTask]:
        """Soonest due first."""
        stmt = select(FollowUpTask).where(col(FollowUpTask.customer_id) == customer_id)
        if open_only:
            stmt = stmt.where(col(FollowUpTask.done).is_(False))
        order = (col(FollowUpTask.due_at), col(FollowUpTask.id))
        return (await self.session.exec(stmt.order_by(*order).limit(limit))).all()

    async def open_follow_ups(self, customer_id: int) -> int:
        stmt = select(func.count()).where(
            col(FollowUpTask.customer_id) == customer_id, col(FollowUpTask.done).is_(False)
        )
        return int((await self.session.exec(stmt)).one())

    async def satisfaction(self, customer_id: int) -> Satisfaction:
        of_customer = col(SatisfactionScore.customer_id) == customer_id
        stmt = select(func.avg(col(SatisfactionScore.score)), func.count()).where(of_customer)
        average, count = (await self.session.exec(stmt)).one()
        recent = select(SatisfactionScore).where(of_customer).order_by(col(SatisfactionScore.id).desc())
        rows = (await self.session.exec(recent.limit(RECENT_SCORES))).all()
        return Satisfaction(None if average is None else round(float(average), 2), int(count), rows)

    # --- history --------------------------------------------------------------------------

    async def history(
        self, customer_id: int, *, before_id: int | None, limit: int, scope: ColumnElement[bool]
    ) -> Sequence[tuple[Interaction, str | None, int | None]]:
        """The customer's interactions on every channel, newest first, each with its agent's name
        and its satisfaction score, if any."""
        name = func.coalesce(func.nullif(col(Agent.display_name), ""), col(Agent.username))
        stmt = (
            select(Interaction, name, col(SatisfactionScore.score))
            .outerjoin(Agent, col(Agent.id) == col(Interaction.agent_id))
            .outerjoin(SatisfactionScore, col(SatisfactionScore.interaction_id) == col(Interaction.id))
            .where(col(Interaction.customer_id) == customer_id, scope)
        )
        if before_id is not None:
            stmt = stmt.where(col(Interaction.id) < before_id)
        stmt = stmt.order_by(col(Interaction.id).desc()).limit(limit)
        return [(i, agent, score) for i, agent, score in (await self.session.exec(stmt)).all()]

    # --- wrap-up --------------------------------------------------------------------------

    async def queue_codes(self, queue_id: int) -> Sequence[WrapUpCode]:
        stmt = (
            select(WrapUpCode)
            .join(QueueWrapUpCode, col(QueueWrapUpCode.code_id) == col(WrapUpCode.id))
            .where(col(QueueWrapUpCode.queue_id) == queue_id)
            .order_by(col(QueueWrapUpCode.position), col(QueueWrapUpCode.id))
        )
        return (await self.session.exec(stmt)).all()

    async def global_codes(self, codes: Sequence[str]) -> dict[str, WrapUpCode]:
        stmt = select(WrapUpCode).where(col(WrapUpCode.code).in_(list(codes)), col(WrapUpCode.is_active))
        return {c.code: c for c in (await self.session.exec(stmt)).all()}

    async def active_codes(self) -> Sequence[WrapUpCode]:
        """The global table's active codes, for the admin's choice of a queue's list."""
        stmt = select(WrapUpCode).where(col(WrapUpCode.is_active)).order_by(col(WrapUpCode.code))
        return (await self.session.exec(stmt)).all()

    async def code_exists(self, code: str) -> bool:
        """Active or not: a retired code keeps its name (closed interactions carry it)."""
        stmt = select(WrapUpCode.id).where(col(WrapUpCode.code) == code)
        return (await self.session.exec(stmt)).first() is not None

    async def queue_code_rows(self, queue_id: int) -> Sequence[QueueWrapUpCode]:
        stmt = select(QueueWrapUpCode).where(col(QueueWrapUpCode.queue_id) == queue_id)
        return (await self.session.exec(stmt)).all()

    async def past_wrap_up(self, now: datetime, limit: int) -> Sequence[int]:
        """Interactions still in wrap-up after their deadline, the oldest deadline first."""
        stmt = (
            select(col(Interaction.id))
            .where(
                col(Interaction.state) == InteractionState.WRAP_UP.value,
                col(Interaction.wrap_up_deadline) <= now,
            )
            .order_by(col(Interaction.wrap_up_deadline))
            .limit(limit)
        )
        return [int(i) for i in (await self.session.exec(stmt)).all() if i is not None]
