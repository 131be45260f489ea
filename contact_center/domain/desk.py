"""What an agent's desk keeps besides contacts: canned responses and each queue's wrap-up codes.

Notes, follow-up tasks, the global wrap-up codes and satisfaction scores are in `work.py`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from contact_center.domain.columns import utc_field

#: The code the system closes an interaction with when its wrap-up time ran out.
WRAP_UP_TIMEOUT = "wrap_up_timeout"


class CannedResponse(SQLModel, table=True):
    """A prepared reply (快捷回复): personal to its owner, or shared with every agent.

    The body may hold `{customer_name}`, `{agent_name}` and `{reference}`, filled in on the server
    for one interaction when the agent picks it (`services/canned_responses.render`)."""

    __tablename__ = "canned_response"

    id: int | None = Field(default=None, primary_key=True)
    #: The agent who wrote it; None for a shared one whose author's account is gone.
    owner_agent_id: int | None = Field(default=None, foreign_key="agent.id", index=True)
    shared: bool = Field(default=False, index=True)
    title: str = Field(max_length=200)
    shortcut: str = Field(default="", max_length=50)
    body: str = Field(max_length=5000)
    created_at: datetime = utc_field()
    updated_at: datetime = utc_field()


class QueueWrapUpCode(SQLModel, table=True):
    """A wrap-up code on a queue's list: what its agents may close an interaction with."""

    __tablename__ = "queue_wrap_up_code"
    __table_args__ = (UniqueConstraint("queue_id", "code_id", name="uq_queue_wrap_up_code"),)

    id: int | None = Field(default=None, primary_key=True)
    queue_id: int = Field(foreign_key="queue.id", index=True)
    code_id: int = Field(foreign_key="wrap_up_code.id")
    position: int = 0
