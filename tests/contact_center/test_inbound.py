"""The path of an inbound contact through the service layer, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from contact_center.bootstrap import Container
from contact_center.domain.commands import CreateQueue, ReceiveInbound, TransitionInteraction
from contact_center.domain.enums import Channel, InteractionState
from contact_center.domain.errors import UnprocessableError
from contact_center.domain.events import event_from_json
from contact_center.domain.interactions import Interaction, InteractionTransition, Message
from contact_center.domain.routing import OfferState
from contact_center.storage.outbox import OutboxEvent
from contact_center.storage.routing import RoutingRepository
from tests.conftest import unique
from tests.contact_center.conftest import offer_and_accept, offer_as_router


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
    await offer_and_accept(container, first.interaction_id, agent_id)
    await container.bus.handle(
        TransitionInteraction(interaction_id=first.interaction_id, target=InteractionState.PENDING)
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


async def test_transfer_refuses_a_queue_that_does_not_serve_the_channel(container: Container) -> None:
    from contact_center.domain.commands import CreateAgent

    email_only, voice_queue = unique("q"), unique("q")
    await container.bus.handle(CreateQueue(name=email_only, channels=(Channel.EMAIL,)))
    await container.bus.handle(CreateQueue(name=voice_queue, channels=(Channel.VOICE,)))
    agent_id = await container.bus.handle(CreateAgent(username=unique("a")))
    call = await container.bus.handle(
        ReceiveInbound(
            channel=Channel.VOICE,
            sender=f"+1415{uuid_digits():04d}{uuid_digits():03d}"[:12],
            body="",
            queue=voice_queue,
        )
    )
    await offer_and_accept(container, call.interaction_id, agent_id)
    try:
        await container.bus.handle(
            TransitionInteraction(
                interaction_id=call.interaction_id, target=InteractionState.TRANSFERRED, queue=email_only
            )
        )
    except Exception as exc:
        assert type(exc).__name__ == "UnprocessableError"
    else:
        raise AssertionError("a call cannot be transferred into an email-only queue")
    async with container.uow() as uow:
        assert (await uow.interactions.get(call.interaction_id)).state == InteractionState.ACTIVE


async def test_requeue_into_another_queue_records_the_queue_it_entered(container: Container) -> None:
    from contact_center.domain.commands import CreateAgent

    first, second = unique("q"), unique("q")
    for name in (first, second):
        await container.bus.handle(CreateQueue(name=name, channels=(Channel.CHAT,)))
    agent_id = await container.bus.handle(CreateAgent(username=unique("a")))
    chat = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=unique("v"), body="hi", queue=first)
    )
    await offer_as_router(container, chat.interaction_id, agent_id)
    await container.bus.handle(
        TransitionInteraction(
            interaction_id=chat.interaction_id, target=InteractionState.QUEUED, queue=second
        )
    )
    async with container.uow() as uow:
        second_id = (await uow.queues.named(second)).id
        interaction = await uow.interactions.get(chat.interaction_id)
        transitions = await uow.interactions.transitions(chat.interaction_id)
        offers = await RoutingRepository(uow.session).offers_for(chat.interaction_id)
    assert interaction.queue_id == second_id
    assert transitions[-1].to_state == InteractionState.QUEUED and transitions[-1].queue_id == second_id
    # Taken back from the offer: the offer is withdrawn with it, never left open on queued work.
    assert [o.state for o in offers] == [OfferState.WITHDRAWN]


async def test_no_command_moves_an_interaction_to_offered(container: Container) -> None:
    """`offered` exists only with an open offer, which only the router's offer path writes."""
    from contact_center.domain.commands import CreateAgent

    agent_id = await container.bus.handle(CreateAgent(username=unique("a")))
    chat = await container.bus.handle(ReceiveInbound(channel=Channel.CHAT, sender=unique("v"), body="hi"))
    with pytest.raises(UnprocessableError) as refused:
        await container.bus.handle(
            TransitionInteraction(
                interaction_id=chat.interaction_id, target=InteractionState.OFFERED, agent_id=agent_id
            )
        )
    assert refused.value.code == "offer_by_router_only"
    async with container.uow() as uow:
        assert (await uow.interactions.get(chat.interaction_id)).state == InteractionState.QUEUED
        assert await RoutingRepository(uow.session).offers_for(chat.interaction_id) == []


