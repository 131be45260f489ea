"""agent desk: canned responses, each queue's wrap-up codes, transfers to an agent, wrap-up deadline

Also seeds the global wrap-up codes a queue's list is taken from, with the system's own
"wrap_up_timeout".

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import contact_center.domain.columns

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = contact_center.domain.columns.UTCDateTime

#: The global codes every installation starts with (an admin puts some on each queue's list).
CODES = (
    ("resolved", "Resolved"),
    ("follow_up", "Follow-up needed"),
    ("escalated", "Escalated"),
    ("no_resolution", "Not resolved"),
    ("wrong_queue", "Wrong queue"),
    ("spam", "Spam or abuse"),
    ("wrap_up_timeout", "Closed by the wrap-up time limit"),
)


def upgrade() -> None:
    op.create_table(
        "canned_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_agent_id", sa.Integer(), nullable=True),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("title", AutoString(length=200), nullable=False),
        sa.Column("shortcut", AutoString(length=50), nullable=False),
        sa.Column("body", AutoString(length=5000), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("updated_at", UTC(), nullable=False),
        sa.ForeignKeyConstraint(["owner_agent_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("canned_response") as batch:
        batch.create_index(batch.f("ix_canned_response_owner_agent_id"), ["owner_agent_id"], unique=False)
        batch.create_index(batch.f("ix_canned_response_shared"), ["shared"], unique=False)
    op.create_table(
        "queue_wrap_up_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["code_id"], ["wrap_up_code.id"]),
        sa.ForeignKeyConstraint(["queue_id"], ["queue.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("queue_id", "code_id", name="uq_queue_wrap_up_code"),
    )
    with op.batch_alter_table("queue_wrap_up_code") as batch:
        batch.create_index(batch.f("ix_queue_wrap_up_code_queue_id"), ["queue_id"], unique=False)
    with op.batch_alter_table("interaction") as batch:
        batch.add_column(sa.Column("transfer_agent_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("transfer_until", UTC(), nullable=True))
        batch.add_column(sa.Column("wrap_up_deadline", UTC(), nullable=True))
        batch.create_foreign_key("fk_interaction_transfer_agent_id", "agent", ["transfer_agent_id"], ["id"])
        batch.create_index(batch.f("ix_interaction_wrap_up_deadline"), ["wrap_up_deadline"], unique=False)
    codes = sa.table(
        "wrap_up_code",
        sa.column("code", sa.String),
        sa.column("label", sa.String),
        sa.column("is_active", sa.Boolean),
    )
    connection = op.get_bind()
    existing = {row[0] for row in connection.execute(sa.select(codes.c.code))}
    missing = [{"code": c, "label": label, "is_active": True} for c, label in CODES if c not in existing]
    if missing:
        op.bulk_insert(codes, missing)


def downgrade() -> None:
    with op.batch_alter_table("interaction") as batch:
        batch.drop_index(batch.f("ix_interaction_wrap_up_deadline"))
        batch.drop_constraint("fk_interaction_transfer_agent_id", type_="foreignkey")
        batch.drop_column("wrap_up_deadline")
        batch.drop_column("transfer_until")
        batch.drop_column("transfer_agent_id")
    op.drop_table("queue_wrap_up_code")
    op.drop_table("canned_response")
    codes = sa.table("wrap_up_code", sa.column("code", sa.String))
    op.execute(codes.delete().where(codes.c.code.in_([c for c, _ in CODES])))
