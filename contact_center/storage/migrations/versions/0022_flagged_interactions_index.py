"""flagged interactions index: the console lists the flagged ones on every push

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    flagged = sa.text("flagged_at IS NOT NULL")
    op.create_index(
        "ix_interaction_flagged",
        "interaction",
        ["flagged_at", "id"],
        sqlite_where=flagged,
        postgresql_where=flagged,
    )


def downgrade() -> None:
    op.drop_index("ix_interaction_flagged", table_name="interaction")
