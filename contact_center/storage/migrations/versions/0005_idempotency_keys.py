"""idempotency keys: a creating request's claim on its Idempotency-Key, and the answer it gave

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import contact_center.domain.columns

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", AutoString(length=300), nullable=False),
        sa.Column("key", AutoString(length=200), nullable=False),
        sa.Column("fingerprint", AutoString(length=64), nullable=False),
        sa.Column("nonce", AutoString(length=32), nullable=False),
        sa.Column("created_at", contact_center.domain.columns.UTCDateTime(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("is_sealed", sa.Boolean(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=True),
        sa.Column("answered_at", contact_center.domain.columns.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scope", "key", name="uq_idempotency_key_scope_key"),
    )
    op.create_index(op.f("ix_idempotency_key_created_at"), "idempotency_key", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_idempotency_key_created_at"), table_name="idempotency_key")
    op.drop_table("idempotency_key")
