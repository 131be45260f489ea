"""A router pass's offers written set-wise: one read, then one statement per table.

A pass offers many interactions at once (an agent coming back to a full queue takes up to their
capacity in one go; a burst of contacts is spread over the free agents). Each offer is checked
(the interaction still queued) and refused alone, before anything is written for it; the others
are written with one statement each for the offers, the interactions, their transitions, the
decision log, audit entries and outbox events. An agent the database does not know (the router
offers only agents it read from it) fails the offer's foreign key, and with it the pass, which
the router then writes decision by decision, each checked alone (`services.offers`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from contact_center.domain import events as ev
from contact_center.domain.commands import OfferInteraction
from contact_center.domain.enums import InteractionState
from contact_center.domain.errors import ConflictError, ContactCenterError, NotFoundError
from contact_center.domain.routing import OfferState
from contact_center.storage.batch_writes import BatchWrites
from contact_center.storage.tables import DECISION, INTERACTION, OFFER

QUEUED = InteractionState.QUEUED
OFFERED = InteractionState.OFFERED


async def store_offers(
    conn: AsyncConnection,
    steps: Sequence[OfferInteraction],
    at: datetime,
    recorded: list[tuple[int, ev.Event]],
) -> list[ContactCenterError | None]:
    """Per step: None when written, else why it was refused (nothing written for it)."""
    ids = sorted({s.interaction_id for s in steps})
    read = select(
        INTERACTION.c.id,
        INTERACTION.c.state,
        INTERACTION.c.channel,
        INTERACTION.c.queue_id,
        INTERACTION.c.customer_id,
        INTERACTION.c.priority,
    ).where(INTERACTION.c.id.in_(ids))
    if conn.dialect.name != "sqlite":  # SQLite's one writer serialises already
        read = read.with_for_update()
    rows = {r["id"]: dict(r) for r in (await conn.execute(read)).mappings()}
    outcomes: list[ContactCenterError | None] = []
    chosen: list[tuple[OfferInteraction, dict[str, Any]]] = []
    for step in steps:
        row = rows.get(step.interaction_id)
        if row is None:
            outcomes.append(NotFoundError(f"interaction {step.interaction_id} not found"))
        elif row["state"] != QUEUED:  # offered by an earlier step of this pass counts too
            outcomes.append(ConflictError(f"interaction {step.interaction_id} is {row['state']}, not queued"))
        else:
            row.update(state=OFFERED, agent_id=step.agent_id)
            chosen.append((step, row))
            outcomes.append(None)
    if chosen:
        await _write(BatchWrites(conn, recorded, inserting=(OFFER,)), chosen, at)
    return outcomes


async def _write(
    batch: BatchWrites, chosen: list[tuple[OfferInteraction, dict[str, Any]]], at: datetime
) -> None:
    conn = batch.conn
    offer_ids = await batch.ids.insert(
        OFFER,
        [
            {
                "interaction_id": step.interaction_id,
                "agent_id": step.agent_id,
                "queue_id": row["queue_id"],
                "state": OfferState.OPEN,
                "offered_at": at,
                "expires_at": step.expires_at,
                "closed_at": None,
                "router_epoch": step.epoch,
                "reason": step.reason,
            }
            for step, row in chosen
        ],
    )
    await conn.execute(
        update(INTERACTION)
        .where(INTERACTION.c.id == bindparam("iid"))
        .values(state=OFFERED, state_changed_at=at, agent_id=bindparam("aid")),
        [{"iid": step.interaction_id, "aid": step.agent_id} for step, _ in chosen],
    )
    await conn.execute(
        insert(DECISION),
        [
            {
                "at": at,
                "kind": "offer",
                "interaction_id": step.interaction_id,
                "agent_id": step.agent_id,
                "text": step.reason,
                "data": {},
                "router_epoch": step.epoch,
            }
            for step, _ in chosen
        ],
    )
    for (step, row), offer_id in zip(chosen, offer_ids, strict=True):
        batch.moved(
            row,
            QUEUED,
            OFFERED,
            at,
            step.actor,
            offer_id=offer_id,
            expires_at=step.expires_at,
            reason=step.reason,
        )
    await batch.flush()
