"""Reads about one person: the group of customer rows that are them, their audit entries (sealed
values opened where the key still exists), and who looked at their record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import col, select

from contact_center.domain.audit import AuditEntry
from contact_center.domain.customers import Customer
from contact_center.domain.interactions import Interaction
from contact_center.domain.privacy import CustomerAccess
from contact_center.privacy.sealing import readable
from contact_center.storage.uow import UnitOfWork

#: Merge chains are short; this many hops means a cycle, which merging refuses.
MAX_MERGE_DEPTH = 10


async def customer_group(uow: UnitOfWork, customer_id: int) -> list[int]:
    """The customer a merge left standing (first), then every customer merged into it, however
    indirectly: one person, whichever of their ids was given."""
    survivor = await uow.customers.get(customer_id, follow_merge=True)
    group = [survivor.id or 0]
    frontier = list(group)
    for _ in range(MAX_MERGE_DEPTH):
        stmt = select(Customer.id).where(col(Customer.merged_into_id).in_(frontier))
        frontier = [i for i in (await uow.session.exec(stmt)).all() if i is not None and i not in group]
        if not frontier:
            break
        group += frontier
    return group


async def audit_entries(uow: UnitOfWork, customer_ids: list[int]) -> list[dict[str, Any]]:
    """Entries about the customers and their interactions, oldest first, as staff may read them."""
    interactions = select(Interaction.id).where(col(Interaction.customer_id).in_(customer_ids))
    stmt = (
        select(AuditEntry)
        .where(
            or_(
                and_(col(AuditEntry.entity) == "customer", col(AuditEntry.entity_id).in_(customer_ids)),
                and_(col(AuditEntry.entity) == "interaction", col(AuditEntry.entity_id).in_(interactions)),
            )
        )
        .order_by(col(AuditEntry.id))
    )
    entries = (await uow.session.exec(stmt)).all()
    keys = await uow.keys.of(customer_ids)
    return [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "actor": e.actor,
            "entity": e.entity,
            "entity_id": e.entity_id,
            "action": e.action,
            "changes": readable(e.changes, keys),
        }
        for e in entries
    ]


async def access_log(uow: UnitOfWork, customer_ids: list[int]) -> list[dict[str, Any]]:
    stmt = (
        select(CustomerAccess)
        .where(col(CustomerAccess.customer_id).in_(customer_ids))
        .order_by(col(CustomerAccess.id))
    )
    return [a.model_dump(mode="json") for a in (await uow.session.exec(stmt)).all()]
