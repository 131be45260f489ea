"""scheduler: periodic runs claimed once per slot, job attempts and leases, overdue follow-ups,
outbound delivery claims

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-09
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import contact_center.domain.columns

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = contact_center.domain.columns.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.add_column(sa.Column("args", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("lease_until", UTC_DATETIME(), nullable=True))
        batch.create_index("ix_job_lease_until", ["lease_until"])
    op.execute("UPDATE job SET args = '{}'")
    with op.batch_alter_table("job") as batch:
        batch.alter_column("args", existing_type=sa.JSON(), nullable=False)
    op.create_table(
        "periodic_run",
        sa.Column("name", AutoString(length=100), nullable=False),
        sa.Column("slot", UTC_DATETIME(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("claimed_by", AutoString(length=200), nullable=False),
        sa.Column("claimed_at", UTC_DATETIME(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"]),
        sa.PrimaryKeyConstraint("name", "slot"),
    )
    with op.batch_alter_table("follow_up_task") as batch:
        batch.add_column(sa.Column("overdue_at", UTC_DATETIME(), nullable=True))
    with op.batch_alter_table("message") as batch:
        batch.add_column(sa.Column("delivery_claimed_at", UTC_DATETIME(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_column("delivery_claimed_at")
    with op.batch_alter_table("follow_up_task") as batch:
        batch.drop_column("overdue_at")
    op.drop_table("periodic_run")
    with op.batch_alter_table("job") as batch:
        batch.drop_index("ix_job_lease_until")
        batch.drop_column("lease_until")
        batch.drop_column("attempts")
        batch.drop_column("args")
