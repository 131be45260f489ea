"""The access log's writes: each look at a customer's record is one row, written before the record
is answered. Looks arriving together share one transaction and one statement (a group commit, as
inbound contacts do), so logging adds one cheap insert to a reading request, not a transaction of
its own. An export is also an audit entry. Design: docs/privacy.md, Access log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contact_center.domain.commands import RecordCustomerAccess
from contact_center.domain.privacy import AccessKind
from contact_center.storage.tables import ACCESS, AUDIT

#: Looks that are also recorded in the audit log: personal data left the system.
AUDITED = frozenset({AccessKind.EXPORT})


@dataclass(frozen=True, slots=True)
class TimedAccess:
    command: RecordCustomerAccess
    at: datetime


async def store_accesses(
    conn: AsyncConnection, items: Sequence[TimedAccess], recorded: list[Any]
) -> list[Exception | None]:
    rows = [
        {
            "customer_id": item.command.customer_id,
            "agent_id": item.command.agent_id,
            "actor": item.command.actor[:100],
            "kind": AccessKind(item.command.kind),
            "at": item.at,
        }
        for item in items
    ]
    await conn.execute(insert(ACCESS), rows)
    audited = [
        {
            "at": item.at,
            "actor": item.command.actor[:100],
            "entity": "customer",
            "entity_id": item.command.customer_id,
            "action": item.command.kind,
            "changes": {},
        }
        for item in items
        if item.command.kind in AUDITED
    ]
    if audited:
        await conn.execute(insert(AUDIT), audited)
    return [None] * len(items)
