"""wallboard: per-queue amber/red limits and alert recipients, queue alert episodes, and an index
covering today's transitions of a queue for the wallboard's figures

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import contact_center.domain.columns

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = contact_center.domain.columns.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("queue") as batch:
        batch.add_column(sa.Column("alert_thresholds", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("alert_emails", sa.JSON(), nullable=False, server_default="[]"))
    op.create_table(
        "queue_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", UTC(), nullable=False),
        sa.Column("cleared_at", UTC(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("mail_status", AutoString(length=20), nullable=False),
        sa.Column("mail_attempts", sa.Integer(), nullable=False),
        sa.Column("mail_claimed_at", UTC(), nullable=True),
        sa.Column("mailed_to", sa.JSON(), nullable=False),
        sa.Column("mailed_at", UTC(), nullable=True),
        sa.Column("mail_error", AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(["queue_id"], ["queue.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_queue_alert_queue_id", "queue_alert", ["queue_id"])
    op.create_index(
        "uq_queue_alert_one_open_per_queue",
        "queue_alert",
        ["queue_id"],
        unique=True,
        sqlite_where=sa.text("cleared_at IS NULL"),
        postgresql_where=sa.text("cleared_at IS NULL"),
    )

    op.create_index(
        "ix_interaction_transition_queue_at_states",
        "interaction_transition",
        ["queue_id", "at", "interaction_id", "from_state", "to_state", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_interaction_transition_queue_at_states", table_name="interaction_transition")
    op.drop_index("uq_queue_alert_one_open_per_queue", table_name="queue_alert")
    op.drop_index("ix_queue_alert_queue_id", table_name="queue_alert")
    op.drop_table("queue_alert")
    with op.batch_alter_table("queue") as batch:
        batch.drop_column("alert_emails")
        batch.drop_column("alert_thresholds")
