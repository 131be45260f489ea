"""A container whose `[mail]` points at a real aiosmtpd server, and a chat conversation to mail."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import select

from contact_center.bootstrap import Container, build_container
from contact_center.domain.commands import (
    CreateAgent,
    CreateQueue,
    ReceiveInbound,
    RequestTranscript,
    SendMessage,
)
from contact_center.domain.desk_commands import AddNote
from contact_center.domain.enums import Channel, Role
from contact_center.domain.principal import Principal
from contact_center.domain.work import TranscriptRequest
from contact_center.jobs import JobContext
from contact_center.services.satisfaction import TranscriptRecorded
from contact_center.settings import Settings
from tests.channels.smtp_server import SmtpServer, mail_settings
from tests.conftest import unique
from tests.contact_center.conftest import offer_and_accept

CUSTOMER_LINE = "<script>alert('x')</script> 你好, my order & the receipt"
AGENT_LINE = "Hello Ada, I'll look at <b>that</b> now"
NOTE = "internal: customer sounded annoyed"
ZONE = "Asia/Shanghai"


def settings_with_mail(database_url: str, server: SmtpServer | None, **mail: Any) -> Settings:
    values: dict[str, Any] = {"environment": "test", "database": {"url": database_url}}
    if server is not None:
        values["mail"] = mail_settings(server, **mail)
    return Settings.model_validate(values)


@pytest.fixture
async def mail_container(database_url: str, smtp_server: SmtpServer) -> AsyncIterator[Container]:
    """Not started: a test that wants the event to enqueue the job starts it."""
    c = build_container(settings_with_mail(database_url, smtp_server))
    try:
        yield c
    finally:
        await c.close()


@dataclass(frozen=True, slots=True)
class Conversation:
    interaction_id: int
    customer_id: int


async def a_conversation(container: Container) -> Conversation:
    """A chat in a queue of Shanghai's time zone: the customer's line with a file, an agent's
    reply, and an internal note that must never reach the customer."""
    queue = unique("mailq")
    await container.bus.handle(CreateQueue(name=queue, channels=(Channel.CHAT,), timezone=ZONE))
    received = await container.bus.handle(
        ReceiveInbound(
            channel=Channel.CHAT,
            sender=unique("visitor"),
            body=CUSTOMER_LINE,
            provider_message_id=unique("pm"),
            queue=queue,
            attachments=(
                {"id": unique("f"), "name": "receipt<1>.png", "content_type": "image/png", "size": 9},
            ),
        )
    )
    agent = await container.bus.handle(CreateAgent(username=unique("mailagent")))
    await offer_and_accept(container, received.interaction_id, agent)
    await container.bus.handle(
        SendMessage(interaction_id=received.interaction_id, agent_id=agent, body=AGENT_LINE)
    )
    supervisor = Principal(agent, "mail-supervisor", Role.SUPERVISOR)
    await container.bus.handle(
        AddNote(
            principal=supervisor,
            customer_id=received.customer_id,
            body=NOTE,
            interaction_id=received.interaction_id,
        )
    )
    return Conversation(received.interaction_id, received.customer_id)


async def request(
    container: Container, conversation: Conversation, email: str = "ada@example.com", language: str = "en"
) -> TranscriptRecorded:
    recorded: TranscriptRecorded = await container.bus.handle(
        RequestTranscript(
            interaction_id=conversation.interaction_id,
            customer_id=conversation.customer_id,
            email=email,
            language=language,
        )
    )
    return recorded


async def row_of(container: Container, request_id: int) -> TranscriptRequest:
    async with container.uow() as uow:
        return (
            await uow.session.exec(select(TranscriptRequest).where(TranscriptRequest.id == request_id))
        ).one()


def context_of(container: Container) -> JobContext:
    return JobContext(container.uow, container.bus, container.settings, container.clock, container.mail)
