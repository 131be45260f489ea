"""The inbound path's reads search indexes on SQLite: none of them reads a growing table whole.

On SQLite a row-value IN (`(kind, address) IN (...)`), or an IN on the second column of an index
alone, reads the whole table. The batch's lookups of identities and of provider message ids once
did, so each batch grew slower with every customer and message ever stored (bench/chat.py: server
CPU per message rose run after run on one server). Each SELECT a batch runs is asked for its plan.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import event

from contact_center.bootstrap import build_container
from contact_center.domain.commands import CreateQueue, ReceiveInbound
from contact_center.domain.enums import Channel
from tests.conftest import make_settings, unique
from tests.contact_center.conftest import random_phone

#: Tables that grow with every contact.
GROWING = frozenset({"customer_identity", "message", "interaction", "customer", "outbox_event"})


def scanned_table(detail: str) -> str | None:
    """The table a plan line reads whole ("SCAN message", "SCAN message USING COVERING INDEX ...")."""
    words = detail.split()
    return words[1] if words and words[0] == "SCAN" and len(words) > 1 else None


async def test_a_batch_of_senders_reads_every_growing_table_through_an_index(sqlite_url: str) -> None:
    container = build_container(make_settings(sqlite_url), outbound=[])
    try:
        queue = unique("q")
        await container.bus.handle(CreateQueue(name=queue, channels=(Channel.SMS,)))
        statements: list[tuple[str, object]] = []

        def remember(_conn: object, _cursor: object, statement: str, parameters: object, *_: object) -> None:
            if statement.lstrip().upper().startswith("SELECT"):
                statements.append((statement, parameters))

        writer = container.database.writer.sync_engine
        event.listen(writer, "before_cursor_execute", remember)
        try:
            senders = [random_phone() for _ in range(3)]  # together: one batch, lists of several
            await asyncio.gather(
                *(
                    container.bus.handle(
                        ReceiveInbound(
                            channel=Channel.SMS,
                            sender=sender,
                            body="hello",
                            provider_message_id=unique("SM"),
                            queue=queue,
                        )
                    )
                    for sender in senders
                )
            )
        finally:
            event.remove(writer, "before_cursor_execute", remember)
        assert any("customer_identity" in s for s, _ in statements), "the identities were not looked up"
        scans: list[str] = []
        async with container.database.writer.connect() as conn:
            for statement, parameters in statements:
                plan = await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)  # type: ignore[arg-type]
                for row in plan:
                    table = scanned_table(str(row[-1]))
                    if table in GROWING:
                        scans.append(f"{row[-1]} <- {' '.join(statement.split())}")
        assert scans == []
    finally:
        await container.close()
