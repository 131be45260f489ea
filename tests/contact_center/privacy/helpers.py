"""A person with data in every place the contact center keeps any, and a search of the live schema.

The search reflects the database as it is (every table, every column but binary ones), so a table
or column added later is searched without anyone remembering to list it.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import MetaData, Text, case, cast, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import sqltypes

from contact_center.bootstrap import Container
from contact_center.domain.commands import ReceiveInbound
from contact_center.domain.enums import Channel, Role
from contact_center.domain.stepping_in import Whisper
from contact_center.domain.work import FollowUpTask, Note, SatisfactionScore
from tests.conftest import unique
from tests.contact_center.api.conftest import Staff, new_agent, ok, phone_number

Client = TestClient[Any, Any]


@dataclass
class Person:
    customer_id: int
    merged_id: int
    interaction_ids: list[int]
    #: Every personal text of theirs stored somewhere: names, company, phone digits, email, texts.
    values: dict[str, str] = field(default_factory=dict)


def keyed(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Idempotency-Key": unique("key")}


async def make_person(container: Container, client: Client, staff: Staff) -> Person:
    tag = unique("")
    v = {
        "name": f"王芳{tag}",
        "renamed": f"Wang Fang {tag}",
        "company": f"Fang Trading {tag}",
        "phone": phone_number(),
        "email": f"wang.fang.{tag}@example.com",
        "other_phone": phone_number(),
        "other_name": f"Fang W. {tag}",
        "sms": f"My parcel {tag} never came",
        "email_subject": f"Invoice {tag}",
        "email_body": f"Please resend invoice {tag} to my home address",
        "other_sms": f"It is me again from my other phone {tag}",
        "out_subject": f"Your refund {tag}",
        "out_body": f"Dear Wang Fang, refund {tag} is on its way",
        "note": f"Prefers calls after six {tag}",
        "task": f"Call back about refund {tag}",
        "comment": f"Slow but friendly {tag}",
        "whisper": f"Offer Wang Fang the refund for {tag} now",
    }
    admin = staff.admin.headers
    created = await ok(
        await client.post(
            "/api/v1/customers",
            json={"name": v["name"], "company": v["company"], "phones": [v["phone"]], "emails": [v["email"]]},
            headers=keyed(admin),
        ),
        201,
    )
    cid = created["id"]
    await ok(await client.patch(f"/api/v1/customers/{cid}", json={"name": v["renamed"]}, headers=admin))
    integration = await new_agent(container, Role.INTEGRATION)
    sms = await ok(
        await client.post(
            "/api/v1/inbound",
            json={"channel": "sms", "sender": v["phone"], "body": v["sms"]},
            headers=keyed(integration.headers),
        ),
        201,
    )
    assert sms["customer_id"] == cid
    mail = await container.bus.handle(
        ReceiveInbound(
            channel=Channel.EMAIL, sender=v["email"], subject=v["email_subject"], body=v["email_body"]
        )
    )
    # A second phone first seen on the inbound path (a customer of its own), then merged into this one.
    other = await container.bus.handle(
        ReceiveInbound(
            channel=Channel.SMS, sender=v["other_phone"], sender_name=v["other_name"], body=v["other_sms"]
        )
    )
    await ok(
        await client.post(
            f"/api/v1/customers/{cid}/merge",
            json={"merge_id": other.customer_id},
            headers=staff.supervisor.headers,
        )
    )
    opened = await ok(
        await client.post(
            "/api/v1/interactions",
            json={"customer_id": cid, "channel": "email", "subject": v["out_subject"], "body": v["out_body"]},
            headers=keyed(admin),
        ),
        201,
    )
    async with container.uow() as uow:
        now = uow.now()
        uow.session.add(
            Note(customer_id=cid, interaction_id=mail.interaction_id, body=v["note"], created_at=now)
        )
        uow.session.add(
            FollowUpTask(customer_id=cid, title=v["task"], due_at=now + timedelta(days=1), created_at=now)
        )
        uow.session.add(  # a supervisor's whisper on the conversation
            Whisper(
                interaction_id=sms["interaction_id"],
                author_agent_id=staff.supervisor.agent_id,
                body=v["whisper"],
                created_at=now,
            )
        )
        uow.session.add(
            SatisfactionScore(
                interaction_id=sms["interaction_id"],
                customer_id=cid,
                score=4,
                comment=v["comment"],
                created_at=now,
            )
        )
        await uow.commit()
    await ok(await client.get(f"/api/v1/customers/{cid}", headers=staff.supervisor.headers))  # logged
    await report_job(container)  # a dashboard report, which lists the latest customers by name
    v["phone"], v["other_phone"] = v["phone"].lstrip("+"), v["other_phone"].lstrip("+")
    ids = [sms["interaction_id"], mail.interaction_id, other.interaction_id, opened["id"]]
    return Person(cid, other.customer_id, ids, v)


async def report_job(container: Container) -> dict[str, Any]:
    """Run the dashboard report as a background job, in this process, to its end."""
    await container.jobs.start()
    job_id = await container.jobs.enqueue("reports.queue_summary")
    deadline = time.monotonic() + 30
    while (record := await container.jobs.status(job_id)) is None or record.status != "finished":
        assert time.monotonic() < deadline, "the report job did not finish"
        await asyncio.sleep(0.02)
    return dict(record.result)


def _reflect(conn: Connection) -> MetaData:
    metadata = MetaData()
    metadata.reflect(conn)
    return metadata


async def tables_holding(container: Container, values: dict[str, str]) -> dict[str, set[str]]:
    """Which values (by label) each table of the live schema holds in any non-binary column, as
    written or as JSON escapes them; one scan per table."""
    needles: dict[str, list[str]] = {
        label: sorted({value, json.dumps(value)[1:-1]}) for label, value in values.items()
    }
    found: dict[str, set[str]] = {}
    async with container.engine.connect() as conn:
        schema = await conn.run_sync(_reflect)
        for table in schema.sorted_tables:
            columns = [c for c in table.columns if not isinstance(c.type, sqltypes._Binary)]
            probes = []
            for forms in needles.values():
                match = or_(
                    *(cast(c, Text).contains(form, autoescape=True) for c in columns for form in forms)
                )
                probes.append(func.max(case((match, 1), else_=0)).label(f"p{len(probes)}"))
            row = (await conn.execute(select(*probes).select_from(table))).one()
            hits = {label for label, hit in zip(needles, row, strict=True) if hit}
            if hits:
                found[table.name] = hits
    return found


async def statistics(container: Container) -> dict[str, Any]:
    """What reports count: interactions by queue, channel and state; messages; scores."""
    async with container.engine.connect() as conn:
        schema = await conn.run_sync(_reflect)
        interaction, message, score = (
            schema.tables[n] for n in ("interaction", "message", "satisfaction_score")
        )
        by_group = await conn.execute(
            select(interaction.c.queue_id, interaction.c.channel, interaction.c.state, func.count()).group_by(
                interaction.c.queue_id, interaction.c.channel, interaction.c.state
            )
        )
        messages = await conn.execute(
            select(message.c.channel, message.c.direction, func.count()).group_by(
                message.c.channel, message.c.direction
            )
        )
        scores = (await conn.execute(select(func.count(), func.sum(score.c.score)))).one()
        return {
            "interactions": sorted((str(q), c, s, n) for q, c, s, n in by_group),
            "messages": sorted((c, d, n) for c, d, n in messages),
            "scores": tuple(scores),
        }