async def test_the_same_phone_written_twice_is_one_identity(container: Container) -> None:
    from contact_center.domain.commands import CreateCustomer

    digits = f"{uuid_digits():04d}"
    customer_id = await container.bus.handle(
        CreateCustomer(name="陈静", phones=(f"+1 646 557 {digits}", f"(646) 557-{digits}"))
    )
    async with container.uow() as uow:
        identities = await uow.customers.identities(customer_id)
    assert [i.address for i in identities] == [f"+1646557{digits}"]


async def test_an_available_agent_handling_an_interaction_counts_as_busy(container: Container) -> None:
    from contact_center.domain.commands import CreateAgent, SetPresence
    from contact_center.domain.enums import Presence
    from contact_center.queries.dashboard import agents_by_state

    agent_id = await container.bus.handle(CreateAgent(username=unique("a")))
    await container.bus.handle(SetPresence(agent_id=agent_id, presence=Presence.AVAILABLE))
    async with container.uow() as uow:
        before = await agents_by_state(uow)
    chat = await container.bus.handle(ReceiveInbound(channel=Channel.CHAT, sender=unique("v"), body="hi"))
    await offer_and_accept(container, chat.interaction_id, agent_id)
    async with container.uow() as uow:
        after = await agents_by_state(uow)
    assert after["busy"] == before["busy"] + 1
    assert after["available"] == before["available"] - 1


async def test_digits_inside_a_word_do_not_match_phone_numbers(container: Container) -> None:
    from contact_center.domain.commands import CreateCustomer

    digits = f"{uuid_digits():04d}"
    phone_owner = await container.bus.handle(
        CreateCustomer(name="Phone Owner", phones=(f"+1646558{digits}",))
    )
    async with container.uow() as uow:
        by_word = [c.id for c in await uow.customers.search(f"order{digits}x", limit=50)]
        by_number = [c.id for c in await uow.customers.search(f"(646) 558-{digits}", limit=50)]
    assert phone_owner not in by_word
    assert phone_owner in by_number


async def test_last_contact_is_the_latest_message_for_new_and_known_customers(container: Container) -> None:
    from datetime import UTC, datetime, timedelta

    first_at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    sender = unique("visitor")

    def chat(at: datetime) -> ReceiveInbound:
        return ReceiveInbound(channel=Channel.CHAT, sender=sender, body="hi", received_at=at)

    created = await container.bus.handle(chat(first_at))  # a new customer: stamped at creation
    async with container.uow() as uow:
        assert (await uow.customers.get(created.customer_id)).last_contact_at == first_at
    later = first_at + timedelta(minutes=5)
    again = await container.bus.handle(chat(later))  # known now: its row is updated
    assert again.customer_id == created.customer_id
    async with container.uow() as uow:
        assert (await uow.customers.get(created.customer_id)).last_contact_at == later


async def test_a_message_event_says_whose_conversation_it_is_and_where_it_waits(container: Container) -> None:
    """The desks' stream and the chat's push decide from the event itself, without a read."""
    queue = unique("q")
    queue_id = await container.bus.handle(CreateQueue(name=queue, channels=(Channel.CHAT,)))
    received = await container.bus.handle(
        ReceiveInbound(
            channel=Channel.CHAT,
            sender=unique("visitor"),
            body="hi",
            provider_message_id=unique("c"),
            queue=queue,
        )
    )
    async with container.uow() as uow:
        rows = (
            await uow.session.exec(select(OutboxEvent).where(OutboxEvent.event_type == "message.added"))
        ).all()
    [event] = [
        e
        for e in (event_from_json(r.event_type, r.payload) for r in rows)
        if e.message_id == received.message_id
    ]  # type: ignore[attr-defined]
    assert (event.customer_id, event.agent_id, event.queue_id) == (received.customer_id, None, queue_id)  # type: ignore[attr-defined]
