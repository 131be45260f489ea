"""Ids for many new rows at once, with one statement for the rows whatever their number.

`INSERT ... RETURNING` over many rows in a known order falls back to one statement per row on
SQLite, which made a batch cost hundreds of round trips. There the ids are taken first, the next
ones after the largest (safe: the caller holds the one write lock for the whole transaction).
PostgreSQL sorts a multi-row `INSERT ... RETURNING` back into the rows' order in one statement
(SQLAlchemy's "insertmanyvalues"), and `reserve_ids` takes ids from the table's own sequence, so
concurrent writers never collide.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection


async def reserve_ids(conn: AsyncConnection, table: Table, count: int) -> list[int]:
    if count == 0:
        return []
    if conn.dialect.name == "sqlite":
        top = (await conn.execute(select(func.coalesce(func.max(table.c.id), 0)))).scalar_one()
        return list(range(int(top) + 1, int(top) + 1 + count))
    stmt = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)")
    return [int(v) for v in (await conn.execute(stmt, {"table": table.name, "n": count})).scalars()]


async def insert_with_ids(conn: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert `rows` and return their ids, in the rows' order: on PostgreSQL one multi-row
    `INSERT ... RETURNING` that SQLAlchemy sorts back into parameter order; on SQLite ids taken
    first, then one executemany."""
    if not rows:
        return []
    if conn.dialect.name != "sqlite":
        stmt = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        return [int(v) for v in (await conn.execute(stmt, rows)).scalars()]
    ids = await reserve_ids(conn, table, len(rows))
    await conn.execute(table.insert(), [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
    return ids
