"""Everything that happened to one interaction, as one list in time order: its state transitions,
the offers made and how each ended, the router's decision log ("why this agent"), transfers,
notes and messages.

Read from what is stored (each table by its interaction_id index), so it is the same whether the
router runs or not; the page adds the router's live view beside it when the router has one.
Entries that share a time keep a fixed order (`_ORDER`): a transition before the offer it led to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.domain.agents import Agent
from contact_center.domain.audit import AuditEntry
from contact_center.domain.interactions import InteractionTransition, Message
from contact_center.domain.routing import Offer, OfferState, RoutingDecision
from contact_center.domain.work import Note

#: The order of entries stamped with the same time.
_ORDER = ("transition", "decision", "offer", "offer_closed", "transfer", "note", "message")
#: The most messages shown on the page; a longer conversation is read on the desk.
MESSAGES_SHOWN = 500


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line. `kind` is one of `_ORDER`; the other fields are what that kind has:
    a transition its states; an offer its agent (and how it ended: `outcome`); a decision its
    kind as `outcome` and the router's words as `text`; a note or message its text and author."""

    at: datetime
    kind: str
    agent: str | None = None
    from_state: str | None = None
    to_state: str | None = None
    outcome: str | None = None
    text: str = ""
    actor: str = ""
    author_kind: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


async def _agent_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    name = func.coalesce(func.nullif(col(Agent.display_name), ""), col(Agent.username))
    result = await (await session.connection()).execute(
        core_select(col(Agent.id), name).where(col(Agent.id).in_(sorted(ids)))
    )
    return {r[0]: r[1] for r in result.all()}


async def _all(session: AsyncSession, stmt: Any) -> list[Any]:
    return list((await session.exec(stmt)).all())


async def timeline(session: AsyncSession, interaction_id: int) -> list[TimelineEntry]:
    transitions = await _all(
        session,
        select(InteractionTransition).where(col(InteractionTransition.interaction_id) == interaction_id),
    )
    offers = await _all(session, select(Offer).where(col(Offer.interaction_id) == interaction_id))
    decisions = await _all(
        session, select(RoutingDecision).where(col(RoutingDecision.interaction_id) == interaction_id)
    )
    transfers = await _all(
        session,
        select(AuditEntry).where(
            col(AuditEntry.entity_id) == interaction_id,
            col(AuditEntry.entity) == "interaction",
            col(AuditEntry.action) == "transfer",
        ),
    )
    notes = await _all(session, select(Note).where(col(Note.interaction_id) == interaction_id))
    messages = await _all(
        session,
        select(Message)
        .where(col(Message.interaction_id) == interaction_id)
        .order_by(col(Message.id))
        .limit(MESSAGES_SHOWN),
    )
    ids = {t.agent_id for t in transitions} | {o.agent_id for o in offers} | {d.agent_id for d in decisions}
    ids |= {n.author_id for n in notes} | {m.author_agent_id for m in messages}
    ids |= {t.changes.get("to_agent_id") for t in transfers}
    names = await _agent_names(session, {i for i in ids if isinstance(i, int)})

    def who(agent_id: Any) -> str | None:
        return names.get(agent_id) if isinstance(agent_id, int) else None

    out: list[TimelineEntry] = []
    for t in transitions:
        out.append(
            TimelineEntry(
                t.at, "transition", who(t.agent_id), str(t.from_state), str(t.to_state), actor=t.actor
            )
        )
    for o in offers:
        out.append(
            TimelineEntry(o.offered_at, "offer", who(o.agent_id), details={"expires_at": o.expires_at})
        )
        if o.state != OfferState.OPEN and o.closed_at is not None:
            out.append(TimelineEntry(o.closed_at, "offer_closed", who(o.agent_id), outcome=str(o.state)))
    for d in decisions:
        out.append(TimelineEntry(d.at, "decision", who(d.agent_id), outcome=d.kind, text=d.text))
    for a in transfers:
        queue, agent = a.changes.get("to_queue"), who(a.changes.get("to_agent_id"))
        out.append(TimelineEntry(a.at, "transfer", agent, text=str(queue or ""), actor=a.actor))
    for n in notes:
        out.append(TimelineEntry(n.created_at, "note", who(n.author_id), text=n.body))
    for m in messages:
        out.append(
            TimelineEntry(
                m.created_at,
                "message",
                who(m.author_agent_id),
                text=m.body,
                author_kind=str(m.author_kind),
                details={"direction": str(m.direction), "attachments": len(m.attachments or [])},
            )
        )
    out.sort(key=lambda e: (e.at, _ORDER.index(e.kind)))
    return out
