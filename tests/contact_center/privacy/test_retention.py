"""Retention: bodies older than the limit are purged, newer ones and every row's facts stay."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from contact_center.bootstrap import Container
from contact_center.domain.commands import CreateAgent, ReceiveInbound
from contact_center.domain.enums import Channel, Role
from contact_center.domain.interactions import Message
from contact_center.domain.stepping_in import Whisper
from contact_center.jobs import JobContext, run_job
from contact_center.privacy.retention import PURGE_JOB, purge_message_bodies, purge_whisper_bodies
from contact_center.settings import PrivacySettings
from contact_center.storage.job_store import JobStore
from tests.conftest import unique

#: Far older than anything another test stores, so a purge here touches only this file's messages.
OLD_DAYS, LIMIT_DAYS = 4000, 3650
FACTS = ("interaction_id", "channel", "direction", "author_kind", "delivery_status", "created_at")


async def message(container: Container, age_days: int, body: str) -> int:
    received = await container.bus.handle(
        ReceiveInbound(
            channel=Channel.EMAIL,
            sender=f"{unique('keep')}@example.com",
            body=body,
            attachments=({"name": "photo.jpg", "url": "https://files.example/x"},),
            received_at=container.clock() - timedelta(days=age_days),
        )
    )
    return int(received.message_id)


async def rows(container: Container, ids: list[int]) -> dict[int, dict[str, Any]]:
    async with container.read_uow() as uow:
        return {i: (await uow.session.get_one(Message, i)).model_dump() for i in ids}


async def test_only_bodies_older_than_the_retention_are_purged_and_a_second_run_finds_none(
    container: Container,
) -> None:
    old = [await message(container, OLD_DAYS, unique("old body ")) for _ in range(3)]
    recent = await message(container, LIMIT_DAYS - 1, unique("new body "))
    before = await rows(container, [*old, recent])

    purged = await purge_message_bodies(container.uow, container.clock(), LIMIT_DAYS, batch=2)

    assert purged >= 3
    after = await rows(container, [*old, recent])
    for m in old:
        assert (after[m]["body"], after[m]["attachments"]) == ("", [])
        assert {k: after[m][k] for k in FACTS} == {k: before[m][k] for k in FACTS}
    assert after[recent] == before[recent]
    assert await purge_message_bodies(container.uow, container.clock(), LIMIT_DAYS) == 0


async def test_the_purge_job_takes_its_limit_from_settings_and_does_nothing_when_unset(
    container: Container,
) -> None:
    store = JobStore(container.sessions, container.clock)
    context = JobContext(container.uow, container.bus, container.settings, container.clock)
    off = await run_job(store, context, await store.create(PURGE_JOB, "test"), PURGE_JOB, {})
    assert off == {"purged": 0, "retention_days": None}

    old = await message(container, OLD_DAYS, unique("old body "))
    settings = container.settings.model_copy(
        update={"privacy": PrivacySettings(message_retention_days=LIMIT_DAYS)}
    )
    context = JobContext(container.uow, container.bus, settings, container.clock)
    on = await run_job(store, context, await store.create(PURGE_JOB, "test"), PURGE_JOB, {})
    assert on["retention_days"] == LIMIT_DAYS and on["purged"] >= 1 and "whispers_purged" in on
    assert (await rows(container, [old]))[old]["body"] == ""


async def whisper(container: Container, age_days: int, body: str) -> int:
    """A supervisor's whisper on a conversation, written `age_days` ago."""
    interaction_id = (await rows(container, [await message(container, age_days, "hello")])).popitem()[1][
        "interaction_id"
    ]
    supervisor = await container.bus.handle(CreateAgent(username=unique("sup"), role=Role.SUPERVISOR))
    async with container.uow() as uow:
        row = Whisper(
            interaction_id=interaction_id,
            author_agent_id=supervisor,
            body=body,
            created_at=container.clock() - timedelta(days=age_days),
        )
        uow.session.add(row)
        await uow.commit()
        return row.id or 0


async def test_whispers_are_kept_no_longer_than_the_messages(container: Container) -> None:
    old = await whisper(container, OLD_DAYS, unique("quote of the customer "))
    recent_body = unique("recent whisper ")
    recent = await whisper(container, LIMIT_DAYS - 1, recent_body)

    assert await purge_whisper_bodies(container.uow, container.clock(), LIMIT_DAYS, batch=1) >= 1

    async with container.read_uow() as uow:
        kept = {w: await uow.session.get_one(Whisper, w) for w in (old, recent)}
    assert kept[old].body == "" and kept[old].interaction_id  # the row and its facts stay
    assert kept[recent].body == recent_body
    assert await purge_whisper_bodies(container.uow, container.clock(), LIMIT_DAYS) == 0
