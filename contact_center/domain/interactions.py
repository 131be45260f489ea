"""Interactions (one contact on one channel), their messages and every state transition they took."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from contact_center.domain.columns import enum_field, json_field, utc_field
from contact_center.domain.enums import (
    AuthorKind,
    Channel,
    DeliveryStatus,
    Direction,
    InteractionState,
)
from contact_center.domain.states import check_transition


class Interaction(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    channel: Channel = enum_field(Channel, index=True)
    direction: Direction = enum_field(Direction, default=Direction.INBOUND)
    state: InteractionState = enum_field(InteractionState, default=InteractionState.NEW, index=True)
    queue_id: int | None = Field(default=None, foreign_key="queue.id", index=True)
    priority: int = 0
    required_skills: dict[str, int] = json_field(dict)
    subject: str = Field(default="", max_length=500)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    agent_id: int | None = Field(default=None, foreign_key="agent.id", index=True)
    wrap_up_code: str | None = Field(default=None, max_length=50)
    created_at: datetime = utc_field(index=True)
    state_changed_at: datetime = utc_field()
    queued_at: datetime | None = utc_field(nullable=True)
    answered_at: datetime | None = utc_field(nullable=True)
    closed_at: datetime | None = utc_field(nullable=True)
    #: A transfer to one agent: offered only to them (when they can take it) until `transfer_until`,
    #: then to anyone in the queue. Cleared once an agent takes it.
    transfer_agent_id: int | None = Field(default=None, foreign_key="agent.id")
    transfer_until: datetime | None = utc_field(nullable=True)
    #: When the system closes it if it is still in wrap-up (the desk shows a countdown to it).
    wrap_up_deadline: datetime | None = utc_field(nullable=True, index=True)
    #: Flagged to a supervisor, its state unchanged (its agent's desk closed and did not come
    #: back, say): since when and why. Any move clears it: someone took the interaction on.
    flagged_at: datetime | None = utc_field(nullable=True)
    flag_reason: str | None = Field(default=None, max_length=100)

    def move_to(self, target: InteractionState, at: datetime) -> InteractionState:
        """Apply a legal transition and stamp its time; returns the state it left."""
        previous = InteractionState(self.state)
        check_transition(Channel(self.channel), previous, target)
        self.state = target
        self.state_changed_at = at
        self.flagged_at = self.flag_reason = None
        if target is InteractionState.QUEUED:
            self.queued_at = at
            self.agent_id = None
        elif target is InteractionState.ACTIVE:
            self.answered_at = self.answered_at or at
            self.transfer_agent_id = self.transfer_until = None
        elif target in (InteractionState.CLOSED, InteractionState.ABANDONED):
            self.closed_at = at
            self.transfer_agent_id = self.transfer_until = self.wrap_up_deadline = None
        return previous


class InteractionTransition(SQLModel, table=True):
    """The timestamp of every transition, so wait and handle times can be measured afterwards."""

    __tablename__ = "interaction_transition"

    id: int | None = Field(default=None, primary_key=True)
    interaction_id: int = Field(foreign_key="interaction.id", index=True)
    from_state: InteractionState = enum_field(InteractionState)
    to_state: InteractionState = enum_field(InteractionState)
    at: datetime = utc_field()
    actor: str = Field(default="system", max_length=100)
    agent_id: int | None = Field(default=None, foreign_key="agent.id")
    queue_id: int | None = Field(default=None, foreign_key="queue.id")


class Message(SQLModel, table=True):
    """Content of an interaction; (channel, provider_message_id) is unique so a retry stores nothing."""

    __table_args__ = (UniqueConstraint("channel", "provider_message_id", name="uq_message_provider_id"),)

    id: int | None = Field(default=None, primary_key=True)
    interaction_id: int = Field(foreign_key="interaction.id", index=True)
    channel: Channel = enum_field(Channel)
    direction: Direction = enum_field(Direction)
    author_kind: AuthorKind = enum_field(AuthorKind)
    author_agent_id: int | None = Field(default=None, foreign_key="agent.id")
    body: str = ""
    provider_message_id: str | None = Field(default=None, max_length=255)
    attachments: list[dict[str, Any]] = json_field(list)
    delivery_status: DeliveryStatus = enum_field(DeliveryStatus, default=DeliveryStatus.RECEIVED)
    created_at: datetime = utc_field()
    #: When the latest try at handing an outbound message to its provider began (`sending`).
    delivery_claimed_at: datetime | None = utc_field(nullable=True)
