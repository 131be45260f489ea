"""What a visitor may read of their conversation: their chat messages after a sequence number.

A visitor is a chat identity; their conversation is every chat interaction of the customer that
identity resolves to (following merges), so a visitor who returns after the last interaction
closed sees it and goes on in a new one. Sequence numbers are message ids: increasing, so "after
seq" is exactly what a visitor missed. Everything is read from the database, never from memory
alone, so any web process can serve any visitor. The reads are a few Core statements on the
reading engine (no ORM session: one runs per message pushed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine

from contact_center.domain.enums import AuthorKind, Channel, IdentityKind, InteractionState
from contact_center.storage.tables import CUSTOMER, IDENTITY, INTERACTION, MESSAGE

PROVIDER_PREFIX = "webchat:"
#: The most messages one read returns; a visitor far behind reads again from the last one.
PAGE = 200


def provider_message_id(visitor_id: str, client_id: str) -> str:
    """The key that makes a resent frame a no-op: one visitor's client id names one message."""
    return f"{PROVIDER_PREFIX}{visitor_id}:{client_id}"


@dataclass(frozen=True, slots=True)
class Conversation:
    interaction_id: int
    state: InteractionState


async def customer_of(reader: AsyncEngine, visitor_id: str) -> int | None:
    """The customer this visitor is (None until their first message), merges followed."""
    async with reader.connect() as conn:
        stmt = select(IDENTITY.c.customer_id).where(
            IDENTITY.c.kind == IdentityKind.CHAT.value, IDENTITY.c.address == visitor_id
        )
        customer_id = (await conn.execute(stmt)).scalar()
        for _ in range(10):
            if customer_id is None:
                return None
            merged = (
                await conn.execute(select(CUSTOMER.c.merged_into_id).where(CUSTOMER.c.id == customer_id))
            ).scalar()
            if merged is None:
                return int(customer_id)
            customer_id = merged
    return None


async def latest(reader: AsyncEngine, customer_id: int) -> Conversation | None:
    async with reader.connect() as conn:
        stmt = (
            select(INTERACTION.c.id, INTERACTION.c.state)
            .where(INTERACTION.c.customer_id == customer_id, INTERACTION.c.channel == Channel.CHAT.value)
            .order_by(INTERACTION.c.id.desc())
            .limit(1)
        )
        row = (await conn.execute(stmt)).first()
    return Conversation(int(row[0]), InteractionState(row[1])) if row else None


async def interactions_of(reader: AsyncEngine, customer_ids: Sequence[int]) -> set[int]:
    """Every chat interaction of these customers."""
    async with reader.connect() as conn:
        stmt = select(INTERACTION.c.id).where(
            INTERACTION.c.customer_id.in_(list(customer_ids)), INTERACTION.c.channel == Channel.CHAT.value
        )
        return {int(row[0]) for row in (await conn.execute(stmt)).all()}


async def customer_of_interaction(reader: AsyncEngine, interaction_id: int) -> int | None:
    async with reader.connect() as conn:
        stmt = select(INTERACTION.c.customer_id).where(INTERACTION.c.id == interaction_id)
        value = (await conn.execute(stmt)).scalar()
    return int(value) if value is not None else None


#: Built once: constructing the statement (its clauses, its cache key) on every push cost more
#: CPU than running it. The values are bound per call.
_MESSAGES_AFTER = (
    select(
        MESSAGE.c.id,
        MESSAGE.c.interaction_id,
        MESSAGE.c.author_kind,
        MESSAGE.c.body,
        MESSAGE.c.attachments,
        MESSAGE.c.provider_message_id,
        MESSAGE.c.created_at,
    )
    .join(INTERACTION, INTERACTION.c.id == MESSAGE.c.interaction_id)
    .where(
        INTERACTION.c.customer_id == bindparam("customer_id"),
        INTERACTION.c.channel == Channel.CHAT.value,
        MESSAGE.c.id > bindparam("after"),
    )
    .order_by(MESSAGE.c.id)
    .limit(bindparam("limit"))
)


async def messages_after(
    reader: AsyncEngine, customer_id: int, after: int, limit: int = PAGE
) -> list[dict[str, Any]]:
    """The visitor's message frames with seq > `after`, oldest first."""
    async with reader.connect() as conn:
        found = await conn.execute(
            _MESSAGES_AFTER, {"customer_id": customer_id, "after": after, "limit": limit}
        )
        rows = found.all()
    return [_frame(row) for row in rows]


def frame_of(
    seq: int,
    interaction_id: int,
    body: str,
    attachments: Sequence[dict[str, Any]],
    provider_id: str,
    at: datetime | None,
) -> dict[str, Any]:
    """The frame a visitor's own message shows as, as a read would give it (`_frame`)."""
    assert at is not None
    return _frame((seq, interaction_id, AuthorKind.CUSTOMER.value, body, list(attachments), provider_id, at))


def _frame(row: Sequence[Any]) -> dict[str, Any]:
    seq, interaction_id, author, body, attachments, provider_id, at = row
    frame: dict[str, Any] = {
        "type": "message",
        "seq": seq,
        "interaction_id": interaction_id,
        "author": str(author),
        "body": body,
        "at": at.isoformat(),
        "attachments": [_shown(a) for a in attachments or []],
    }
    if provider_id and provider_id.startswith(PROVIDER_PREFIX):
        frame["client_id"] = provider_id.rsplit(":", 1)[1]
    return frame


def _shown(attachment: dict[str, Any]) -> dict[str, Any]:
    return {k: attachment[k] for k in ("name", "content_type", "size", "url") if k in attachment}
