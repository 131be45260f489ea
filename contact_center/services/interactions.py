"""Interaction handlers: an inbound contact becomes a queued interaction; agents move it along.

`receive_inbound` is the path every channel adapter takes (STYLE.md, "How an inbound contact
flows"): de-duplicate on the provider id, resolve the customer, continue or open the interaction,
add the message, record the events, commit. Only then does the adapter answer the provider.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from contact_center.domain.commands import OpenInteraction, ReceiveInbound, TransitionInteraction
from contact_center.domain.customers import Customer
from contact_center.domain.enums import (
    CHANNEL_IDENTITY,
    AuthorKind,
    Channel,
    DeliveryStatus,
    Direction,
    InteractionState,
)
from contact_center.domain.errors import InvalidInputError, UnprocessableError
from contact_center.domain.events import TRANSITION_EVENTS, InteractionStarted, MessageAdded
from contact_center.domain.identity import Address
from contact_center.domain.interactions import Interaction, InteractionTransition, Message
from contact_center.domain.queues import Queue
from contact_center.services.customers import resolve_customer
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

MAX_BODY_CHARS = 100_000


@dataclass(frozen=True, slots=True)
class Received:
    interaction_id: int
    message_id: int
    customer_id: int
    duplicate: bool = False


async def receive_inbound(cmd: ReceiveInbound, uow: UnitOfWork, *, default_region: str = "US") -> Received:
    if len(cmd.body) > MAX_BODY_CHARS:
        raise InvalidInputError(f"message body longer than {MAX_BODY_CHARS} characters")
    try:
        return await _receive(cmd, uow, default_region)
    except IntegrityError:
        # A concurrent transaction won a race: it stored this provider message (the retry answers
        # with its result) or created this sender's customer (the retry finds it). Once is enough.
        log.info("inbound.retry_after_conflict", extra={"channel": cmd.channel.value})
        return await _receive(cmd, uow, default_region)


async def _receive(cmd: ReceiveInbound, uow: UnitOfWork, default_region: str) -> Received:
    async with uow:
        if cmd.provider_message_id is not None:
            known = await uow.messages.by_provider_id(cmd.channel, cmd.provider_message_id)
            if known is not None:
                interaction = await uow.interactions.get(known.interaction_id)
                log.info("inbound.duplicate", extra={"interaction_id": known.interaction_id})
                return Received(interaction.id or 0, known.id or 0, interaction.customer_id, duplicate=True)
        now = cmd.received_at or uow.now()
        address = Address.of(CHANNEL_IDENTITY[cmd.channel], cmd.sender, default_region)
        customer = await resolve_customer(uow, address, cmd.sender_name, cmd.actor)
        interaction = None
        if cmd.channel is not Channel.VOICE:
            interaction = await uow.interactions.open_thread(customer.id or 0, cmd.channel)
        if interaction is None:
            queue = await _queue_for(uow, cmd.channel, cmd.queue)
            interaction = await _create(
                uow, customer, cmd.channel, Direction.INBOUND, queue, cmd.subject, None
            )
            await transition(uow, interaction, InteractionState.QUEUED, actor="customer")
        elif interaction.state == InteractionState.PENDING:
            await transition(uow, interaction, InteractionState.QUEUED, actor="customer")
        message = Message(
            interaction_id=interaction.id or 0,
            channel=cmd.channel,
            direction=Direction.INBOUND,
            author_kind=AuthorKind.CUSTOMER,
            body=cmd.body,
            provider_message_id=cmd.provider_message_id,
            attachments=[dict(a) for a in cmd.attachments],
            delivery_status=DeliveryStatus.RECEIVED,
            created_at=now,
        )
        await uow.messages.added(message)
        customer.last_contact_at = now
        uow.emit(_message_added(message))
        await uow.commit()
        log.info("inbound.stored", extra={"interaction_id": interaction.id, "channel": cmd.channel.value})
        return Received(interaction.id or 0, message.id or 0, customer.id or 0)


async def open_interaction(cmd: OpenInteraction, uow: UnitOfWork) -> int:
    """Open an interaction from our side: queued for routing, or active when an agent starts it."""
    async with uow:
        customer = await uow.customers.get(cmd.customer_id, follow_merge=True)
        queue = await _queue_for(uow, cmd.channel, cmd.queue)
        if cmd.agent_id is not None:
            await uow.agents.get(cmd.agent_id)
        interaction = await _create(
            uow, customer, cmd.channel, cmd.direction, queue, cmd.subject, cmd.priority
        )
        if cmd.agent_id is not None:
            interaction.agent_id = cmd.agent_id
            await transition(
                uow, interaction, InteractionState.ACTIVE, actor=cmd.actor, agent_id=cmd.agent_id
            )
        else:
            await transition(uow, interaction, InteractionState.QUEUED, actor=cmd.actor)
        if cmd.body:
            inbound = cmd.direction is Direction.INBOUND
            message = Message(
                interaction_id=interaction.id or 0,
                channel=cmd.channel,
                direction=cmd.direction,
                author_kind=AuthorKind.CUSTOMER if inbound else AuthorKind.AGENT,
                author_agent_id=None if inbound else cmd.agent_id,
                body=cmd.body,
                provider_message_id=cmd.provider_message_id,
                delivery_status=DeliveryStatus.RECEIVED if inbound else DeliveryStatus.QUEUED,
                created_at=uow.now(),
            )
            await uow.messages.added(message)
            uow.emit(_message_added(message))
        customer.last_contact_at = uow.now()
        await uow.commit()
        return interaction.id or 0


async def transition_interaction(cmd: TransitionInteraction, uow: UnitOfWork) -> Interaction:
    async with uow:
        interaction = await uow.interactions.get(cmd.interaction_id, for_update=True)
        target = cmd.target
        queue_id = None
        if cmd.queue is not None:
            if target not in (InteractionState.TRANSFERRED, InteractionState.QUEUED):
                raise InvalidInputError("a queue can only be given when transferring or re-queueing")
            queue = await _queue_for(uow, Channel(interaction.channel), cmd.queue)
            queue_id = queue.id if queue else None
        if target in (InteractionState.OFFERED, InteractionState.ACTIVE):
            agent_id = cmd.agent_id if cmd.agent_id is not None else interaction.agent_id
            if agent_id is None:
                raise UnprocessableError(f"moving to {target.value} needs an agent_id")
            await uow.agents.get(agent_id)
            interaction.agent_id = agent_id
        if cmd.wrap_up_code is not None:
            interaction.wrap_up_code = cmd.wrap_up_code
        if target is InteractionState.QUEUED and queue_id is not None:
            interaction.queue_id = queue_id  # the transition row names the queue it entered
        await transition(uow, interaction, target, actor=cmd.actor, agent_id=interaction.agent_id)
        if target is InteractionState.TRANSFERRED:
            if queue_id is not None:
                interaction.queue_id = queue_id
            await transition(uow, interaction, InteractionState.QUEUED, actor=cmd.actor)
        if target is InteractionState.CLOSED and interaction.agent_id is not None:
            customer = await uow.customers.get(interaction.customer_id)
            customer.last_agent_id = interaction.agent_id
        await uow.commit()
        return interaction


async def transition(
    uow: UnitOfWork,
    interaction: Interaction,
    target: InteractionState,
    *,
    actor: str,
    agent_id: int | None = None,
) -> None:
    """Move, stamp, audit and emit in one place, so no transition escapes the history."""
    now = uow.now()
    previous = interaction.move_to(target, now)
    uow.session.add(interaction)
    uow.session.add(
        InteractionTransition(
            interaction_id=interaction.id or 0,
            from_state=previous,
            to_state=target,
            at=now,
            actor=actor,
            agent_id=agent_id,
            queue_id=interaction.queue_id,
        )
    )
    uow.audit(
        actor, "interaction", interaction.id or 0, "transition", {"from": previous.value, "to": target.value}
    )
    event_cls = TRANSITION_EVENTS.get(target.value, InteractionStarted)
    if previous is InteractionState.NEW and target is InteractionState.ACTIVE:
        event_cls = InteractionStarted
    uow.emit(
        event_cls(
            interaction_id=interaction.id or 0,
            channel=Channel(interaction.channel).value,
            queue_id=interaction.queue_id,
            customer_id=interaction.customer_id,
            agent_id=interaction.agent_id,
            from_state=previous.value,
            to_state=target.value,
            priority=interaction.priority,
            at=now,
        )
    )


async def _queue_for(uow: UnitOfWork, channel: Channel, name: str | None) -> Queue | None:
    if name is not None:
        queue = await uow.queues.named(name)
        if channel.value not in queue.channels:
            raise UnprocessableError(f"queue {name!r} does not take {channel.value}")
        return queue
    return await uow.queues.for_channel(channel)


async def _create(
    uow: UnitOfWork,
    customer: Customer,
    channel: Channel,
    direction: Direction,
    queue: Queue | None,
    subject: str,
    priority: int | None,
) -> Interaction:
    now = uow.now()
    interaction = Interaction(
        channel=channel,
        direction=direction,
        state=InteractionState.NEW,
        queue_id=queue.id if queue else None,
        priority=priority if priority is not None else (queue.priority if queue else 0),
        required_skills=dict(queue.required_skills) if queue else {},
        subject=subject[:500],
        customer_id=customer.id or 0,
        created_at=now,
        state_changed_at=now,
    )
    await uow.interactions.added(interaction)
    uow.audit("system", "interaction", interaction.id or 0, "create", {"channel": channel.value})
    return interaction


def _message_added(message: Message) -> MessageAdded:
    return MessageAdded(
        message_id=message.id or 0,
        interaction_id=message.interaction_id,
        channel=Channel(message.channel).value,
        direction=Direction(message.direction).value,
        author_kind=AuthorKind(message.author_kind).value,
        at=message.created_at,
    )
