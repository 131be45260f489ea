"""Customer handlers: create, update, merge, and resolving an address to exactly one customer."""

from __future__ import annotations

from typing import Any

from contact_center.domain.commands import CreateCustomer, MergeCustomers, UpdateCustomer
from contact_center.domain.customers import Customer
from contact_center.domain.enums import CustomerClass, LifecycleStage, SizeBand
from contact_center.domain.errors import ConflictError, InvalidInputError, NotFoundError
from contact_center.domain.events import CustomerCreated, CustomersMerged, CustomerUpdated
from contact_center.domain.identity import Address
from contact_center.storage.uow import UnitOfWork

UPDATABLE = frozenset(
    {
        "name",
        "company",
        "region",
        "industry",
        "size_band",
        "tags",
        "customer_class",
        "lifecycle_stage",
        "consent",
        "value",
        "owner_agent_id",
    }
)


async def create_customer(cmd: CreateCustomer, uow: UnitOfWork, *, default_region: str = "US") -> int:
    addresses = [Address.phone(p, default_region) for p in cmd.phones]
    addresses += [Address.email(e) for e in cmd.emails] + [Address.chat(c) for c in cmd.chat_ids]
    addresses = list(dict.fromkeys(addresses))  # the same number written twice is one identity
    fields = _validated(
        {
            "name": cmd.name,
            "company": cmd.company,
            "region": cmd.region,
            "industry": cmd.industry,
            "size_band": cmd.size_band,
            "tags": list(cmd.tags),
            "customer_class": cmd.customer_class,
            "lifecycle_stage": cmd.lifecycle_stage,
            "consent": dict(cmd.consent),
            "value": cmd.value,
        }
    )
    async with uow:
        for address in addresses:
            if await uow.customers.by_address(address) is not None:
                raise ConflictError(f"{address.kind.value} {address.value} already belongs to a customer")
        now = uow.now()
        customer = Customer(**fields, owner_agent_id=cmd.owner_agent_id, created_at=now, updated_at=now)
        await uow.customers.added(customer)
        for address in addresses:
            await uow.customers.add_identity(customer.id or 0, address, now)
        personal = {k: _plain(v) for k, v in fields.items()}
        personal["identities"] = [f"{a.kind.value}:{a.value}" for a in addresses]
        await uow.audit_personal(cmd.actor, customer.id or 0, "create", personal)
        uow.emit(CustomerCreated(customer_id=customer.id or 0, at=now))
        await uow.commit()
        return customer.id or 0


async def update_customer(cmd: UpdateCustomer, uow: UnitOfWork) -> Customer:
    changes = dict(cmd.changes)
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise InvalidInputError(f"unknown customer fields: {', '.join(sorted(unknown))}")
    changes = _validated(changes)
    async with uow:
        customer = await uow.customers.get(cmd.customer_id)
        if customer.merged_into_id is not None:
            raise ConflictError(f"customer {cmd.customer_id} was merged into {customer.merged_into_id}")
        _refuse_erased(customer)
        if changes.get("owner_agent_id") is not None:
            await uow.agents.get(changes["owner_agent_id"])
        before = {k: _plain(getattr(customer, k)) for k in changes}
        for key, value in changes.items():
            setattr(customer, key, value)
        customer.updated_at = uow.now()
        uow.session.add(customer)
        await uow.audit_personal(
            cmd.actor,
            customer.id or 0,
            "update",
            {"before": before, "after": {k: _plain(v) for k, v in changes.items()}},
        )
        uow.emit(CustomerUpdated(customer_id=customer.id or 0, fields=sorted(changes), at=uow.now()))
        await uow.commit()
        return customer


async def merge_customers(cmd: MergeCustomers, uow: UnitOfWork) -> Customer:
    """Keep all history: every identity, interaction, note, task and score moves to the survivor."""
    if cmd.survivor_id == cmd.merged_id:
        raise InvalidInputError("cannot merge a customer into itself")
    async with uow:
        survivor = await uow.customers.get(cmd.survivor_id)
        merged = await uow.customers.get(cmd.merged_id)
        for c in (survivor, merged):
            if c.merged_into_id is not None:
                raise ConflictError(f"customer {c.id} was already merged into {c.merged_into_id}")
            _refuse_erased(c)
        await uow.customers.move_history(cmd.merged_id, cmd.survivor_id)
        for key in ("company", "region", "industry", "size_band"):
            if not getattr(survivor, key) and getattr(merged, key):
                setattr(survivor, key, getattr(merged, key))
        survivor.tags = sorted(set(survivor.tags) | set(merged.tags))
        survivor.value = survivor.value + merged.value
        survivor.consent = {**merged.consent, **survivor.consent}
        now = uow.now()
        survivor.updated_at = now
        merged.merged_into_id = survivor.id
        merged.updated_at = now
        uow.session.add_all([survivor, merged])
        uow.audit(cmd.actor, "customer", survivor.id or 0, "merge", {"merged_id": merged.id})
        uow.audit(cmd.actor, "customer", merged.id or 0, "merged_into", {"survivor_id": survivor.id})
        uow.emit(CustomersMerged(survivor_id=survivor.id or 0, merged_id=merged.id or 0, at=now))
        await uow.commit()
        return survivor


def _refuse_erased(customer: Customer) -> None:
    if customer.erased_at is not None:
        raise ConflictError(f"customer {customer.id} was erased", code="erased")


def _validated(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    try:
        if "customer_class" in out:
            out["customer_class"] = CustomerClass(out["customer_class"])
        if "lifecycle_stage" in out:
            out["lifecycle_stage"] = LifecycleStage(out["lifecycle_stage"])
        if out.get("size_band") is not None:
            out["size_band"] = SizeBand(out["size_band"]).value
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from exc
    if "name" in out and not str(out["name"]).strip():
        raise InvalidInputError("a customer needs a name")
    return out


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, CustomerClass | LifecycleStage) else value


__all__ = ["NotFoundError", "create_customer", "merge_customers", "update_customer"]
