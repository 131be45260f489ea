"""A queue's alert mails its recipients once per episode through a real SMTP server (aiosmtpd), on
SQLite and PostgreSQL: not again while it stays red, again after it clears and fires anew, once
when two evaluations race, and after a deferral only to the addresses not mailed yet."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from contact_center.bootstrap import Container, build_container
from contact_center.demo import MovableClock
from contact_center.domain.commands import CreateQueue, ReceiveInbound, TransitionInteraction
from contact_center.domain.enums import Channel, InteractionState
from contact_center.jobs import JobContext
from contact_center.services.queue_alerts import alerts_job
from contact_center.storage.tables import QUEUE_ALERT
from tests.channels.smtp_server import Received, SmtpServer
from tests.conftest import unique
from tests.contact_center.conftest import random_phone
from tests.contact_center.transcripts.conftest import settings_with_mail

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
async def alerting(
    database_url: str, smtp_server: SmtpServer
) -> AsyncIterator[tuple[Container, MovableClock]]:
    clock = MovableClock(NOW)
    container = build_container(settings_with_mail(database_url, smtp_server), clock=clock)
    try:
        yield container, clock
    finally:
        await container.close()


async def red_queue(container: Container, *addresses: str) -> tuple[int, str]:
    """A queue red from its first waiting contact, mailing `addresses`."""
    name = unique("alert_q")
    queue_id = await container.bus.handle(
        CreateQueue(
            name=name,
            channels=(Channel.VOICE,),
            alert_thresholds=(("waiting_red", 1.0),),
            alert_emails=addresses,
        )
    )
    return int(queue_id), name


async def call(container: Container, queue: str) -> int:
    received = await container.bus.handle(
        ReceiveInbound(channel=Channel.VOICE, sender=random_phone(), body="", queue=queue)
    )
    return int(received.interaction_id)


async def hang_up(container: Container, interaction_id: int) -> None:
    await container.bus.handle(
        TransitionInteraction(interaction_id=interaction_id, target=InteractionState.ABANDONED)
    )


async def run(container: Container) -> None:
    await alerts_job(
        JobContext(container.uow, container.bus, container.settings, container.clock, container.mail)
    )


def to(server: SmtpServer, *addresses: str) -> list[Received]:
    return [r for r in server.received if set(r.recipients) & set(addresses)]


async def episodes(container: Container, queue_id: int) -> list[tuple[bool, str, int]]:
    a = QUEUE_ALERT.c
    async with container.uow() as uow:
        rows = await (await uow.connection()).execute(
            select(a.cleared_at, a.mail_status, a.mail_attempts).where(a.queue_id == queue_id).order_by(a.id)
        )
        return [(cleared is not None, status, attempts) for cleared, status, attempts in rows.all()]


async def test_one_mail_per_episode_and_again_only_after_it_clears(
    alerting: tuple[Container, MovableClock], smtp_server: SmtpServer
) -> None:
    container, clock = alerting
    lead, ops = f"{unique('lead')}@example.com", f"{unique('ops')}@example.com"
    queue_id, queue = await red_queue(container, lead, ops)
    first = await call(container, queue)
    await run(container)
    await smtp_server.until_received(2)
    mails = to(smtp_server, lead, ops)
    assert sorted(r.recipients[0] for r in mails) == sorted([lead, ops])
    message = mails[0].message
    assert queue in message["Subject"] and "队列" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "Waiting now: 1 (limit 1)" in body and "当前等待" in body
    assert message["Auto-Submitted"] == "auto-generated"
    assert await episodes(container, queue_id) == [(False, "sent", 1)]

    for _ in range(3):  # still red: the same episode, no second mail
        clock.at += timedelta(seconds=30)
        await run(container)
    assert len(to(smtp_server, lead, ops)) == 2

    await hang_up(container, first)
    clock.at += timedelta(seconds=30)
    await run(container)
    assert await episodes(container, queue_id) == [(True, "sent", 1)]
    await call(container, queue)  # red again: a new episode, mailed once more
    clock.at += timedelta(seconds=30)
    await run(container)
    await run(container)
    assert len(to(smtp_server, lead, ops)) == 4
    assert await episodes(container, queue_id) == [(True, "sent", 1), (False, "sent", 1)]


async def test_two_evaluations_at_once_mail_once(
    alerting: tuple[Container, MovableClock], smtp_server: SmtpServer
) -> None:
    container, _clock = alerting
    lead = f"{unique('lead')}@example.com"
    queue_id, queue = await red_queue(container, lead)
    await call(container, queue)
    await asyncio.gather(run(container), run(container), run(container))
    await run(container)
    assert len(to(smtp_server, lead)) == 1
    assert [status for _cleared, status, _n in await episodes(container, queue_id)] == ["sent"]


async def test_a_deferred_mail_is_retried_for_the_addresses_not_mailed_yet(
    alerting: tuple[Container, MovableClock], smtp_server: SmtpServer
) -> None:
    container, _clock = alerting
    first, second = f"a{unique('lead')}@example.com", f"b{unique('ops')}@example.com"
    queue_id, queue = await red_queue(container, first, second)
    await call(container, queue)
    smtp_server.answer_next("250 OK", "451 4.3.0 mailbox busy, try later")  # the first goes, the second waits
    await run(container)
    assert [r.recipients for r in to(smtp_server, first, second)] == [(first,)]
    assert await episodes(container, queue_id) == [(False, "pending", 1)]
    await run(container)  # the next run mails only the one left
    assert [r.recipients for r in to(smtp_server, first, second)] == [(first,), (second,)]
    assert await episodes(container, queue_id) == [(False, "sent", 2)]
