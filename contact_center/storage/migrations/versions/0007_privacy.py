"""privacy: per-customer keys for the audit log's personal values, the access log, erased customers

The audit entries written before this revision hold customers' personal values in clear; they are
sealed here under new per-customer keys, so erasure can reach them too (docs/privacy.md). The
audit log's append-only trigger is lifted for that one statement per entry and put back.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-12
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import contact_center.domain.columns
from contact_center.privacy.sealing import is_sealed, new_key, sealed_changes, unseal

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_NO_UPDATE = (
    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
)
#: The customer audit entries that carried personal values before this revision.
PERSONAL_ACTIONS = ("create", "update")

AUDIT = sa.table(
    "audit_entry",
    sa.column("id", sa.Integer),
    sa.column("entity", sa.String),
    sa.column("entity_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("changes", sa.JSON),
)
KEYS = sa.table(
    "customer_key",
    sa.column("customer_id", sa.Integer),
    sa.column("key", sa.LargeBinary),
    sa.column("created_at", contact_center.domain.columns.UTCDateTime),
)


def upgrade() -> None:
    op.create_table(
        "customer_key",
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", contact_center.domain.columns.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("customer_id"),
    )
    op.create_table(
        "customer_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("actor", AutoString(length=100), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "view", "history", "audit", "export", "erase", name="accesskind", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("at", contact_center.domain.columns.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("customer_access", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_access_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_customer_access_customer_id"), ["customer_id"], unique=False)
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("erased_at", contact_center.domain.columns.UTCDateTime(), nullable=True)
        )
    _rewrite_audit(_sealed)


def downgrade() -> None:
    _rewrite_audit(_opened)
    op.drop_table("customer_access")
    op.drop_table("customer_key")
    # Not a batch (copy-and-move) on SQLite: dropping the old customer table would trip every
    # foreign key pointing at it. SQLite 3.35 drops a plain column in place.
    op.execute("ALTER TABLE customer DROP COLUMN erased_at")


def _rewrite_audit(rewrite: Any) -> None:
    """Apply `rewrite` to every customer create/update entry, with the append-only trigger lifted."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(AUDIT.c.id, AUDIT.c.entity_id, AUDIT.c.changes).where(
            AUDIT.c.entity == "customer", AUDIT.c.action.in_(PERSONAL_ACTIONS)
        )
    ).all()
    keys: dict[int, bytes] = {
        int(r[0]): bytes(r[1]) for r in bind.execute(sa.select(KEYS.c.customer_id, KEYS.c.key))
    }
    changed = [
        (entry_id, new) for entry_id, cid, changes in rows if (new := rewrite(bind, keys, cid, changes))
    ]
    if not changed:
        return
    sqlite = bind.dialect.name == "sqlite"
    op.execute(
        "DROP TRIGGER audit_entry_no_update"
        if sqlite
        else "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change"
    )
    for entry_id, new in changed:
        bind.execute(sa.update(AUDIT).where(AUDIT.c.id == entry_id).values(changes=new))
    op.execute(SQLITE_NO_UPDATE if sqlite else "ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_change")


def _sealed(bind: Any, keys: dict[int, bytes], customer_id: int, changes: Any) -> dict[str, Any] | None:
    if not isinstance(changes, dict) or not changes or is_sealed(changes):
        return None
    if customer_id not in keys:
        keys[customer_id] = new_key()
        bind.execute(
            sa.insert(KEYS).values(
                customer_id=customer_id, key=keys[customer_id], created_at=datetime.now(UTC)
            )
        )
    return sealed_changes(keys[customer_id], customer_id, changes)


def _opened(bind: Any, keys: dict[int, bytes], customer_id: int, changes: Any) -> dict[str, Any] | None:
    """The entry as the older revision wrote it; an erased customer's values stay erased."""
    if not isinstance(changes, dict) or not is_sealed(changes):
        return None
    key = keys.get(customer_id)
    if key is None:
        return {"erased": True}
    return unseal(key, customer_id, str(changes["sealed"]))
