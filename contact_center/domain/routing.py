"""What the router stores: offers (reservations of an agent for an interaction), the decision log
supervisors read, and the lease that fences a router that lost its leadership.

One open offer per interaction is a database constraint (a partial unique index), checked again
whatever the routers believe, so two routers can never offer one interaction twice.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from contact_center.domain.columns import enum_field, json_field, utc_field


class OfferState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class Offer(SQLModel, table=True):
    __table_args__ = (
        Index(
            "uq_offer_one_open_per_interaction",
            "interaction_id",
            unique=True,
            sqlite_where=text("state = 'open'"),
            postgresql_where=text("state = 'open'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    interaction_id: int = Field(foreign_key="interaction.id", index=True)
    agent_id: int = Field(foreign_key="agent.id", index=True)
    queue_id: int | None = Field(default=None, foreign_key="queue.id")
    state: OfferState = enum_field(OfferState, default=OfferState.OPEN, index=True)
    offered_at: datetime = utc_field()
    expires_at: datetime = utc_field()
    closed_at: datetime | None = utc_field(nullable=True)
    router_epoch: int = 0
    reason: str = ""


class RoutingDecision(SQLModel, table=True):
    """One line of the decision log: an offer, an expiry, a withdrawal, an agent set away."""

    __tablename__ = "routing_decision"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_field(index=True)
    kind: str = Field(max_length=30)
    interaction_id: int | None = Field(default=None, index=True)
    agent_id: int | None = Field(default=None, index=True)
    text: str = ""
    data: dict[str, Any] = json_field(dict)
    router_epoch: int = 0


class RouterLease(SQLModel, table=True):
    """The fencing epoch in the database: a write from a router with an older epoch is refused."""

    __tablename__ = "router_lease"

    id: int = Field(default=1, primary_key=True)
    epoch: int = 0
    holder: str = Field(default="", max_length=200)
    renewed_at: datetime | None = utc_field(nullable=True)
