"""The append-only audit log: who changed what, when. Database triggers refuse UPDATE and DELETE."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from contact_center.domain.columns import json_field, utc_field


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"
    #: One entity's entries over a time range (an agent's presence changes since midnight, for the
    #: agents view and adherence; a customer's trail); serves lookups by entity_id alone too.
    __table_args__ = (Index("ix_audit_entry_entity_id_at", "entity_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_field(index=True)
    actor: str = Field(max_length=100)
    entity: str = Field(max_length=50)
    entity_id: int
    action: str = Field(max_length=50)
    changes: dict[str, Any] = json_field(dict)
