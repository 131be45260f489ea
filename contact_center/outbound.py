"""The outbound port: how a reply an agent wrote leaves through its channel (adapters in `channels/`).

Each channel adapter (web chat, SMS, email, ...) implements `OutboundChannel`; the composition
root plugs the ones it has into `OutboundPorts`. The core never knows a provider's shape: it
stores the reply, and the delivery service hands the adapter an `OutboundMessage` and records the
status the adapter reports. A channel without an adapter cannot send, and the core says so before
storing anything, so an agent is never shown a reply that will not leave.

A reply may be handed to its adapter more than once: the process delivering it can die after the
provider accepted it and before that was recorded, and the event is then delivered again. So
each message carries an `idempotency_key` derived from its id, the same on every try, and an
adapter passes it to its provider (Twilio's `I-Twilio-Idempotency-Token`, a mail's Message-ID),
which recognises the second hand-over as the first. Once a try has been recorded as accepted,
nothing hands the message over again (`services/messages.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from contact_center.domain.enums import Channel, DeliveryStatus


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A stored reply, as an adapter needs it to send it."""

    message_id: int
    interaction_id: int
    customer_id: int
    channel: Channel
    body: str
    subject: str = ""
    attachments: tuple[dict[str, Any], ...] = field(default=())

    @property
    def idempotency_key(self) -> str:
        """The same for every try at sending this message, and for no other message."""
        return f"cc-message-{self.message_id}"


class OutboundChannel(Protocol):
    """What a channel adapter implements to send replies."""

    @property
    def channel(self) -> Channel: ...

    async def deliver(self, message: OutboundMessage) -> DeliveryStatus:
        """Send it (or hand it to the provider, with `message.idempotency_key`) and say how far it
        got; raise on a failure that a retry may cure."""
        ...


class OutboundPorts:
    """The adapters this process has, one per channel."""

    def __init__(self, adapters: Iterable[OutboundChannel] = ()) -> None:
        self._adapters: dict[Channel, OutboundChannel] = {}
        for adapter in adapters:
            self.plug(adapter)

    def plug(self, adapter: OutboundChannel) -> None:
        if adapter.channel in self._adapters:
            raise ValueError(f"two outbound adapters for {adapter.channel.value}")
        self._adapters[adapter.channel] = adapter

    def can_send(self, channel: Channel) -> bool:
        return channel in self._adapters

    def sending(self) -> frozenset[Channel]:
        """The channels that can send, for a desk to show before an agent types."""
        return frozenset(self._adapters)

    def adapter(self, channel: Channel) -> OutboundChannel | None:
        return self._adapters.get(channel)
