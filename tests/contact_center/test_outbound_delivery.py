"""A reply handed to its provider is never sent again once the provider's acceptance is recorded;
a try cut off before that hands it over again under the same idempotency key.

The adapter here stands for the provider, as a provider's API does: it records every hand-over
and, like a provider honouring idempotency keys, keeps one message per key.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col

from contact_center.bootstrap import Container
from contact_center.domain.commands import ReceiveInbound, SendMessage
from contact_center.domain.enums import Channel, DeliveryStatus
from contact_center.domain.events import MessageAdded
from contact_center.domain.interactions import Message
from contact_center.outbound import OutboundMessage
from contact_center.services.interactions import message_added
from contact_center.services.messages import SENDING_FOR, OutboundDelivery
from tests.conftest import unique
from tests.contact_center.api.conftest import new_agent
from tests.contact_center.conftest import offer_and_accept


class KeyedProvider:
    channel = Channel.CHAT

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.accepted: dict[str, str] = {}
        self.pause_s = 0.0

    async def deliver(self, message: OutboundMessage) -> DeliveryStatus:
        self.calls.append(message.idempotency_key)
        await asyncio.sleep(self.pause_s)
        self.accepted.setdefault(message.idempotency_key, message.body)
        return DeliveryStatus.SENT


@pytest.fixture
def provider(container: Container) -> KeyedProvider:
    adapter = KeyedProvider()
    container.outbound.plug(adapter)
    return adapter


async def reply(container: Container, body: str) -> MessageAdded:
    agent = await new_agent(container)
    received = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=unique("visitor"), body="hello?")
    )
    await offer_and_accept(container, received.interaction_id, agent.agent_id)
    message = await container.bus.handle(
        SendMessage(interaction_id=received.interaction_id, agent_id=agent.agent_id, body=body)
    )
    return message_added(message)


async def status_of(container: Container, message_id: int) -> DeliveryStatus:
    async with container.uow() as uow:
        return DeliveryStatus((await uow.messages.get(message_id)).delivery_status)


async def test_a_retried_delivery_is_not_sent_again_once_the_provider_accepted_it(
    container: Container, provider: KeyedProvider
) -> None:
    event = await reply(container, "Your order left today")
    delivery = OutboundDelivery(container.uow, container.outbound)
    await delivery.on_event(event)
    await delivery.on_event(event)  # the event again: a consumer died before acknowledging it
    assert provider.calls == [f"cc-message-{event.message_id}"]
    assert await status_of(container, event.message_id) == DeliveryStatus.SENT


async def test_two_tries_at_once_hand_the_message_over_once(
    container: Container, provider: KeyedProvider
) -> None:
    event = await reply(container, "Two consumers, one reply")
    provider.pause_s = 0.2
    first, second = (
        OutboundDelivery(container.uow, container.outbound),
        OutboundDelivery(container.uow, container.outbound),
    )
    await asyncio.gather(first.on_event(event), second.on_event(event))
    assert len(provider.calls) == 1


async def test_a_try_cut_off_after_the_hand_over_is_repeated_under_the_same_key(
    container: Container, provider: KeyedProvider
) -> None:
    event = await reply(container, "Cut off mid-way")
    key = f"cc-message-{event.message_id}"
    # The first try handed it over and its process died before recording the answer.
    provider.accepted[key] = "Cut off mid-way"
    async with container.uow() as uow:
        await uow.session.exec(
            update(Message)
            .where(col(Message.id) == event.message_id)
            .values(
                delivery_status=DeliveryStatus.SENDING,
                delivery_claimed_at=container.clock() - SENDING_FOR - timedelta(seconds=1),
            )
        )
        await uow.commit()
    delivery = OutboundDelivery(container.uow, container.outbound)
    await delivery.on_event(event)
    await delivery.on_event(event)
    assert provider.calls == [key]  # handed over once more, recognised by the provider, then never
    assert provider.accepted == {key: "Cut off mid-way"}
    assert await status_of(container, event.message_id) == DeliveryStatus.SENT
