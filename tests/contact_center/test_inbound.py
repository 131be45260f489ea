"""The path of an inbound contact through the service layer, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select

from contact_center.bootstrap import Container
from contact_center.domain.commands import CreateQueue, ReceiveInbound, TransitionInteraction
from contact_center.domain.enums import Channel, InteractionState
from contact_center.domain.interactions import Interaction, InteractionTransition, Message
from contact_center.storage.outbox import OutboxEvent
from tests.conftest import unique


def phone() -> str:
    return "+1415555" + str(uuid_digits())[:4]


def uuid_digits() -> int:
    import uuid

    return uuid.uuid4().int % 10_000


async def _count(container: Container, model: type, *where: object) -> int:
    async with container.uow() as uow:
        stmt = select(func.count()).select_from(model)
        for clause in where:
            stmt = stmt.where(clause)  # type: ignore[arg-type]
        return int((await uow.session.exec(stmt)).one())


async def test_inbound_sms_creates_customer_and_queues_interaction(container: Container) -> None:
    queue = unique("q")
    await container.bus.handle(CreateQueue(name=queue, channels=(Channel.SMS,)))
    sender = f"+1415{uuid_digits():04d}{uuid_digits():03d}"[:12]
    received = await container.bus.handle(
        ReceiveInbound(
            channel=Channel.SMS, sender=sender, body="hello", provider_message_id=unique("SM"), queue=queue
        )
    )
    async with container.uow() as uow:
        interaction = await uow.interactions.get(received.interaction_id)
        assert interaction.state == InteractionState.QUEUED
        assert interaction.queued_at is not None
        customer = await uow.customers.get(received.customer_id)
        identities = await uow.customers.identities(customer.id or 0)
        assert [i.address for i in identities] == [sender]
        transitions = await uow.interactions.transitions(received.interaction_id)
        assert [(t.from_state, t.to_state) for t in transitions] == [("new", "queued")]


async def test_replayed_provider_id_stores_one_message(container: Container) -> None:
    sid = unique("SM")
    sender = f"+1415{uuid_digits():04d}{uuid_digits():03d}"[:12]
    first = await container.bus.handle(
        ReceiveInbound(channel=Channel.SMS, sender=sender, body="a", provider_message_id=sid)
    )
    again = await container.bus.handle(
        ReceiveInbound(channel=Channel.SMS, sender=sender, body="a", provider_message_id=sid)
    )
    assert (
        again.duplicate
        and again.interaction_id == first.interaction_id
        and again.message_id == first.message_id
    )
    assert await _count(container, Message, Message.provider_message_id == sid) == 1


async def test_customer_reply_continues_the_open_thread(container: Container) -> None:
    sender = f"{unique('c')}@example.com"
    first = await container.bus.handle(
        ReceiveInbound(channel=Channel.EMAIL, sender=sender.upper(), body="one")
    )
    second = await container.bus.handle(ReceiveInbound(channel=Channel.EMAIL, sender=sender, body="two"))
    assert second.interaction_id == first.interaction_id
    assert second.customer_id == first.customer_id


async def test_reply_to_pending_email_requeues_it(container: Container) -> None:
    from contact_center.domain.commands import CreateAgent

    agent_id = await container.bus.handle(CreateAgent(username=unique("a")))
    sender = f"{unique('c')}@example.com"
    first = await container.bus.handle(ReceiveInbound(channel=Channel.EMAIL, sender=sender, body="one"))
    for target in (InteractionState.OFFERED, InteractionState.ACTIVE, InteractionState.PENDING):
        await container.bus.handle(
            TransitionInteraction(interaction_id=first.interaction_id, target=target, agent_id=agent_id)
        )
    again = await container.bus.handle(ReceiveInbound(channel=Channel.EMAIL, sender=sender, body="two"))
    assert again.interaction_id == first.interaction_id
    async with container.uow() as uow:
        assert (await uow.interactions.get(first.interaction_id)).state == InteractionState.QUEUED


async def test_failing_command_leaves_no_rows_and_no_outbox_event(container: Container) -> None:
    queue = unique("q")
    before_interactions = await _count(container, Interaction)
    before_outbox = await _count(container, OutboxEvent)
    before_transitions = await _count(container, InteractionTransition)
    sender = f"{unique('c')}@example.com"
    try:
        # The queue does not exist: the handler fails after resolving (and creating) the customer.
        await container.bus.handle(
            ReceiveInbound(channel=Channel.EMAIL, sender=sender, body="x", queue=queue)
        )
    except Exception as exc:
        assert type(exc).__name__ == "NotFoundError"
    else:
        raise AssertionError("expected the unknown queue to fail the command")
    assert await _count(container, Interaction) == before_interactions
    assert await _count(container, OutboxEvent) == before_outbox
    assert await _count(container, InteractionTransition) == before_transitions
    async with container.uow() as uow:
        from contact_center.domain.identity import Address

        assert await uow.customers.by_address(Address.email(sender)) is None


async def test_illegal_transition_is_refused_and_changes_nothing(container: Container) -> None:
    sender = f"{unique('c')}@example.com"
    received = await container.bus.handle(ReceiveInbound(channel=Channel.CHAT, sender=unique("v"), body="hi"))
    del sender
    outbox_before = await _count(container, OutboxEvent)
    try:
        await container.bus.handle(
            TransitionInteraction(interaction_id=received.interaction_id, target=InteractionState.WRAP_UP)
        )
    except Exception as exc:
        assert type(exc).__name__ == "IllegalTransitionError"
    else:
        raise AssertionError("queued -> wrap_up must be refused")
    async with container.uow() as uow:
        assert (await uow.interactions.get(received.interaction_id)).state == InteractionState.QUEUED
    assert await _count(container, OutboxEvent) == outbox_before
    assert col(Interaction.id) is not None
