"""The chat's outbound port: how an agent's reply reaches the visitor.

The reply is stored first (by the messages service); its `message.added` event wakes the visitor's
connections on every web process (`hub.py`), which read it from the database and push it. So
delivering here only nudges this process's connections at once and reports the message delivered:
a visitor who is away reads it when they return, from their last sequence number.
"""

from __future__ import annotations

from typing import Protocol

from channels.webchat.hub import VisitorHub
from contact_center.domain.enums import Channel, DeliveryStatus


class StoredMessage(Protocol):
    """What delivery reads of a stored message (the `Message` row has it)."""

    @property
    def interaction_id(self) -> int: ...


class WebchatOutbound:
    channel = Channel.CHAT

    def __init__(self, hub: VisitorHub) -> None:
        self._hub = hub

    async def deliver(self, message: StoredMessage) -> DeliveryStatus:
        await self._hub.wake_interaction(message.interaction_id)
        return DeliveryStatus.DELIVERED
