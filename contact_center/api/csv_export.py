"""Search results as CSV, streamed: Excel opens it (UTF-8 with a BOM, so Chinese names read right)
and no cell runs as a formula.

A spreadsheet reads a cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return,
which some strip first) as a formula: a customer who named themselves `=HYPERLINK(...)` would
otherwise run in the supervisor's spreadsheet. Such cells get a leading apostrophe, which Excel
shows as text. Rows are written as they are read, a batch at a time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence

from aiohttp import web

from contact_center.i18n import _, formatting
from contact_center.queries.interaction_search import SearchRow

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Rows gathered before one write to the socket.
ROWS_PER_WRITE = 200


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(rows: Sequence[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return out.getvalue()


def header() -> list[str]:
    return [
        _("Interaction"),
        _("Created"),
        _("Channel"),
        _("State"),
        _("Queue"),
        _("Customer ID"),
        _("Customer"),
        _("Agent"),
        _("Wrap-up code"),
        _("Subject"),
    ]


def cells(found: SearchRow, zone: str | None) -> list[object]:
    created = found.created_at.astimezone(formatting.zone(zone)).strftime("%Y-%m-%d %H:%M:%S")
    return [
        found.id,
        created,
        found.channel,
        found.state,
        found.queue,
        found.customer_id,
        found.customer,
        found.agent,
        found.wrap_up_code,
        found.subject,
    ]


async def stream_csv(
    request: web.Request, rows: AsyncIterator[SearchRow], zone: str | None
) -> web.StreamResponse:
    """Times in the caller's zone (UTC without one), as Excel reads them."""
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="interactions.csv"',
        }
    )
    await response.prepare(request)
    await response.write((BOM + csv_lines([header()])).encode())
    pending: list[list[object]] = []
    async for found in rows:
        pending.append(cells(found, zone))
        if len(pending) >= ROWS_PER_WRITE:
            await response.write(csv_lines(pending).encode())
            pending = []
    if pending:
        await response.write(csv_lines(pending).encode())
    await response.write_eof()
    return response
