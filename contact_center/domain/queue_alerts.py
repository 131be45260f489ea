"""Alert episodes of a queue: from the moment its wallboard turns red until it clears.

At most one episode per queue is open (`cleared_at` null): a partial unique index, so however many
schedulers evaluate the figures at once, one insert wins and the episode, and its one e-mail, are
claimed in the database. The mail columns are the send-once claim of `services/queue_alerts.py`,
as a transcript request's are (docs/supervisor.md, Alerts).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from contact_center.domain.columns import json_field, utc_field
from contact_center.domain.interactions import InteractionTransition

# The wallboard's figures of today (`queries/wallboard_today.py`) read these columns of today's
# transitions of some queues: covered by the index, they never touch the table's rows.
_transitions = InteractionTransition.__table__  # type: ignore[attr-defined]
TODAY_INDEX = Index(
    "ix_interaction_transition_queue_at_states",
    _transitions.c.queue_id,
    _transitions.c.at,
    _transitions.c.interaction_id,
    _transitions.c.from_state,
    _transitions.c.to_state,
    _transitions.c.id,
)


class AlertMail(StrEnum):
    NONE = "none"  # nobody to tell
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class QueueAlert(SQLModel, table=True):
    __tablename__ = "queue_alert"
    __table_args__ = (
        Index(
            "uq_queue_alert_one_open_per_queue",
            "queue_id",
            unique=True,
            sqlite_where=text("cleared_at IS NULL"),
            postgresql_where=text("cleared_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    queue_id: int = Field(foreign_key="queue.id", index=True)
    opened_at: datetime = utc_field()
    cleared_at: datetime | None = utc_field(nullable=True)
    #: Why it fired, in words a mail can carry: `[{"figure": "longest_wait_s", "value": 300, "limit": 120}]`.
    reasons: list[dict[str, float | str]] = json_field(list)
    mail_status: str = Field(default=AlertMail.NONE.value, max_length=20)
    mail_attempts: int = 0
    mail_claimed_at: datetime | None = utc_field(nullable=True)
    #: The addresses mailed so far, so a retry after a deferral mails only the others.
    mailed_to: list[str] = json_field(list)
    mailed_at: datetime | None = utc_field(nullable=True)
    mail_error: str = Field(default="", max_length=500)
