"""Replies: an agent (or a supervisor stepping in) writes on an interaction, and it leaves.

The reply is stored, with its `message.added` event, in one transaction; delivery through the
channel's adapter happens afterwards (`OutboundDelivery`, a subscriber of that event), so a slow
or failing provider never holds the agent's answer or the database. A channel with no adapter
refuses the reply before anything is stored: the desk says it cannot send, never pretends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col

from contact_center.domain.commands import SendMessage
from contact_center.domain.enums import AuthorKind, Channel, DeliveryStatus, Direction, InteractionState
from contact_center.domain.errors import ConflictError, ContactCenterError
from contact_center.domain.events import Event, MessageAdded
from contact_center.domain.interactions import Message
from contact_center.outbound import OutboundMessage, OutboundPorts
from contact_center.services import policy
from contact_center.services.interactions import message_added
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

#: Where a conversation is going on: being handled, in its wrap-up, or waiting on the customer.
IN_CONVERSATION = frozenset({InteractionState.ACTIVE, InteractionState.WRAP_UP, InteractionState.PENDING})


async def send_message(cmd: SendMessage, uow: UnitOfWork, *, ports: OutboundPorts) -> Message:
    async with uow:
        # Locked: a customer's message stored at the same time waits, so one conversation's
        # message ids follow their commit order (what a chat's "after seq" reads rely on).
        interaction = await uow.interactions.get(cmd.interaction_id, for_update=True)
        channel = Channel(interaction.channel)
        if cmd.principal is not None:
            policy.check(policy.reply_refusal(cmd.principal, interaction.agent_id), "interaction")
        state = InteractionState(interaction.state)
        if state not in IN_CONVERSATION:
            raise ConflictError(
                f"a reply is written on an interaction being handled; this one is {state.value}",
                code="not_in_conversation",
            )
        if not ports.can_send(channel):
            raise ConflictError(
                f"replies cannot be sent on {channel.value} yet: no adapter for it is installed",
                code="channel_cannot_send",
            )
        message = Message(
            interaction_id=cmd.interaction_id,
            channel=channel,
            direction=Direction.OUTBOUND,
            author_kind=AuthorKind.AGENT,
            author_agent_id=cmd.agent_id,
            body=cmd.body,
            delivery_status=DeliveryStatus.QUEUED,
            created_at=uow.now(),
        )
        await uow.messages.added(message)
        uow.emit(message_added(message, interaction))
        await uow.commit()
        return message


#: A try at handing a message over that began longer ago than this was cut off: an adapter gives up
#: on its provider well before (the provider's answer is then recorded as failed).
SENDING_FOR = timedelta(minutes=2)


class OutboundDelivery:
    """Hands each stored reply to its channel's adapter and records how far it got.

    Subscribed to `message.added` in a durable group, so with Redis one process delivers each
    reply, and a reply stored while no process ran is delivered when one starts. The event may
    still come twice (a consumer that died before acknowledging it, a pending entry claimed by
    another): a try first claims the message (`queued` to `sending`, stamped, by a conditional
    UPDATE), so of two tries at once only one hands it over; the adapter's answer is recorded
    after. A message found `sending` for longer than `SENDING_FOR` was being handed over when its
    process died, and whether the provider took it is unknown: it is claimed again and handed
    over under the same idempotency key, for the provider to recognise. One found sent, delivered
    or failed is left alone: once the provider's acceptance is recorded, it never leaves again."""

    def __init__(self, uow: Callable[[], UnitOfWork], ports: OutboundPorts) -> None:
        self._uow = uow
        self._ports = ports

    async def on_event(self, event: Event) -> None:
        if not isinstance(event, MessageAdded) or event.direction != Direction.OUTBOUND.value:
            return
        adapter = self._ports.adapter(Channel(event.channel))
        if adapter is None:
            return
        outbound = await self._claim(event.message_id)
        if outbound is None:
            return
        try:
            status = await adapter.deliver(outbound)
        except Exception as exc:  # the provider's fault: recorded on the message, never raised on
            detail = exc.message if isinstance(exc, ContactCenterError) else type(exc).__name__
            log.warning("outbound.failed", extra={"message_id": event.message_id, "error": detail})
            status = DeliveryStatus.FAILED
        async with self._uow() as uow:
            await uow.session.exec(
                update(Message)
                .where(
                    col(Message.id) == event.message_id,
                    col(Message.delivery_status) == DeliveryStatus.SENDING,
                )
                .values(delivery_status=status)
            )
            await uow.commit()

    async def _claim(self, message_id: int) -> OutboundMessage | None:
        """The message to hand over, now claimed; None when it is not this try's to send."""
        async with self._uow() as uow:
            now = uow.now()
            message = await uow.messages.get(message_id)
            status, since = message.delivery_status, message.delivery_claimed_at
            if status == DeliveryStatus.SENDING and since is not None and now - since < SENDING_FOR:
                return None  # another try is handing it over right now
            if status not in (DeliveryStatus.QUEUED, DeliveryStatus.SENDING):
                return None  # the provider's answer is recorded: it never leaves again
            as_read = (
                col(Message.delivery_claimed_at).is_(None)
                if since is None
                else col(Message.delivery_claimed_at) == since
            )
            claimed = await uow.session.exec(
                update(Message)
                .where(col(Message.id) == message_id, col(Message.delivery_status) == status, as_read)
                .values(delivery_status=DeliveryStatus.SENDING, delivery_claimed_at=now)
            )
            if claimed.rowcount != 1:
                return None  # another try took it a moment ago
            if status == DeliveryStatus.SENDING:
                log.warning("outbound.handed_over_again", extra={"message_id": message_id})
            interaction = await uow.interactions.get(message.interaction_id)
            await uow.commit()
            return OutboundMessage(
                message_id=message_id,
                interaction_id=message.interaction_id,
                customer_id=interaction.customer_id,
                channel=Channel(message.channel),
                body=message.body,
                subject=interaction.subject,
                attachments=tuple(message.attachments),
            )
