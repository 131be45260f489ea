"""Customer keys: fetched or made on first use, read in bulk for the audit view, deleted on erasure.

Made lazily (a customer created before the keys existed gets one at its next sealed change), and
in bulk by the inbound batch for the customers it creates (`rows_for_new`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.domain.privacy import CustomerKey
from contact_center.privacy.sealing import new_key


class CustomerKeys:
    """Keys through one unit of work's session, remembered for its length."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._known: dict[int, bytes] = {}

    async def key_for(self, customer_id: int, at: datetime) -> bytes:
        """The customer's key, made now if it has none."""
        if customer_id in self._known:
            return self._known[customer_id]
        found = (
            await self.session.exec(select(CustomerKey).where(CustomerKey.customer_id == customer_id))
        ).first()
        if found is None:
            found = CustomerKey(customer_id=customer_id, key=new_key(), created_at=at)
            self.session.add(found)
            await self.session.flush()
        self._known[customer_id] = found.key
        return found.key

    async def of(self, customer_ids: Collection[int]) -> dict[int, bytes]:
        """The keys that still exist among these customers' (an erased customer has none)."""
        if not customer_ids:
            return {}
        stmt = select(CustomerKey.customer_id, CustomerKey.key).where(
            col(CustomerKey.customer_id).in_(list(customer_ids))
        )
        return dict((await self.session.exec(stmt)).all())

    async def shred(self, customer_ids: Collection[int]) -> int:
        """Delete the keys: every value sealed under them is unreadable from now on."""
        self._known = {k: v for k, v in self._known.items() if k not in customer_ids}
        stmt = delete(CustomerKey).where(col(CustomerKey.customer_id).in_(list(customer_ids)))
        return int((await self.session.exec(stmt)).rowcount)


def rows_for_new(customer_ids: Iterable[int], at: datetime) -> list[dict[str, Any]]:
    """Key rows for customers a set-wise path creates: one multi-row insert, keys kept in memory."""
    return [{"customer_id": cid, "key": new_key(), "created_at": at} for cid in customer_ids]
