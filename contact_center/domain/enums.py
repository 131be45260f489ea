"""Closed vocabularies of the domain, stored as their string values."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    VOICE = "voice"
    SMS = "sms"
    EMAIL = "email"
    CHAT = "chat"

    @property
    def is_async(self) -> bool:
        """Email and SMS threads may wait on the customer (`pending`); calls and chats may not."""
        return self in (Channel.EMAIL, Channel.SMS)


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class InteractionState(StrEnum):
    NEW = "new"
    QUEUED = "queued"
    OFFERED = "offered"
    ACTIVE = "active"
    WRAP_UP = "wrap_up"
    CLOSED = "closed"
    ABANDONED = "abandoned"
    TRANSFERRED = "transferred"
    PENDING = "pending"


class Presence(StrEnum):
    OFFLINE = "offline"
    AVAILABLE = "available"
    AWAY = "away"
    BUSY = "busy"
    WRAP_UP = "wrap_up"


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    PLANNER = "planner"
    ADMIN = "admin"
    #: A system that sends contacts in (`POST /api/v1/inbound`) and may do nothing else.
    INTEGRATION = "integration"


class CustomerClass(StrEnum):
    """The company rules' four classes: important, general, potential and dissenting customers."""

    VIP = "vip"
    REGULAR = "regular"
    POTENTIAL = "potential"
    COMPLAINT = "complaint"


class LifecycleStage(StrEnum):
    POTENTIAL = "potential"
    ACQUISITION = "acquisition"
    GROWTH = "growth"
    MATURITY = "maturity"
    DECLINE = "decline"
    LOST = "lost"


class SizeBand(StrEnum):
    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    SOLE_TRADER = "sole_trader"


class IdentityKind(StrEnum):
    """How a customer is reached; voice and SMS share the phone identity."""

    PHONE = "phone"
    EMAIL = "email"
    CHAT = "chat"


class AuthorKind(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"


class DeliveryStatus(StrEnum):
    RECEIVED = "received"
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    READ = "read"


CHANNEL_IDENTITY: dict[Channel, IdentityKind] = {
    Channel.VOICE: IdentityKind.PHONE,
    Channel.SMS: IdentityKind.PHONE,
    Channel.EMAIL: IdentityKind.EMAIL,
    Channel.CHAT: IdentityKind.CHAT,
}

DEFAULT_CAPACITY: dict[str, int] = {"voice": 1, "chat": 3, "sms": 5, "email": 5}
