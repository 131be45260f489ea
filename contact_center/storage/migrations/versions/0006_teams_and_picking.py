"""teams and picking: agents and queues belong to a team; a queue may let agents pick waiting work

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-14
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # batch_alter_table: SQLite cannot drop a column or an index in place on the way down.
    with op.batch_alter_table("agent") as batch:
        batch.add_column(sa.Column("team", AutoString(length=100), nullable=True))
        batch.create_index(batch.f("ix_agent_team"), ["team"], unique=False)
    with op.batch_alter_table("queue") as batch:
        batch.add_column(sa.Column("team", AutoString(length=100), nullable=True))
        batch.add_column(sa.Column("allow_picking", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_index(batch.f("ix_queue_team"), ["team"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("queue") as batch:
        batch.drop_index(batch.f("ix_queue_team"))
        batch.drop_column("allow_picking")
        batch.drop_column("team")
    with op.batch_alter_table("agent") as batch:
        batch.drop_index(batch.f("ix_agent_team"))
        batch.drop_column("team")
