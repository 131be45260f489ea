"""transcript mail: each transcript request's language, status, attempts, last error, Message-ID, claim

Requests recorded before this revision were answered "recorded" while nothing could send them; they
become `unavailable` rather than being mailed late (the customer was not promised a mail).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import contact_center.domain.columns

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = contact_center.domain.columns.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("transcript_request") as batch:
        batch.add_column(sa.Column("language", AutoString(length=10), nullable=False, server_default="en"))
        batch.add_column(sa.Column("status", AutoString(length=20), nullable=False, server_default="pending"))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_error", AutoString(length=500), nullable=False, server_default=""))
        batch.add_column(sa.Column("message_id", AutoString(length=255), nullable=True))
        batch.add_column(sa.Column("claimed_at", UTC(), nullable=True))
        batch.create_index(batch.f("ix_transcript_request_status"), ["status"], unique=False)
    request = sa.table(
        "transcript_request", sa.column("status", sa.String), sa.column("sent_at", sa.DateTime)
    )
    op.execute(request.update().where(request.c.sent_at.is_(None)).values(status="unavailable"))
    op.execute(request.update().where(request.c.sent_at.is_not(None)).values(status="sent"))


def downgrade() -> None:
    with op.batch_alter_table("transcript_request") as batch:
        batch.drop_index(batch.f("ix_transcript_request_status"))
        batch.drop_column("claimed_at")
        batch.drop_column("message_id")
        batch.drop_column("last_error")
        batch.drop_column("attempts")
        batch.drop_column("status")
        batch.drop_column("language")
