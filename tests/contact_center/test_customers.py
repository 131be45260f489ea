"""Customers at the service level: resolving addresses, unique identities, merging and search."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from contact_center.bootstrap import Container
from contact_center.domain.audit import AuditEntry
from contact_center.domain.commands import CreateCustomer, MergeCustomers, ReceiveInbound
from contact_center.domain.customers import Customer, CustomerIdentity
from contact_center.domain.enums import Channel, IdentityKind
from contact_center.domain.errors import ConflictError, InvalidInputError
from contact_center.domain.identity import Address
from contact_center.domain.interactions import Interaction
from contact_center.domain.work import FollowUpTask, Note, SatisfactionScore
from contact_center.storage.outbox import OutboxEvent
from tests.conftest import unique
from tests.contact_center.conftest import count_rows, random_phone


def local_and_e164() -> tuple[str, str]:
    digits = f"{random.randint(200, 999)}{random.randint(0, 9999):04d}"
    return f"(628) {digits[:3]}-{digits[3:]}", f"+1628{digits}"


CHANNEL_OF = {
    IdentityKind.PHONE: Channel.SMS,
    IdentityKind.EMAIL: Channel.EMAIL,
    IdentityKind.CHAT: Channel.CHAT,
}


async def resolve(container: Container, address: Address, name: str = "") -> Customer:
    """The customer a message from `address` resolves to, on the path every inbound contact takes."""
    received = await container.bus.handle(
        ReceiveInbound(channel=CHANNEL_OF[address.kind], sender=address.value, body="hi", sender_name=name)
    )
    async with container.read_uow() as uow:
        return await uow.customers.get(received.customer_id)


async def search(container: Container, query: str) -> list[int]:
    async with container.uow() as uow:
        return [c.id or 0 for c in await uow.customers.search(query, limit=10_000)]


async def test_resolve_creates_on_first_contact_and_finds_the_same_phone_written_differently(
    container: Container,
) -> None:
    local, e164 = local_and_e164()
    first = await resolve(container, Address.phone(local, "US"), "Ada")
    assert first.id is not None and first.name == "Ada"
    again = await resolve(container, Address.phone(e164, "US"), "someone else")
    assert again.id == first.id
    async with container.uow() as uow:
        assert [i.address for i in await uow.customers.identities(first.id)] == [e164]


async def test_resolve_without_a_name_names_the_customer_after_the_address(container: Container) -> None:
    email = f"{unique('Mixed')}@Example.COM"
    customer = await resolve(container, Address.email(email))
    assert customer.name == email.lower()
    assert (await resolve(container, Address.email(email.lower()))).id == customer.id


async def test_an_identity_belongs_to_one_customer_by_the_databases_own_rule(container: Container) -> None:
    address = Address.phone(random_phone())
    owner = await resolve(container, address)
    other = await resolve(container, Address.chat(unique("visitor")))
    with pytest.raises(IntegrityError):
        async with container.uow() as uow:
            uow.session.add(
                CustomerIdentity(
                    customer_id=other.id or 0, kind=address.kind, address=address.value, created_at=uow.now()
                )
            )
            await uow.commit()
    assert await count_rows(container, CustomerIdentity, CustomerIdentity.address == address.value) == 1
    assert (await resolve(container, address)).id == owner.id


async def test_creating_a_customer_with_a_taken_address_is_a_conflict(container: Container) -> None:
    phone = random_phone()
    await container.bus.handle(CreateCustomer(name=unique("a"), phones=(phone,)))
    with pytest.raises(ConflictError):
        await container.bus.handle(CreateCustomer(name=unique("b"), phones=(phone,)))


async def test_merge_moves_everything_to_the_survivor(container: Container) -> None:
    survivor_phone, merged_phone = random_phone(), random_phone()
    survivor_id = await container.bus.handle(CreateCustomer(name=unique("keep"), phones=(survivor_phone,)))
    received = await container.bus.handle(
        ReceiveInbound(
            channel=Channel.SMS, sender=merged_phone, body="hello", provider_message_id=unique("SM")
        )
    )
    merged_id = received.customer_id
    async with container.uow() as uow:
        now = uow.now()
        uow.session.add(
            Note(customer_id=merged_id, interaction_id=received.interaction_id, body="n", created_at=now)
        )
        uow.session.add(
            FollowUpTask(
                customer_id=merged_id, title="call back", due_at=now + timedelta(days=1), created_at=now
            )
        )
        uow.session.add(
            SatisfactionScore(
                interaction_id=received.interaction_id, customer_id=merged_id, score=5, created_at=now
            )
        )
        await uow.commit()

    survivor = await container.bus.handle(MergeCustomers(survivor_id=survivor_id, merged_id=merged_id))
    assert survivor.id == survivor_id

    for model in (CustomerIdentity, Interaction, Note, FollowUpTask, SatisfactionScore):
        assert await count_rows(container, model, model.customer_id == merged_id) == 0, model.__name__
        assert await count_rows(container, model, model.customer_id == survivor_id) >= 1, model.__name__
    async with container.uow() as uow:
        merged = await uow.customers.get(merged_id)
        assert merged.merged_into_id == survivor_id
        assert (await uow.customers.get(merged_id, follow_merge=True)).id == survivor_id
        addresses = {i.address for i in await uow.customers.identities(survivor_id)}
        assert addresses == {survivor_phone, merged_phone}
        audit = (
            await uow.session.exec(
                select(AuditEntry).where(
                    AuditEntry.entity == "customer",
                    col(AuditEntry.entity_id).in_([survivor_id, merged_id]),
                    col(AuditEntry.action).in_(["merge", "merged_into"]),
                )
            )
        ).all()
        assert {(a.entity_id, a.action) for a in audit} == {
            (survivor_id, "merge"),
            (merged_id, "merged_into"),
        }
        merged_events = (
            await uow.session.exec(select(OutboxEvent).where(OutboxEvent.event_type == "customer.merged"))
        ).all()
        payloads = [json.loads(e.payload) for e in merged_events]
        assert [(p["survivor_id"], p["merged_id"]) for p in payloads].count((survivor_id, merged_id)) == 1

    later = await container.bus.handle(
        ReceiveInbound(channel=Channel.VOICE, sender=merged_phone, body="", provider_message_id=unique("CA"))
    )
    assert later.customer_id == survivor_id
    async with container.uow() as uow:
        assert (await uow.interactions.get(later.interaction_id)).customer_id == survivor_id


async def test_a_merged_customer_cannot_be_merged_again_nor_into_itself(container: Container) -> None:
    a = await container.bus.handle(CreateCustomer(name=unique("a")))
    b = await container.bus.handle(CreateCustomer(name=unique("b")))
    c = await container.bus.handle(CreateCustomer(name=unique("c")))
    with pytest.raises(InvalidInputError):
        await container.bus.handle(MergeCustomers(survivor_id=a, merged_id=a))
    await container.bus.handle(MergeCustomers(survivor_id=a, merged_id=b))
    with pytest.raises(ConflictError):
        await container.bus.handle(MergeCustomers(survivor_id=c, merged_id=b))
    with pytest.raises(ConflictError):
        await container.bus.handle(MergeCustomers(survivor_id=b, merged_id=c))


async def test_search_finds_chinese_names_by_substring(container: Container) -> None:
    tag = unique("")
    wang = await container.bus.handle(CreateCustomer(name=f"王小明{tag}"))
    li = await container.bus.handle(CreateCustomer(name=f"李小红{tag}"))
    found = await search(container, "小明")
    assert wang in found and li not in found
    assert await search(container, f"小红{tag}") == [li]


async def test_search_ignores_case_beyond_ascii(container: Container) -> None:
    tag = unique("")
    emile = await container.bus.handle(CreateCustomer(name=f"ÉMILE Zola {tag}"))
    assert await search(container, f"émile zola {tag}") == [emile]


async def test_search_finds_a_phone_by_its_digits_however_written(container: Container) -> None:
    local, e164 = local_and_e164()
    customer = await container.bus.handle(CreateCustomer(name=unique("p"), phones=(local,)))
    for query in (e164, e164[2:], local, e164[-7:]):
        assert customer in await search(container, query), query


async def test_search_finds_an_email_by_part(container: Container) -> None:
    local = unique("mail")
    customer = await container.bus.handle(CreateCustomer(name=unique("e"), emails=(f"{local}@Example.org",)))
    assert await search(container, local.upper()) == [customer]
    assert customer in await search(container, f"{local}@example")


async def test_merged_customers_are_left_out_of_search(container: Container) -> None:
    tag = unique("dup")
    keep = await container.bus.handle(CreateCustomer(name=f"张伟 {tag}", emails=(f"{tag}@a.example",)))
    gone = await container.bus.handle(CreateCustomer(name=f"张伟 {tag}", emails=(f"{tag}@b.example",)))
    assert sorted(await search(container, tag)) == sorted([keep, gone])
    await container.bus.handle(MergeCustomers(survivor_id=keep, merged_id=gone))
    assert await search(container, tag) == [keep]
    async with container.uow() as uow:
        assert [c.id for c in await uow.customers.list(limit=10_000) if c.id == gone] == []
    assert IdentityKind.EMAIL.value == "email"
