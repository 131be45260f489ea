"""Uploads never sent in a message: swept once older than `unsent_upload_max_age_s`, in every web
process, and linked to their customer even when another process stored the visitor's first
message, so erasing that customer deletes them. Real app, real databases, real files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from channels.webchat import CHAT_KEY
from channels.webchat.upload_cleanup import sweep
from channels.webchat.uploads import UploadStore
from contact_center.api.protocol_errors import ApiRunner
from contact_center.bootstrap import build_container, build_web_app
from contact_center.domain.commands import EraseCustomer, ReceiveInbound
from contact_center.domain.enums import Channel
from tests.channels.webchat.conftest import Served, _free_port, chat_settings
from tests.channels.webchat.test_uploads_and_end import PNG, file_gone, post_file, token_of, visitor_id_of
from tests.contact_center.router.conftest import polled

DAY = timedelta(days=1)


class MovableClock:
    """The container's clock, which a test moves forward (as days passing would)."""

    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.ahead


@pytest.fixture
async def clocked(database_url: str, tmp_path: Path) -> AsyncIterator[tuple[Served, MovableClock]]:
    """The served app with its upload sweep every 0.1 s and a clock the test moves."""
    clock = MovableClock()
    settings = chat_settings(database_url, tmp_path / "uploads", upload_sweep_s=0.1)
    container = build_container(settings, clock=clock)
    app = build_web_app(container)
    await container.start()
    runner = ApiRunner(app)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    http = aiohttp.ClientSession()
    try:
        yield Served(f"http://127.0.0.1:{port}", container, http, app), clock
    finally:
        await http.close()
        await runner.cleanup()
        await container.close()


async def test_an_upload_never_sent_is_swept_once_older_than_the_limit(
    clocked: tuple[Served, MovableClock],
) -> None:
    served, clock = clocked
    visitor, token = await token_of(served)
    _, unsent, _ = await post_file(served, token, PNG, "image/png", name="left.png")
    _, sent, _ = await post_file(served, token, PNG, "image/png", name="sent.png")
    await visitor.send({"type": "message", "client_id": "s1", "body": "", "attachments": [sent["id"]]})
    await visitor.until("ack", client_id="s1")
    store = served.app[CHAT_KEY].uploads
    assert not await file_gone(served, unsent["id"])  # a day is the limit: not yet
    clock.ahead = DAY + timedelta(minutes=1)
    await polled(lambda: file_gone(served, unsent["id"]), within_s=10)
    assert store.path_of(await store.find(sent["id"])).exists()  # a sent file is the chat's: it stays
    await visitor.close()


async def test_the_sweep_links_a_visitor_whose_first_message_another_process_stored(
    clocked: tuple[Served, MovableClock],
) -> None:
    served, _ = clocked
    visitor, token = await token_of(served)
    _, early, _ = await post_file(served, token, PNG, "image/png", name="early.png")
    visitor_id = visitor_id_of(served, token)
    # Their first message reaches another web process: this one never hears of it.
    received = await served.container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=visitor_id, body="hello from elsewhere")
    )
    store = served.app[CHAT_KEY].uploads
    await polled(lambda: _linked_to(store, visitor_id, received.customer_id), within_s=10)
    await served.container.bus.handle(EraseCustomer(customer_id=received.customer_id))
    await served.container.dispatcher.drain()
    await polled(lambda: file_gone(served, early["id"]), within_s=10)
    await visitor.close()


async def _linked_to(store: UploadStore, visitor_id: str, customer_id: int) -> bool:
    path = store.link_path(visitor_id)
    return path.exists() and f'"customer_id": {customer_id}' in path.read_text(encoding="utf-8")


async def test_a_sweep_deletes_only_unsent_files_past_the_limit_and_the_links_they_leave(
    tmp_path: Path,
) -> None:
    store = UploadStore(tmp_path, max_bytes=4096, types=["image/png"])
    now = datetime.now(UTC)
    old = await store.save("wc_old", "old.png", "image/png", PNG, at=now - 2 * DAY)
    old_sent = await store.save("wc_old", "sent.png", "image/png", PNG, at=now - 2 * DAY)
    await store.attached([old_sent], 41)
    fresh = await store.save("wc_fresh", "fresh.png", "image/png", PNG, customer_id=7, at=now)
    known: dict[str, int] = {}

    async def customer_of(visitor_id: str) -> int | None:
        return known.get(visitor_id)

    later = now + 2 * DAY  # the links were written now: by then, any spare one is past the limit
    assert await sweep(store, later - DAY, DAY, customer_of) == 1
    assert [u.id for u in [old, old_sent, fresh] if store.read(u.id) is not None] == [old_sent.id, fresh.id]
    assert store.link_path("wc_old").exists()  # written just now: not yet past the limit itself
    assert await sweep(store, later, DAY, customer_of) == 1  # the fresh one's day has come too
    assert store.read(old_sent.id) is not None  # sent: never swept, whatever its age
    assert not store.link_path("wc_old").exists() and not store.link_path("wc_fresh").exists()
