"""The chat's outbound port: how an agent's reply reaches the visitor.

The reply is stored first (`services/messages.py`); its `message.added` event wakes the visitor's
connections on every web process (`hub.py`), which read it from the database and push it, and a
visitor who is away reads it when they return, from their last sequence number. So there is no
provider to call: delivering nudges this process's connections at once (when it serves any) and
reports the message delivered. Router and worker processes, which hold no visitor, deliver too.
"""

from __future__ import annotations

from channels.webchat.hub import VisitorHub
from contact_center.domain.enums import Channel, DeliveryStatus
from contact_center.outbound import OutboundMessage


class WebchatOutbound:
    def __init__(self, hub: VisitorHub | None = None) -> None:
        self._hub = hub

    @property
    def channel(self) -> Channel:
        return Channel.CHAT

    async def deliver(self, message: OutboundMessage) -> DeliveryStatus:
        if self._hub is not None:
            await self._hub.wake_interaction(message.interaction_id)
        return DeliveryStatus.DELIVERED
