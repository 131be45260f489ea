"""A visitor connection's pump: its own line's event must not cost a read its echo made useless.

The message event and the acknowledgement follow the same commit, in either order. These drive
one `VisitorLink` directly with a socket that records frames and a reader that counts reads, so
the order is the test's to choose.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, cast

from aiohttp import web

from channels.webchat.hub import VisitorLink
from contact_center.outage import Outage


class RecordingSocket:
    """Stands in for the visitor's websocket: the frames the link sent, in order."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send_str(self, data: str) -> None:
        self.sent.append(json.loads(data))


class Conversation:
    """The stored conversation, as the pump would read it after a sequence number."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self.reads = 0

    async def read(self, _customer_id: int, after: int) -> list[dict[str, Any]]:
        self.reads += 1
        return [f for f in self.frames if f["seq"] > after]


def line(seq: int, author: str = "customer") -> dict[str, Any]:
    return {"type": "message", "seq": seq, "interaction_id": 1, "author": author, "body": f"m{seq}"}


async def started() -> tuple[VisitorLink, RecordingSocket, Conversation]:
    ws, stored = RecordingSocket(), Conversation()
    link = VisitorLink(cast(web.WebSocketResponse, ws), "visitor-1")
    link.customer_id = 7
    link.start(stored.read, Outage(logging.getLogger(__name__), "test", registered=False))
    return link, ws, stored


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_an_own_line_whose_event_came_before_its_echo_is_shown_without_a_read() -> None:
    link, ws, stored = await started()
    with link.sending():
        stored.frames.append(line(10))
        link.wake(10)  # the message event, delivered before the ack path resumed
        await settle()
        assert await link.echo(line(10), previous=0)
    await settle()
    assert stored.reads == 0
    assert [f["seq"] for f in ws.sent] == [10]
    await link.stop()


async def test_a_reply_stored_meanwhile_is_still_read_once_the_echo_is_shown() -> None:
    link, ws, stored = await started()
    with link.sending():
        stored.frames.append(line(10))
        link.wake(10)
        stored.frames.append(line(11, author="agent"))
        link.wake(11)  # an agent's reply, committed right after the visitor's line
        assert await link.echo(line(10), previous=0)
    await settle()
    assert stored.reads == 1
    assert [f["seq"] for f in ws.sent] == [10, 11]
    await link.stop()


async def test_an_echo_that_cannot_be_shown_leaves_the_read_to_the_pump() -> None:
    """A reply came before the visitor's line and was not shown yet: the echo must not jump it."""
    link, ws, stored = await started()
    stored.frames += [line(9, author="agent"), line(10)]
    with link.sending():
        link.wake(10)
        assert not await link.echo(line(10), previous=9)
        link.wake()
    await settle()
    assert stored.reads == 1
    assert [f["seq"] for f in ws.sent] == [9, 10]
    await link.stop()


async def test_outside_a_send_a_wake_reads_at_once() -> None:
    link, ws, stored = await started()
    stored.frames.append(line(5, author="agent"))
    link.wake(5)
    await settle()
    assert stored.reads == 1 and [f["seq"] for f in ws.sent] == [5]
    link.wake(5)  # the same message again (a repeated event): already shown, nothing read
    await settle()
    assert stored.reads == 1
    await link.stop()
