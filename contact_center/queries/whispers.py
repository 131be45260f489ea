"""An interaction's whispers as the agent's desk and the monitoring supervisor read them.

Only these two read whispers (`policy.reads_whispers`); nothing on the customer's side does, and
nothing here is reachable from the message reads that feed it (docs/supervisor-agents.md).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.domain.agents import Agent
from contact_center.domain.stepping_in import Whisper


@dataclass(frozen=True, slots=True)
class WhisperView:
    id: int
    interaction_id: int
    author_agent_id: int
    author: str
    to_agent_id: int | None
    body: str
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


async def whispers_of(
    session: AsyncSession, interaction_id: int, *, after: int | None = None
) -> list[WhisperView]:
    """The interaction's whispers after id `after`, oldest first, with their author's name."""
    name = func.coalesce(func.nullif(col(Agent.display_name), ""), col(Agent.username))
    stmt = (
        select(Whisper, name)
        .join(Agent, col(Agent.id) == col(Whisper.author_agent_id))
        .where(col(Whisper.interaction_id) == interaction_id)
        .order_by(col(Whisper.id))
    )
    if after is not None:
        stmt = stmt.where(col(Whisper.id) > after)
    return [
        WhisperView(
            w.id or 0,
            w.interaction_id,
            w.author_agent_id,
            str(author),
            w.to_agent_id,
            w.body,
            w.created_at.isoformat(),
        )
        for w, author in (await session.exec(stmt)).all()
    ]
