"""Addresses a customer gives about themself, added to their identities when free.

A chat visitor's pre-chat form may carry an email or a phone number so a message left out of
hours can be answered by email. The visitor is not verified, so an address already owned by
another customer stays with them (an agent may merge the two after checking); only free ones are
added. The values are audited sealed under the customer's key (docs/privacy.md).
"""

from __future__ import annotations

from contact_center.domain.commands import AddContactDetails
from contact_center.domain.identity import Address
from contact_center.storage.uow import UnitOfWork


async def add_contact_details(cmd: AddContactDetails, uow: UnitOfWork, *, default_region: str = "US") -> int:
    """Returns how many addresses were added."""
    addresses = [Address.email(e) for e in cmd.emails] + [
        Address.phone(p, default_region) for p in cmd.phones
    ]
    async with uow:
        await uow.customers.get(cmd.customer_id)
        added: list[str] = []
        for address in addresses:
            if await uow.customers.by_address(address) is not None:
                continue  # the customer's own already, or someone else's: left as it is
            await uow.customers.add_identity(cmd.customer_id, address, uow.now())
            added.append(f"{address.kind.value}:{address.value}")
        if added:
            await uow.audit_personal(cmd.actor, cmd.customer_id, "add_identities", {"identities": added})
            await uow.commit()
    return len(added)
