"""Closed vocabularies of the domain, stored as their string values.

`Channel`, `Presence` and `CustomerClass` are the routing engine's own (`routing.vocabulary`),
re-exported: one definition, so a stored value and what the engine routes cannot drift apart.
"""

from __future__ import annotations

from enum import StrEnum

from routing.vocabulary import Channel, CustomerClass, Presence

__all__ = [
    "CHANNEL_IDENTITY",
    "DEFAULT_CAPACITY",
    "AuthorKind",
    "Channel",
    "CustomerClass",
    "DeliveryStatus",
    "Direction",
    "IdentityKind",
    "InteractionState",
    "LifecycleStage",
    "Presence",
    "Role",
    "SizeBand",
]


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


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    PLANNER = "planner"
    ADMIN = "admin"
    #: A system that sends contacts in (`POST /api/v1/inbound`) and may do nothing else.
    INTEGRATION = "integration"


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
    #: Handed to the provider, the outcome not yet recorded: a retry hands it over again under
    #: the same idempotency key.
    SENDING = "sending"
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
