"""flagged interactions: when and why an interaction was flagged to a supervisor

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import contact_center.domain.columns

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = contact_center.domain.columns.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("interaction") as batch:
        batch.add_column(sa.Column("flagged_at", UTC(), nullable=True))
        batch.add_column(sa.Column("flag_reason", AutoString(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("interaction") as batch:
        batch.drop_column("flag_reason")
        batch.drop_column("flagged_at")
