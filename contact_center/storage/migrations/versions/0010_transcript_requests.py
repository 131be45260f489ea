"""transcript requests: a customer asked for a conversation's transcript by email (web chat)

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import contact_center.domain.columns

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "transcript_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("email", AutoString(length=254), nullable=False),
        sa.Column("created_at", contact_center.domain.columns.UTCDateTime(), nullable=False),
        sa.Column("sent_at", contact_center.domain.columns.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.ForeignKeyConstraint(["interaction_id"], ["interaction.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_transcript_request_interaction_id", "transcript_request", ["interaction_id"])
    op.create_index("ix_transcript_request_customer_id", "transcript_request", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_transcript_request_customer_id", table_name="transcript_request")
    op.drop_index("ix_transcript_request_interaction_id", table_name="transcript_request")
    op.drop_table("transcript_request")
