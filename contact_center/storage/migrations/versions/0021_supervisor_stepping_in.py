"""supervisor stepping in: whispers to the agent; one agent's transitions and audit entries by time

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import contact_center.domain.columns

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = contact_center.domain.columns.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "whisper",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("author_agent_id", sa.Integer(), nullable=False),
        sa.Column("to_agent_id", sa.Integer(), nullable=True),
        sa.Column("body", AutoString(length=2000), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.ForeignKeyConstraint(["interaction_id"], ["interaction.id"]),
        sa.ForeignKeyConstraint(["author_agent_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["to_agent_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("whisper") as batch:
        batch.create_index(batch.f("ix_whisper_interaction_id"), ["interaction_id"], unique=False)
    with op.batch_alter_table("interaction_transition") as batch:
        batch.create_index("ix_interaction_transition_agent_at", ["agent_id", "at"], unique=False)
    # Not in batch mode: the audit log's append-only triggers must not see its table copied.
    op.create_index("ix_audit_entry_entity_id_at", "audit_entry", ["entity_id", "at"], unique=False)
    op.drop_index("ix_audit_entry_entity_id", table_name="audit_entry")


def downgrade() -> None:
    op.create_index("ix_audit_entry_entity_id", "audit_entry", ["entity_id"], unique=False)
    op.drop_index("ix_audit_entry_entity_id_at", table_name="audit_entry")
    with op.batch_alter_table("interaction_transition") as batch:
        batch.drop_index("ix_interaction_transition_agent_at")
    with op.batch_alter_table("whisper") as batch:
        batch.drop_index(batch.f("ix_whisper_interaction_id"))
    op.drop_table("whisper")
