"""With PostgreSQL and Redis: the request's event reaches the `transcripts` group through the Redis
stream, which enqueues the job on rq, and an rq worker (built from the environment, as `serve --role
worker` is) mails it."""

from __future__ import annotations

import asyncio
import time

import pytest
from redis import Redis as SyncRedis
from rq import Queue

from contact_center.bootstrap import build_container
from contact_center.domain.work import TranscriptStatus
from contact_center.settings import MailSettings
from tests.channels.smtp_server import SmtpServer
from tests.conftest import REDIS_TEST_URL, make_settings
from tests.contact_center.test_jobs import ThreadWorker
from tests.contact_center.transcripts.conftest import a_conversation, request, row_of


async def test_an_rq_worker_mails_the_transcript(
    postgres_url: str, redis_names: dict[str, str], smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = {
        "DATABASE_URL": postgres_url,
        "REDIS_URL": REDIS_TEST_URL,
        "CC_REDIS__RQ_QUEUE": redis_names["rq_queue"],
        "CC_REDIS__STREAM": redis_names["stream"],
        "CC_ENVIRONMENT": "test",
        "CC_MAIL__HOST": "127.0.0.1",
        "CC_MAIL__PORT": str(smtp_server.port),
        "CC_MAIL__SECURITY": "none",
        "CC_MAIL__FROM_ADDRESS": "help@shop.example",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    mail = MailSettings(
        host="127.0.0.1", port=smtp_server.port, security="none", from_address="help@shop.example"
    )
    settings = make_settings(postgres_url, REDIS_TEST_URL, **redis_names).model_copy(update={"mail": mail})
    container = build_container(settings)
    connection = SyncRedis.from_url(REDIS_TEST_URL)
    try:
        recorded = await request(container, await a_conversation(container))
        assert recorded.is_queued
        await container.start()  # consumes the stream: the transcripts group enqueues on rq
        rq_queue = Queue(redis_names["rq_queue"], connection=connection)
        deadline = time.monotonic() + 20
        while rq_queue.count == 0:
            assert time.monotonic() < deadline, "the transcript job was never enqueued"
            await asyncio.sleep(0.05)
        assert (await row_of(container, recorded.request_id)).status == TranscriptStatus.PENDING
        worker = ThreadWorker([rq_queue], connection=connection)
        await asyncio.to_thread(worker.work, burst=True)
        [got] = await smtp_server.until_received()
        assert got.recipients == ("ada@example.com",)
        row = await row_of(container, recorded.request_id)
        assert row.status == TranscriptStatus.SENT and got.message["Message-ID"] == row.message_id
    finally:
        connection.close()
        await container.close()
