"""The unit of work and the outbox on SQLite and PostgreSQL: events leave only after commit, once."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from contact_center.bootstrap import Container
from contact_center.bus import InProcessBroker
from contact_center.dispatcher import OutboxDispatcher
from contact_center.domain.audit import AuditEntry
from contact_center.domain.commands import CreateCustomer, ReceiveInbound
from contact_center.domain.customers import Customer, CustomerIdentity
from contact_center.domain.enums import Channel
from contact_center.domain.events import CustomerCreated, Event
from contact_center.domain.identity import Address
from contact_center.domain.interactions import Interaction, Message
from contact_center.storage.outbox import OutboxEvent
from contact_center.storage.uow import UnitOfWork
from tests.conftest import unique
from tests.contact_center.conftest import Collector, count_rows, random_phone


class Crash(BaseException):
    """Stands for the process dying: nothing in the dispatcher may swallow it."""


def dispatcher_with(container: Container, *subscribers: object) -> OutboxDispatcher:
    broker = InProcessBroker()
    for i, subscriber in enumerate(subscribers):
        broker.subscribe(f"g{i}", subscriber)  # type: ignore[arg-type]
    return OutboxDispatcher(container.sessions, broker)


async def created_rows(container: Container, *customer_ids: int) -> list[OutboxEvent]:
    """The `customer.created` outbox rows of these customers, in outbox order."""
    async with container.uow() as uow:
        stmt = (
            select(OutboxEvent)
            .where(OutboxEvent.event_type == "customer.created")
            .order_by(col(OutboxEvent.id))
        )
        rows = (await uow.session.exec(stmt)).all()
    return [r for r in rows if json.loads(r.payload)["customer_id"] in customer_ids]


async def write_customer(uow: UnitOfWork, name: str, address: Address) -> Customer:
    """What a handler does inside its unit of work: rows, an audit entry, an event (not committed)."""
    now = uow.now()
    customer = Customer(name=name, created_at=now, updated_at=now)
    await uow.customers.added(customer)
    await uow.customers.add_identity(customer.id or 0, address, now)
    uow.audit("test", "customer", customer.id or 0, "create", {})
    uow.emit(CustomerCreated(customer_id=customer.id or 0, at=now))
    return customer


async def test_a_commands_rows_and_outbox_rows_commit_together(container: Container) -> None:
    name = unique("cust")
    customer_id = await container.bus.handle(CreateCustomer(name=name, phones=(random_phone(),)))
    assert await count_rows(container, Customer, Customer.id == customer_id) == 1
    assert await count_rows(container, CustomerIdentity, CustomerIdentity.customer_id == customer_id) == 1
    rows = await created_rows(container, customer_id)
    assert [r.event_type for r in rows] == ["customer.created"]
    assert name not in rows[0].payload  # events name customers by id only (docs/privacy.md)
    assert rows[0].published_at is None


async def test_a_command_failing_after_writing_leaves_no_rows_and_no_outbox_entry(
    container: Container,
) -> None:
    name = unique("gone")
    address = Address.phone(random_phone())
    with pytest.raises(RuntimeError):
        async with container.uow() as uow:
            customer = await write_customer(uow, name, address)
            await uow.session.flush()  # the rows reached the database inside the transaction
            assert customer.id is not None
            raise RuntimeError("the handler fails after writing")
    assert await count_rows(container, Customer, Customer.name == name) == 0
    assert await count_rows(container, CustomerIdentity, CustomerIdentity.address == address.value) == 0
    assert await created_rows(container, customer.id) == []


async def test_leaving_a_unit_of_work_without_commit_rolls_back(container: Container) -> None:
    name = unique("nocommit")
    async with container.uow() as uow:
        customer = await write_customer(uow, name, Address.phone(random_phone()))
    assert await count_rows(container, Customer, Customer.name == name) == 0
    assert await created_rows(container, customer.id or 0) == []


async def test_a_failing_bus_command_leaves_nothing_behind(container: Container) -> None:
    sender = random_phone()
    before = await count_rows(container, OutboxEvent)
    with pytest.raises(Exception, match="not found"):
        await container.bus.handle(
            ReceiveInbound(channel=Channel.SMS, sender=sender, body="x", queue=unique("q"))
        )
    assert await count_rows(container, CustomerIdentity, CustomerIdentity.address == sender) == 0
    assert await count_rows(container, OutboxEvent) == before


async def test_a_rolled_back_change_publishes_nothing(container: Container) -> None:
    name = unique("rolled")
    collector = Collector()
    with pytest.raises(RuntimeError):
        async with container.uow() as uow:
            customer = await write_customer(uow, name, Address.phone(random_phone()))
            await uow.session.flush()
            raise RuntimeError("boom")
    await dispatcher_with(container, collector).drain()
    assert collector.of("customer.created", customer_id=customer.id) == []


async def test_a_committed_change_publishes_exactly_once_and_is_marked(container: Container) -> None:
    name = unique("once")
    collector = Collector()
    dispatcher = dispatcher_with(container, collector)
    customer_id = await container.bus.handle(CreateCustomer(name=name))
    assert await dispatcher.drain() >= 1
    assert await dispatcher.drain() == 0
    await dispatcher.dispatch_once()
    events = collector.of("customer.created", customer_id=customer_id)
    assert events == [CustomerCreated(customer_id=customer_id, at=events[0].at)]  # type: ignore[attr-defined]
    [row] = await created_rows(container, customer_id)
    assert row.published_at is not None
    assert row.published_at.tzinfo is not None


async def test_a_commit_the_poller_saw_first_and_marked_is_not_published_again(
    container: Container,
) -> None:
    """The committing task resumes late: meanwhile the poller read the row, published it and the
    mark round marked it. The late hand-over must not publish it a second time."""
    name = unique("late")
    collector = Collector()
    dispatcher = dispatcher_with(container, collector)
    await dispatcher.drain()  # earlier tests' rows are not this test's
    handed: list[list[tuple[int, Event]]] = []
    async with UnitOfWork(container.sessions, after_commit=handed.append) as uow:  # held back
        customer = await write_customer(uow, name, Address.phone(random_phone()))
        await uow.commit()
    assert await dispatcher.drain() >= 1  # the poller finds the row and publishes it; then marked
    dispatcher.committed(handed[0])  # the unit of work's hand-over, arriving late
    await dispatcher.drain()
    assert len(collector.of("customer.created", customer_id=customer.id)) == 1


async def test_a_crash_between_publish_and_mark_redelivers(container: Container) -> None:
    seen: list[int] = []
    customer_id = -1

    async def dies_after_seeing(event: object) -> None:
        seen.append(getattr(event, "customer_id", 0))
        if getattr(event, "customer_id", None) == customer_id:
            raise Crash

    await dispatcher_with(container).drain()  # earlier tests' events are not ours to crash on
    customer_id = await container.bus.handle(CreateCustomer(name=unique("crash")))
    with pytest.raises(Crash):
        await dispatcher_with(container, dies_after_seeing).drain()
    [row] = await created_rows(container, customer_id)
    assert row.published_at is None  # published, never marked: it must go out again

    collector = Collector()
    await dispatcher_with(container, collector).drain()
    assert seen.count(customer_id) == 1
    assert len(collector.of("customer.created", customer_id=customer_id)) == 1
    [row] = await created_rows(container, customer_id)
    assert row.published_at is not None


async def test_events_are_published_in_outbox_id_order(container: Container) -> None:
    prefix = unique("order")
    names = [f"{prefix}-{i}" for i in range(6)]
    ids: list[int] = []
    async with container.uow() as uow:  # several events in one transaction
        for name in names[:3]:
            ids.append((await write_customer(uow, name, Address.email(f"{name}@example.com"))).id or 0)
        await uow.commit()
    for name in names[3:]:  # and one per transaction
        ids.append(await container.bus.handle(CreateCustomer(name=name)))
    collector = Collector()
    await dispatcher_with(container, collector).drain()
    published = [
        e.customer_id for e in collector.events if e.type == "customer.created" and e.customer_id in ids
    ]  # type: ignore[attr-defined]
    assert published == ids
    rows = await created_rows(container, *ids)
    assert [json.loads(r.payload)["customer_id"] for r in rows] == ids


async def test_a_replayed_provider_id_stores_one_message(container: Container) -> None:
    sid = unique("SM")
    sender = random_phone()
    first = await container.bus.handle(
        ReceiveInbound(channel=Channel.SMS, sender=sender, body="hi", provider_message_id=sid)
    )
    again = await container.bus.handle(
        ReceiveInbound(channel=Channel.SMS, sender=sender, body="hi", provider_message_id=sid)
    )
    assert again.duplicate and again.interaction_id == first.interaction_id
    assert await count_rows(container, Message, Message.provider_message_id == sid) == 1


async def test_concurrent_deliveries_of_one_provider_id_store_one_message(container: Container) -> None:
    for _ in range(3):
        sid = unique("SM")
        cmd = ReceiveInbound(channel=Channel.SMS, sender=random_phone(), body="hi", provider_message_id=sid)
        results = await asyncio.gather(container.bus.handle(cmd), container.bus.handle(cmd))
        assert await count_rows(container, Message, Message.provider_message_id == sid) == 1
        assert results[0].interaction_id == results[1].interaction_id
        assert results[0].message_id == results[1].message_id
        assert sorted(r.duplicate for r in results) == [False, True]


async def test_concurrent_first_contacts_from_one_address_make_one_customer(container: Container) -> None:
    sender = random_phone()
    commands = [
        ReceiveInbound(channel=Channel.SMS, sender=sender, body=f"part {i}", provider_message_id=unique("SM"))
        for i in range(3)
    ]
    results = await asyncio.gather(*(container.bus.handle(cmd) for cmd in commands))
    assert len({r.customer_id for r in results}) == 1
    assert await count_rows(container, CustomerIdentity, CustomerIdentity.address == sender) == 1
    for cmd in commands:
        assert (
            await count_rows(container, Message, Message.provider_message_id == cmd.provider_message_id) == 1
        )
    assert await count_rows(container, Interaction, Interaction.customer_id == results[0].customer_id) >= 1


async def test_every_command_writes_its_audit_entry_in_the_same_transaction(container: Container) -> None:
    name = unique("audited")
    customer_id = await container.bus.handle(CreateCustomer(name=name))
    assert (
        await count_rows(
            container, AuditEntry, AuditEntry.entity == "customer", AuditEntry.entity_id == customer_id
        )
        == 1
    )


async def test_a_row_no_handler_can_read_is_skipped_and_the_events_behind_it_still_leave(
    container: Container,
) -> None:
    """A type this version does not know (written by a newer one) or a broken payload: logged and
    passed over, never retried for ever in front of every later event."""
    now = datetime.now(UTC)
    async with container.uow() as uow:
        uow.session.add(OutboxEvent(event_type=unique("from.the.future"), payload="{}", created_at=now))
        uow.session.add(OutboxEvent(event_type="customer.created", payload="{not json", created_at=now))
        await uow.commit()
    collector = Collector()
    dispatcher = dispatcher_with(container, collector)
    customer_id = await container.bus.handle(CreateCustomer(name=unique("behind")))  # a straggler here
    for _ in range(20):
        await dispatcher.drain()
        if collector.of("customer.created", customer_id=customer_id):
            break
    assert len(collector.of("customer.created", customer_id=customer_id)) == 1
    async with container.uow() as uow:
        unpublished = select(OutboxEvent).where(col(OutboxEvent.published_at).is_(None))
        left = (await uow.session.exec(unpublished)).all()
    assert left == []
