"""The append-only audit log: who changed what, when. Database triggers refuse UPDATE and DELETE."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from contact_center.domain.columns import json_field, utc_field


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_field(index=True)
    actor: str = Field(max_length=100)
    entity: str = Field(max_length=50)
    entity_id: int = Field(index=True)
    action: str = Field(max_length=50)
    changes: dict[str, Any] = json_field(dict)
