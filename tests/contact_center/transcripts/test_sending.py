"""A transcript request is mailed exactly once through a real SMTP server (aiosmtpd), on SQLite and
PostgreSQL: the claim, the retries after a deferral, a refusal, erasure, and mail switched off."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import select

from contact_center.bootstrap import Container, build_container
from contact_center.domain.commands import EraseCustomer
from contact_center.domain.enums import AuthorKind
from contact_center.domain.interactions import Message
from contact_center.domain.work import TranscriptStatus
from contact_center.storage.outbox import OutboxEvent
from contact_center.storage.tables import INTERACTION, TRANSCRIPT
from contact_center.transcripts.sending import STALE_CLAIM, send_transcript
from tests.channels.smtp_server import SmtpServer
from tests.contact_center.transcripts.conftest import (
    AGENT_LINE,
    CUSTOMER_LINE,
    NOTE,
    ZONE,
    a_conversation,
    context_of,
    request,
    row_of,
    settings_with_mail,
)


async def until_status(container: Container, request_id: int, status: TranscriptStatus) -> None:
    deadline = time.monotonic() + 20
    while (await row_of(container, request_id)).status != status:
        assert time.monotonic() < deadline, f"request {request_id} never became {status}"
        await asyncio.sleep(0.02)


async def test_a_requested_transcript_is_mailed_with_the_conversation_and_no_note(
    mail_container: Container, smtp_server: SmtpServer
) -> None:
    container = mail_container
    conversation = await a_conversation(container)
    recorded = await request(container, conversation, "Ada@Example.com", language="zh-CN")
    assert recorded.is_queued
    await container.start()  # the outbox publishes transcript.requested; its subscriber enqueues the job
    [got] = await smtp_server.until_received()
    await until_status(container, recorded.request_id, TranscriptStatus.SENT)
    row = await row_of(container, recorded.request_id)
    message = got.message
    assert got.recipients == ("ada@example.com",)
    assert message["Message-ID"] == row.message_id and row.attempts == 1 and row.sent_at is not None
    assert message["Subject"].startswith("您与我们的聊天记录")
    text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert f"我: {CUSTOMER_LINE}" in text and f"客服: {AGENT_LINE}" in text
    assert "附件: receipt<1>.png" in text
    assert "<script>" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;that&lt;/b&gt;" in html and "receipt&lt;1&gt;.png" in html
    assert NOTE not in text and NOTE not in html
    async with container.uow() as uow:
        first = (
            await uow.session.exec(
                select(Message).where(
                    Message.interaction_id == conversation.interaction_id,
                    Message.author_kind == AuthorKind.CUSTOMER,
                )
            )
        ).one()
    local = first.created_at.astimezone(ZoneInfo(ZONE))
    assert f"[{local.year}年{local.month}月{local.day}日 {local:%H:%M}] 我" in text
    assert f"{ZONE} 时间" in text


async def test_an_english_transcript_without_a_queue_is_in_utc(
    mail_container: Container, smtp_server: SmtpServer
) -> None:
    conversation = await a_conversation(mail_container)
    recorded = await request(mail_container, conversation)
    async with mail_container.uow() as uow:  # as a chat that never reached a queue
        await (await uow.connection()).execute(
            update(INTERACTION).where(INTERACTION.c.id == conversation.interaction_id).values(queue_id=None)
        )
        await uow.commit()
    await send_transcript(context_of(mail_container), recorded.request_id)
    [got] = await smtp_server.until_received()
    text = got.message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert got.message["Subject"].startswith("Your chat with us on ")
    assert got.message["Content-Language"] == "en"
    assert f"You: {CUSTOMER_LINE}" in text and f"Agent: {AGENT_LINE}" in text
    assert "Attached: receipt<1>.png" in text and "Times are in UTC." in text
    assert NOTE not in text


async def test_a_job_run_twice_or_twice_at_once_sends_one_mail(
    mail_container: Container, smtp_server: SmtpServer
) -> None:
    context = context_of(mail_container)
    conversation = await a_conversation(mail_container)
    once = await request(mail_container, conversation)
    first = await send_transcript(context, once.request_id)
    again = await send_transcript(context, once.request_id)
    assert (first["outcome"], again["outcome"]) == ("sent", "not_claimed")
    together = await request(mail_container, conversation, "bob@example.com")
    results = await asyncio.gather(*(send_transcript(context, together.request_id) for _ in range(3)))
    assert sorted(r["outcome"] for r in results) == ["not_claimed", "not_claimed", "sent"]
    got = await smtp_server.until_received(2)
    await asyncio.sleep(0.2)  # nothing else on its way
    assert [m.recipients for m in smtp_server.received] == [("ada@example.com",), ("bob@example.com",)]
    assert smtp_server.handler.attempts == 2 and len(got) == 2
    assert (await row_of(mail_container, together.request_id)).attempts == 1


async def test_a_deferred_mail_is_sent_on_the_next_attempt_with_the_same_message_id(
    mail_container: Container, smtp_server: SmtpServer
) -> None:
    smtp_server.answer_next("451 4.3.0 mailbox busy, try later")
    recorded = await request(mail_container, await a_conversation(mail_container))
    result = await send_transcript(context_of(mail_container), recorded.request_id)
    assert result == {"request_id": recorded.request_id, "outcome": "sent", "attempts": 2}
    row = await row_of(mail_container, recorded.request_id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    [got] = smtp_server.received
    assert smtp_server.handler.attempts == 2 and got.message["Message-ID"] == row.message_id


async def test_a_server_that_keeps_deferring_is_given_up_after_the_last_attempt(
    mail_container: Container, smtp_server: SmtpServer
) -> None:
    smtp_server.answer_next(*["451 4.3.0 still busy"] * 5)
    recorded = await request(mail_container, await a_conversation(mail_container))
    result = await send_transcript(context_of(mail_container), recorded.request_id)
    assert result["outcome"] == "failed" and result["attempts"] == 3  # two pauses: three attempts
    row = await row_of(mail_container, recorded.request_id)
    assert (row.status, row.attempts, row.last_error) == ("failed", 3, "451 4.3.0 still busy")
    assert smtp_server.handler.attempts == 3 and smtp_server.received == []


async def test_a_refused_mail_is_marked_failed_with_the_reason_and_not_retried(
    mail_container: Container, smtp_server: SmtpServer
) -> None:
    smtp_server.answer_next("550 5.1.1 <nobody@example.com>: no such mailbox")
    conversation = await a_conversation(mail_container)
    recorded = await request(mail_container, conversation, "nobody@example.com")
    result = await send_transcript(context_of(mail_container), recorded.request_id)
    assert result["outcome"] == "failed"
    row = await row_of(mail_container, recorded.request_id)
    assert row.status == "failed" and row.attempts == 1 and row.sent_at is None
    assert row.last_error == "550 5.1.1 <nobody@example.com>: no such mailbox"
    assert smtp_server.handler.attempts == 1
    # Erasing the customer blanks the address and the server's answer, which quotes it.
    await mail_container.bus.handle(EraseCustomer(customer_id=conversation.customer_id))
    row = await row_of(mail_container, recorded.request_id)
    assert (row.email, row.last_error, row.status) == ("", "", "failed")


async def test_a_request_erased_before_its_job_is_not_sent(
    mail_container: Container, smtp_server: SmtpServer
) -> None:
    conversation = await a_conversation(mail_container)
    recorded = await request(mail_container, conversation, "erase.me@example.com")
    await mail_container.bus.handle(EraseCustomer(customer_id=conversation.customer_id))
    assert (await row_of(mail_container, recorded.request_id)).email == ""
    result = await send_transcript(context_of(mail_container), recorded.request_id)
    assert result["outcome"] == "failed"
    row = await row_of(mail_container, recorded.request_id)
    assert row.status == "failed" and row.last_error == "the address was erased"
    assert smtp_server.handler.attempts == 0


async def test_a_claim_is_taken_again_only_once_stale_and_keeps_its_message_id(
    mail_container: Container, smtp_server: SmtpServer
) -> None:
    recorded = await request(mail_container, await a_conversation(mail_container))
    now = mail_container.clock()
    for claimed_at, expected in (
        (now - timedelta(minutes=1), "not_claimed"),
        (now - STALE_CLAIM * 2, "sent"),
    ):
        async with mail_container.uow() as uow:  # as a job that died after its claim leaves it
            await (await uow.connection()).execute(
                update(TRANSCRIPT)
                .where(TRANSCRIPT.c.id == recorded.request_id)
                .values(status="sending", claimed_at=claimed_at, attempts=1, message_id="<kept@shop.example>")
            )
            await uow.commit()
        assert (await send_transcript(context_of(mail_container), recorded.request_id))["outcome"] == expected
    [got] = await smtp_server.until_received()
    assert got.message["Message-ID"] == "<kept@shop.example>"
    assert (await row_of(mail_container, recorded.request_id)).attempts == 2


async def test_without_mail_the_request_is_recorded_as_unavailable_and_nothing_is_queued(
    database_url: str,
) -> None:
    container = build_container(settings_with_mail(database_url, None))
    try:
        assert container.mail is None
        conversation = await a_conversation(container)
        recorded = await request(container, conversation)
        assert not recorded.is_queued
        assert (await row_of(container, recorded.request_id)).status == "unavailable"
        async with container.uow() as uow:
            events = (
                await uow.session.exec(
                    select(OutboxEvent).where(OutboxEvent.event_type == "transcript.requested")
                )
            ).all()
        assert all(f'"request_id": {recorded.request_id},' not in e.payload for e in events)
    finally:
        await container.close()
