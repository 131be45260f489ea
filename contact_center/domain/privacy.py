"""What privacy keeps of its own: a key per customer for the audit log's personal values, and the
log of who looked at a customer. Design: docs/privacy.md.

Audit entries are append-only, so a personal value written into one could never be taken back.
Instead it is sealed under its customer's key; erasing the customer deletes the key, and the sealed
values can no longer be read by anyone (crypto-shredding).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import LargeBinary
from sqlmodel import Field, SQLModel

from contact_center.domain.columns import enum_field, utc_field


class CustomerKey(SQLModel, table=True):
    """The AES-256-GCM key that seals one customer's values in the audit log."""

    __tablename__ = "customer_key"

    customer_id: int = Field(
        foreign_key="customer.id", primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    key: bytes = Field(sa_type=LargeBinary, nullable=False)
    created_at: datetime = utc_field()


class AccessKind(StrEnum):
    """What a member of staff did with a customer's record."""

    VIEW = "view"
    HISTORY = "history"
    #: One of the customer's conversations read (an interaction with its messages).
    CONVERSATION = "conversation"
    AUDIT = "audit"
    EXPORT = "export"
    ERASE = "erase"


class CustomerAccess(SQLModel, table=True):
    """One look at a customer's record: who, when, and what they read. Holds no personal value."""

    __tablename__ = "customer_access"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    agent_id: int | None = Field(default=None, foreign_key="agent.id")
    actor: str = Field(max_length=100)
    kind: AccessKind = enum_field(AccessKind)
    at: datetime = utc_field(index=True)
