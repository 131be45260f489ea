"""admin pages: a queue's holidays, and the chat sites as stored records

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import contact_center.domain.columns

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = contact_center.domain.columns.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("queue") as batch:
        batch.add_column(sa.Column("holidays", sa.JSON(), nullable=False, server_default="[]"))
    op.create_table(
        "webchat_site",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", AutoString(length=50), nullable=False),
        sa.Column("allowed_origins", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("prechat", sa.JSON(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("colour", AutoString(length=7), nullable=False),
        sa.Column("from_settings", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("webchat_site")
    with op.batch_alter_table("queue") as batch:
        batch.drop_column("holidays")
