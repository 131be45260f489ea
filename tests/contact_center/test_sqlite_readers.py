"""Reads never wait for the writer: a read completes while a write transaction is open.

On SQLite the writer's transactions begin IMMEDIATE (they hold the write lock from their first
statement), so a reader that asked for that lock too would stall behind every write. Readers begin
DEFERRED on their own connections and, with WAL, read the last committed state beside the open
write. On PostgreSQL the same holds by MVCC; the test runs on both.
"""

from __future__ import annotations

import asyncio

from sqlmodel import select

from contact_center.bootstrap import Container
from contact_center.domain.audit import AuditEntry
from tests.conftest import unique

#: A guard against a hang, not a timing assertion: a read that blocks fails the test here.
GUARD_S = 10


async def _entries_by(container: Container, actor: str) -> list[AuditEntry]:
    async with container.read_uow() as uow:
        return list((await uow.session.exec(select(AuditEntry).where(AuditEntry.actor == actor))).all())


async def test_a_read_completes_beside_an_open_write_and_sees_only_what_was_committed(
    container: Container,
) -> None:
    actor = unique("writer")
    async with container.uow() as uow:
        uow.audit(actor, "test", 1, "write", {})
        await uow.session.flush()  # the INSERT ran: the writer holds the write lock, uncommitted
        seen_while_open = await asyncio.wait_for(_entries_by(container, actor), GUARD_S)
        await uow.commit()
    assert seen_while_open == []
    seen_after = await asyncio.wait_for(_entries_by(container, actor), GUARD_S)
    assert [(e.actor, e.action) for e in seen_after] == [(actor, "write")]
