"""Privacy handlers: erasing a customer on request (docs/privacy.md, Erasure).

One transaction: the personal data of the customer and of every customer merged into it goes
(`privacy/erasure.py`), their keys are deleted so the audit log's sealed values are unreadable, and
`customer.erased` leaves through the outbox. Erasing again is harmless: it blanks whatever arrived
meanwhile and answers as the first time did, without a second event.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from contact_center.domain.commands import EraseCustomer
from contact_center.domain.customers import Customer
from contact_center.domain.events import CustomerErased
from contact_center.domain.privacy import AccessKind, CustomerAccess
from contact_center.privacy.erasure import erase_personal_data
from contact_center.privacy.records import customer_group
from contact_center.storage.uow import UnitOfWork


async def erase_customer(cmd: EraseCustomer, uow: UnitOfWork) -> dict[str, Any]:
    async with uow:
        ids = await customer_group(uow, cmd.customer_id)
        # Locked: a concurrent erasure waits, and so does any row about to reference them.
        stmt = select(Customer).where(col(Customer.id).in_(ids)).with_for_update()
        customers = (await uow.session.exec(stmt)).all()
        was_erased = all(c.erased_at is not None for c in customers)
        now = uow.now()
        done = await erase_personal_data(await uow.connection(), ids, now)
        if not was_erased:
            uow.audit(cmd.actor, "customer", ids[0], "erase", {"customer_ids": ids, "counts": done.counts})
            uow.emit(CustomerErased(customer_id=ids[0], customer_ids=ids, at=now))
        uow.session.add(
            CustomerAccess(
                customer_id=ids[0],
                agent_id=cmd.agent_id,
                actor=cmd.actor[:100],
                kind=AccessKind.ERASE,
                at=now,
            )
        )
        await uow.commit()
        erased_at = min((c.erased_at for c in customers if c.erased_at is not None), default=now)
    return {
        "customer_id": ids[0],
        "customer_ids": ids,
        "erased_at": erased_at.isoformat(),
        "already_erased": was_erased,
        "counts": done.counts,
    }
