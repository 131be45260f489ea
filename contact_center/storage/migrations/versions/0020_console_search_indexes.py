"""console search indexes: a queue's open interactions, wrap-up codes, customers by name prefix

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_interaction_queue_state", "interaction", ["queue_id", "state"])
    op.create_index("ix_interaction_wrap_up_code_id", "interaction", ["wrap_up_code", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_customer_name_lower", "customer", [sa.text("lower(name) text_pattern_ops")])
    else:
        op.create_index("ix_customer_name_lower", "customer", [sa.text("lower(name)")])


def downgrade() -> None:
    op.drop_index("ix_customer_name_lower", table_name="customer")
    op.drop_index("ix_interaction_wrap_up_code_id", table_name="interaction")
    op.drop_index("ix_interaction_queue_state", table_name="interaction")
