"""Accept a batch of offers in one transaction, with set-wise statements.

Agents answering at the same moment share one durable commit, as inbound contacts do
(`inbound_batch.py`): one read locking the interactions, one of their open offers, then one
statement per table (offers closed as accepted, interactions made active, agents' missed-offer
counts cleared, transitions, audit entries, outbox events), whatever the batch's size. An accept
whose offer is not open for that agent (expired, withdrawn, answered already, or another agent's)
gets a 409 of its own; the others commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from contact_center.domain import events as ev
from contact_center.domain.commands import AcceptOffer
from contact_center.domain.enums import Channel, InteractionState
from contact_center.domain.errors import ConflictError, NotFoundError
from contact_center.domain.interactions import Interaction
from contact_center.domain.routing import OfferState
from contact_center.domain.states import check_transition
from contact_center.storage.batch_writes import BatchWrites
from contact_center.storage.tables import AGENT, INTERACTION, OFFER

ACTIVE = InteractionState.ACTIVE
OFFERED = InteractionState.OFFERED
#: What taking an interaction ends: a transfer's reservation for one agent (anyone taking it ends
#: it) and a flag to a supervisor (someone took it on). The answer shows them ended, as stored.
CLEARED: dict[str, Any] = {
    "transfer_agent_id": None,
    "transfer_until": None,
    "flagged_at": None,
    "flag_reason": None,
}


@dataclass(frozen=True, slots=True)
class TimedAccept:
    """An accept with the time it arrived, which its rows are stamped with."""

    command: AcceptOffer
    at: datetime


async def store_accepts(
    conn: AsyncConnection, items: Sequence[TimedAccept], recorded: list[tuple[int, ev.Event]]
) -> list[Interaction | Exception]:
    """Per item the interaction as the accept left it, or the error that item alone gets."""
    ids = sorted({item.command.interaction_id for item in items})
    # The interactions first, locked; then their open offers (one at most: a unique index) with
    # the offered agent's miss count. Two statements, not one join: a join locking only the
    # interaction, once it waited for a router's pass (withdraw, re-offer), would see the
    # interaction as that pass left it but its offer as it was before, and accept a withdrawn
    # offer. Every writer of an offer locks its interaction first, so the second read, whose
    # snapshot is taken once the locks are held, sees their offers as they are.
    read = select(INTERACTION).where(INTERACTION.c.id.in_(ids)).order_by(INTERACTION.c.id)  # lock order
    if conn.dialect.name != "sqlite":  # SQLite's one writer serialises already
        read = read.with_for_update()
    rows: dict[int, dict[str, Any]] = {r["id"]: dict(r) for r in (await conn.execute(read)).mappings()}
    offers = (
        select(OFFER.c.id, OFFER.c.interaction_id, OFFER.c.agent_id, AGENT.c.missed_offers)
        .join(AGENT, AGENT.c.id == OFFER.c.agent_id)
        .where(OFFER.c.interaction_id.in_(ids), OFFER.c.state == OfferState.OPEN)
    )
    open_offers: dict[tuple[int, int], int] = {}
    missed: dict[int, int] = {}
    for offer_id, interaction_id, offered_to, misses in (await conn.execute(offers)).all():
        open_offers[(interaction_id, offered_to)] = offer_id
        missed[offered_to] = misses
    out: list[Interaction | Exception] = []
    accepted: list[tuple[TimedAccept, int, dict[str, Any]]] = []
    for item in items:
        iid, agent_id = item.command.interaction_id, item.command.agent_id
        row = rows.get(iid)
        offer_id = open_offers.pop((iid, agent_id), None)  # popped: a second accept in the batch is a 409
        if row is None:
            out.append(NotFoundError(f"interaction {iid} not found"))
        elif offer_id is None or row["state"] != OFFERED:
            out.append(ConflictError(f"interaction {iid} has no open offer for agent {agent_id}"))
        else:
            check_transition(Channel(row["channel"]), OFFERED, ACTIVE)
            row.update(state=ACTIVE, state_changed_at=item.at, agent_id=agent_id, **CLEARED)
            if row["answered_at"] is None:
                row["answered_at"] = item.at
            accepted.append((item, offer_id, row))
            out.append(Interaction(**row))
    if accepted:
        answered = {item.command.agent_id for item, _, _ in accepted}
        await _write(BatchWrites(conn, recorded), accepted, sorted(a for a in answered if missed.get(a)))
    return out


async def _write(
    batch: BatchWrites, accepted: list[tuple[TimedAccept, int, dict[str, Any]]], missing: list[int]
) -> None:
    """`missing`: the answering agents whose miss count an accept resets."""
    conn = batch.conn
    await conn.execute(
        update(OFFER)
        .where(OFFER.c.id == bindparam("oid"))
        .values(state=OfferState.ACCEPTED, closed_at=bindparam("at")),
        [{"oid": offer_id, "at": item.at} for item, offer_id, _ in accepted],
    )
    await conn.execute(
        update(INTERACTION)
        .where(INTERACTION.c.id == bindparam("iid"))
        .values(
            state=ACTIVE,
            state_changed_at=bindparam("at"),
            agent_id=bindparam("aid"),
            answered_at=bindparam("answered"),
            **CLEARED,
        ),
        [
            {"iid": row["id"], "at": item.at, "aid": row["agent_id"], "answered": row["answered_at"]}
            for item, _, row in accepted
        ],
    )
    if missing:
        await conn.execute(update(AGENT).where(AGENT.c.id.in_(missing)).values(missed_offers=0))
    for item, _, row in accepted:
        batch.moved(row, OFFERED, ACTIVE, item.at, item.command.actor)
    await batch.flush()
