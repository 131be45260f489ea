"""Erasing a customer's personal data, table by table, in the caller's transaction.

Rows stay (an interaction is still counted by channel, queue, state and times; a score still
counts), the personal values in them go: the customer's name and other free-text fields, its
identities, subjects, message bodies and attachments, notes, whispers, follow-up titles, survey
comments, transcript addresses and the mail server's answers about them. The audit log is append-only: its
personal values were sealed under the customer's key, which is deleted here. Copies elsewhere are
blanked: the outbox's `customer.created` payloads, stored API answers (Idempotency-Key) and job
results that mention the customer. Each step is one statement over the whole group of customers,
whatever its history's size. Design: docs/privacy.md.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from contact_center.privacy.personal import PERSONAL_EVENT_FIELDS, blanked, mentions, needles
from contact_center.storage.tables import (
    CUSTOMER,
    CUSTOMER_KEY,
    FOLLOW_UP,
    IDEMPOTENCY,
    IDENTITY,
    INTERACTION,
    JOB,
    MESSAGE,
    NOTE,
    OUTBOX,
    SCORE,
    TRANSCRIPT,
    WHISPER,
)

#: What a replayed request gets once the answer it stored was about an erased customer.
ERASED_ANSWER = json.dumps(
    {"error": {"code": "erased", "message": "this request's answer was about a customer since erased"}}
)
ERASED_STATUS = 410
ERASED_HEADERS = {"Content-Type": "application/json; charset=utf-8"}
#: The scope's path of a stored answer that is a customer's own document (`POST` creating it).
CUSTOMERS_PATH = " /api/v1/customers"


@dataclass(slots=True)
class Erased:
    """How many rows each step changed: the erasure's audit entry and answer."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, rowcount: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + max(rowcount, 0)


async def erase_personal_data(conn: AsyncConnection, customer_ids: Collection[int], at: datetime) -> Erased:
    ids = sorted(customer_ids)
    values = needles(await _personal_values(conn, ids))
    done = Erased()
    interactions = select(INTERACTION.c.id).where(INTERACTION.c.customer_id.in_(ids)).scalar_subquery()
    done.add(
        "customer",
        (
            await conn.execute(
                update(CUSTOMER)
                .where(CUSTOMER.c.id.in_(ids))
                .values(
                    name="",
                    company="",
                    region="",
                    industry="",
                    tags=[],
                    consent={},
                    updated_at=at,
                    erased_at=func.coalesce(CUSTOMER.c.erased_at, at),
                )
            )
        ).rowcount,
    )
    done.add(
        "customer_identity",
        (await conn.execute(delete(IDENTITY).where(IDENTITY.c.customer_id.in_(ids)))).rowcount,
    )
    done.add(
        "customer_key",
        (await conn.execute(delete(CUSTOMER_KEY).where(CUSTOMER_KEY.c.customer_id.in_(ids)))).rowcount,
    )
    done.add(
        "interaction",
        (
            await conn.execute(
                update(INTERACTION)
                .where(INTERACTION.c.customer_id.in_(ids), INTERACTION.c.subject != "")
                .values(subject="")
            )
        ).rowcount,
    )
    # The provider's id goes too: an email's Message-ID can carry the sender's address.
    done.add(
        "message",
        (
            await conn.execute(
                update(MESSAGE)
                .where(MESSAGE.c.interaction_id.in_(interactions))
                .values(body="", attachments=[], provider_message_id=None)
            )
        ).rowcount,
    )
    done.add(
        "note",
        (
            await conn.execute(
                update(NOTE)
                .where(or_(NOTE.c.customer_id.in_(ids), NOTE.c.interaction_id.in_(interactions)))
                .values(body="")
            )
        ).rowcount,
    )
    done.add(  # a supervisor's whisper may quote the customer
        "whisper",
        (
            await conn.execute(
                update(WHISPER).where(WHISPER.c.interaction_id.in_(interactions)).values(body="")
            )
        ).rowcount,
    )
    done.add(
        "follow_up_task",
        (
            await conn.execute(update(FOLLOW_UP).where(FOLLOW_UP.c.customer_id.in_(ids)).values(title=""))
        ).rowcount,
    )
    done.add(
        "satisfaction_score",
        (await conn.execute(update(SCORE).where(SCORE.c.customer_id.in_(ids)).values(comment=""))).rowcount,
    )
    done.add(
        "transcript_request",
        (
            # The server's last answer may quote the address ("550 <ada@example.com>: no such user").
            await conn.execute(
                update(TRANSCRIPT).where(TRANSCRIPT.c.customer_id.in_(ids)).values(email="", last_error="")
            )
        ).rowcount,
    )
    done.add("outbox_event", await _blank_events(conn, ids))
    done.add("idempotency_key", await _blank_answers(conn, ids, values))
    done.add("job", await _blank_job_results(conn, values))
    return done


