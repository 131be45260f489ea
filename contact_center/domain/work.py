"""What follows a contact (后续作业): notes, follow-up tasks, wrap-up codes and satisfaction scores."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from contact_center.domain.columns import utc_field


class Note(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    interaction_id: int | None = Field(default=None, foreign_key="interaction.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="agent.id")
    body: str = ""
    created_at: datetime = utc_field()


class FollowUpTask(SQLModel, table=True):
    __tablename__ = "follow_up_task"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    interaction_id: int | None = Field(default=None, foreign_key="interaction.id")
    owner_id: int | None = Field(default=None, foreign_key="agent.id", index=True)
    title: str = Field(max_length=300)
    due_at: datetime = utc_field(index=True)
    done: bool = False
    done_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field()
    #: When the scheduler found it open past its due time and told its owner
    #: (services/follow_up_deadlines.py); empty while it is not overdue, or not yet seen so.
    overdue_at: datetime | None = utc_field(nullable=True)


class WrapUpCode(SQLModel, table=True):
    __tablename__ = "wrap_up_code"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=50, unique=True)
    label: str = Field(default="", max_length=200)
    is_active: bool = True


class SatisfactionScore(SQLModel, table=True):
    __tablename__ = "satisfaction_score"

    id: int | None = Field(default=None, primary_key=True)
    interaction_id: int = Field(foreign_key="interaction.id", unique=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    score: int = Field(ge=1, le=5)
    comment: str = ""
    created_at: datetime = utc_field()


class TranscriptStatus(StrEnum):
    """Where a transcript request stands (docs/webchat.md, Transcripts by email)."""

    #: Waiting for its job (or for the next attempt after the server deferred it).
    PENDING = "pending"
    #: A job claimed it and is handing it to the mail server.
    SENDING = "sending"
    SENT = "sent"
    #: Refused by the server, out of attempts, or its address erased: nothing more is tried.
    FAILED = "failed"
    #: Recorded while no mail server was configured; the visitor was told it could not be sent.
    UNAVAILABLE = "unavailable"


class TranscriptRequest(SQLModel, table=True):
    """A customer asked for a conversation's transcript by email. A job sends it once
    (`contact_center/transcripts/`): it claims the row (`sending`), sends, then records `sent_at`
    or the error. The address and the server's last answer are personal data: erasure blanks them."""

    __tablename__ = "transcript_request"

    id: int | None = Field(default=None, primary_key=True)
    interaction_id: int = Field(foreign_key="interaction.id", index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    email: str = Field(default="", max_length=254)
    #: The language the visitor chatted in (`en` or `zh-CN`): the transcript's language.
    language: str = Field(default="en", max_length=10)
    status: str = Field(default=TranscriptStatus.PENDING.value, max_length=20, index=True)
    #: Times a job handed it to the server (or tried to), successful or not.
    attempts: int = 0
    last_error: str = Field(default="", max_length=500)
    #: Chosen at the first claim and kept, so every attempt sends the same Message-ID.
    message_id: str | None = Field(default=None, max_length=255)
    #: When the current (or last) attempt claimed it: a claim older than the job time limit is stale.
    claimed_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field()
    sent_at: datetime | None = utc_field(nullable=True)
