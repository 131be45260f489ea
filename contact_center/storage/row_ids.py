"""Ids for the rows a set-wise path inserts, with one statement per table whatever the row count.

`INSERT ... RETURNING` over many rows in a known order falls back to one statement per row on
SQLite, which made a batch cost hundreds of round trips. There the ids are chosen: one query
reads the largest id of every table the transaction will insert into, and the rows take the next
ones (safe: the transaction holds the one write lock from its first statement, and anything the
same transaction inserts otherwise, through the ORM, comes after these rows). PostgreSQL sorts a
multi-row `INSERT ... RETURNING` back into the rows' order in one statement (SQLAlchemy's
"insertmanyvalues"), its sequences keeping concurrent writers apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncConnection


class RowIds:
    def __init__(self, conn: AsyncConnection, tables: Sequence[Table]) -> None:
        self._conn = conn
        self._tables = list(tables)
        self._next: dict[str, int] | None = None

    async def insert(self, table: Table, rows: list[dict[str, Any]]) -> list[int]:
        """Insert `rows` and return their ids, in the rows' order."""
        if not rows:
            return []
        if self._conn.dialect.name != "sqlite":
            stmt = table.insert().returning(table.c.id, sort_by_parameter_order=True)
            return [int(v) for v in (await self._conn.execute(stmt, rows)).scalars()]
        if self._next is None:
            self._next = await self._first_free(self._tables)
        if table.name not in self._next:
            self._next.update(await self._first_free([table]))
        start = self._next[table.name]
        self._next[table.name] = start + len(rows)
        ids = list(range(start, start + len(rows)))
        await self._conn.execute(table.insert(), [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
        return ids

    async def _first_free(self, tables: list[Table]) -> dict[str, int]:
        tops = [select(func.coalesce(func.max(t.c.id), 0)).scalar_subquery() for t in tables]
        row = (await self._conn.execute(select(*tops))).one()
        return {t.name: int(top) + 1 for t, top in zip(tables, row, strict=True)}