async def _personal_values(conn: AsyncConnection, ids: list[int]) -> list[str]:
    """The texts to look for in the copies (before they are blanked): names, companies, addresses,
    and the subjects a report lists beside them."""
    found: list[str] = []
    for name, company in await conn.execute(
        select(CUSTOMER.c.name, CUSTOMER.c.company).where(CUSTOMER.c.id.in_(ids))
    ):
        found += [name, company]
    found += [
        a for (a,) in await conn.execute(select(IDENTITY.c.address).where(IDENTITY.c.customer_id.in_(ids)))
    ]
    subjects = select(INTERACTION.c.subject).where(
        INTERACTION.c.customer_id.in_(ids), INTERACTION.c.subject != ""
    )
    found += [s for (s,) in await conn.execute(subjects)]
    return found


def _id_patterns(column: Any, ids: list[int]) -> Any:
    """Rows whose JSON text holds `"customer_id": <id>` (as json.dumps spaces it), to check in full."""
    return or_(*(column.contains(f'"customer_id": {cid}', autoescape=True) for cid in ids))


async def _blank_events(conn: AsyncConnection, ids: list[int]) -> int:
    stmt = select(OUTBOX.c.id, OUTBOX.c.event_type, OUTBOX.c.payload).where(
        OUTBOX.c.event_type.in_(sorted(PERSONAL_EVENT_FIELDS)), _id_patterns(OUTBOX.c.payload, ids)
    )
    changed = 0
    for row_id, event_type, payload in (await conn.execute(stmt)).all():
        data = json.loads(payload)
        if data.get("customer_id") not in ids:
            continue  # customer 12's pattern also matches customer 123
        for name in PERSONAL_EVENT_FIELDS[event_type]:
            data[name] = ""
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        await conn.execute(update(OUTBOX).where(OUTBOX.c.id == row_id).values(payload=text))
        changed += 1
    return changed


async def _blank_answers(conn: AsyncConnection, ids: list[int], values: list[str]) -> int:
    """Stored answers about the customers: a replay now gets 410 `erased`, never their data."""
    matches = [_id_patterns(IDEMPOTENCY.c.answer, ids), IDEMPOTENCY.c.scope.endswith(CUSTOMERS_PATH)]
    matches += [IDEMPOTENCY.c.answer.contains(v, autoescape=True) for v in values]
    stmt = select(IDEMPOTENCY.c.id, IDEMPOTENCY.c.scope, IDEMPOTENCY.c.answer).where(
        IDEMPOTENCY.c.answer.is_not(None), IDEMPOTENCY.c.is_sealed.is_(False), or_(*matches)
    )
    found = []
    for row_id, scope, answer in (await conn.execute(stmt)).all():
        try:
            document = json.loads(answer)
        except ValueError:
            document = answer
        created = (
            str(scope).endswith(CUSTOMERS_PATH) and isinstance(document, dict) and document.get("id") in ids
        )
        if created or mentions(document, ids, values):
            found.append(row_id)
    if found:
        await conn.execute(
            update(IDEMPOTENCY)
            .where(IDEMPOTENCY.c.id.in_(found))
            .values(answer=ERASED_ANSWER, status=ERASED_STATUS, headers=ERASED_HEADERS)
        )
    return len(found)


async def _blank_job_results(conn: AsyncConnection, values: list[str]) -> int:
    """Job results that show the customer (a dashboard report lists customers by name)."""
    if not values:
        return 0
    text = cast(JOB.c.result, Text)
    stmt = select(JOB.c.id, JOB.c.result).where(
        JOB.c.result.is_not(None), or_(*(text.contains(v, autoescape=True) for v in values))
    )
    changed = 0
    for row_id, result in (await conn.execute(stmt)).all():
        cleaned = blanked(result, values)
        if cleaned != result:
            await conn.execute(update(JOB).where(JOB.c.id == row_id).values(result=cleaned))
            changed += 1
    return changed
