"""Pushes each visitor what is new in their conversation, whichever process stored it.

The hub is a live subscriber of the broker (with Redis every web process sees every event, as
`agent_ui/event_stream.py` does for desks). A `message.added` on a chat interaction wakes the
connections of that interaction's customer; each connection then reads, from the database, the
messages after the last sequence number it sent and sends them in order. So a burst of events
costs one read per connection, nothing is sent twice on one connection, and a lost event costs
only latency until the next one (or the visitor's next reconnect, which resumes from its last seq).
The visitor's own line needs no read when the connection has shown everything before it
(`VisitorLink.echo`): at a chat's pace that read was a quarter of the server's time. Its event
often arrives before the echo (both follow the same commit), so while a connection has a message
of its own in flight a wake waits for it (`VisitorLink.sending`): if the echo showed what the
wake was for, nothing is read.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from channels.webchat import conversation
from contact_center.domain import events as ev
from contact_center.domain.enums import Channel
from contact_center.outage import Outage, is_outage
from contact_center.signals import Signal

log = logging.getLogger(__name__)

#: Interactions whose customer is remembered; the oldest go first.
REMEMBERED = 50_000
#: A wake for whatever is new, not for one message.
ANYTHING_NEW = sys.maxsize


class VisitorLink:
    """One visitor connection: its socket, whose conversation it shows and how far it has got."""

    __slots__ = (
        "_dirty",
        "_lock",
        "_pump",
        "_sending",
        "_wanted",
        "customer_id",
        "interaction_id",
        "last_sent",
        "visitor_id",
        "ws",
    )

    def __init__(self, ws: web.WebSocketResponse, visitor_id: str) -> None:
        self.ws = ws
        self.visitor_id = visitor_id
        self.customer_id: int | None = None
        self.interaction_id: int | None = None
        self.last_sent = 0
        self._lock = asyncio.Lock()
        self._dirty = asyncio.Event()
        self._pump: asyncio.Task[None] | None = None
        #: The visitor's own messages between their receipt and their echo.
        self._sending = 0
        #: The newest message a wake asked for, not yet sent (0: none).
        self._wanted = 0

    async def send(self, frame: dict[str, Any]) -> None:
        """Frames from the reader (acks, errors) and the pump (messages) never interleave."""
        async with self._lock:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.ws.send_str(json.dumps(frame, ensure_ascii=False))

    def wake(self, message_id: int | None = None) -> None:
        """Read what is new: up to `message_id` (None: whatever there is). Held while a message
        of the visitor's own is in flight, whose echo may show it without a read."""
        wanted = ANYTHING_NEW if message_id is None else message_id
        if wanted <= self.last_sent:
            return
        self._wanted = max(self._wanted, wanted)
        if not self._sending:
            self._dirty.set()

    @contextlib.contextmanager
    def sending(self) -> Iterator[None]:
        """Around one of the visitor's messages, from its receipt to its echo: wakes meanwhile
        wait, and on leaving, a read happens only if the echo did not show what they asked for."""
        self._sending += 1
        try:
            yield
        finally:
            self._sending -= 1
            if not self._sending and self._wanted > self.last_sent:
                self._dirty.set()

    async def echo(self, frame: dict[str, Any], previous: int | None) -> bool:
        """Show the visitor's own line straight from its acknowledgement, without reading it back,
        when this connection has shown everything before it (`previous`, the interaction's newest
        message when it was stored); False when it has not: then a read (`wake`) must."""
        async with self._lock:
            if previous is None or self.last_sent < previous:
                return False
            if frame["seq"] > self.last_sent:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await self.ws.send_str(json.dumps(frame, ensure_ascii=False))
                self.last_sent = frame["seq"]
            return True

    async def _push(self, frame: dict[str, Any]) -> None:
        """A frame the pump read, unless an echo showed it meanwhile (never twice, never back)."""
        async with self._lock:
            if frame["seq"] <= self.last_sent:
                return
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.ws.send_str(json.dumps(frame, ensure_ascii=False))
            self.last_sent = frame["seq"]

    def start(self, read: Callable[[int, int], Awaitable[list[dict[str, Any]]]], outage: Outage) -> None:
        self._pump = asyncio.create_task(self._run(read, outage), name="webchat-pump")

    async def stop(self) -> None:
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump

    async def _run(self, read: Callable[[int, int], Awaitable[list[dict[str, Any]]]], outage: Outage) -> None:
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            if self.customer_id is None or self._wanted <= self.last_sent:
                continue  # nothing asked for, or an echo showed it meanwhile
            self._wanted = 0  # what this read finds; a wake from here on asks again
            try:
                frames = await read(self.customer_id, self.last_sent)
            except Exception as exc:  # the database away: read again after a pause, until it answers
                if not is_outage(exc):
                    log.exception("webchat.read_failed")
                outage.failed(exc)
                await outage.pause()
                self.wake()
                continue
            outage.recovered()
            for frame in frames:
                await self._push(frame)
                self.interaction_id = max(self.interaction_id or 0, frame["interaction_id"])
            if len(frames) >= conversation.PAGE:
                self.wake()


class VisitorHub:
    """Every visitor connection of this process, by customer."""

    def __init__(self, reader: AsyncEngine) -> None:
        self._reader = reader
        #: Shared by the connections' pumps: an outage is logged once, not once per visitor. Not
        #: listed as degraded: a visitor who leaves mid-outage takes with them the read that
        #: would have ended it.
        self._outage = Outage(log, "webchat.push", registered=False)
        self._links: dict[int, set[VisitorLink]] = {}
        self._customers: OrderedDict[int, int] = OrderedDict()

    @property
    def connections(self) -> int:
        return sum(len(links) for links in self._links.values())

    def start(self, link: VisitorLink) -> None:
        link.start(self._read, self._outage)

    async def _read(self, customer_id: int, after: int) -> list[dict[str, Any]]:
        return await conversation.messages_after(self._reader, customer_id, after)

    def attach(self, link: VisitorLink, customer_id: int) -> None:
        link.customer_id = customer_id
        self._links.setdefault(customer_id, set()).add(link)

    async def detach(self, link: VisitorLink) -> None:
        await link.stop()
        if link.customer_id is not None:
            links = self._links.get(link.customer_id)
            if links is not None:
                links.discard(link)
                if not links:
                    del self._links[link.customer_id]

    def links_of(self, customer_id: int) -> set[VisitorLink]:
        return set(self._links.get(customer_id, ()))

    async def on_event(self, event: ev.Event) -> None:
        if isinstance(event, ev.MessageAdded) and event.channel == Channel.CHAT.value:
            if event.customer_id is not None:  # said by the event: nothing to read
                self.note_interaction(event.interaction_id, event.customer_id)
            await self.wake_interaction(event.interaction_id, event.message_id)

    async def wake_interaction(self, interaction_id: int, message_id: int | None = None) -> None:
        """Wake the connections of the interaction's customer; one that has sent `message_id`
        already (the visitor's own message, read right after its ack) needs no read."""
        if not self._links:
            return
        customer_id = await self.customer_of(interaction_id)
        for link in self._links.get(customer_id or -1, ()):
            link.wake(message_id)

    async def customer_of(self, interaction_id: int) -> int | None:
        customer_id = self._customers.get(interaction_id)
        if customer_id is None:
            customer_id = await conversation.customer_of_interaction(self._reader, interaction_id)
            if customer_id is None:
                return None
            self._customers[interaction_id] = customer_id
            if len(self._customers) > REMEMBERED:
                self._customers.popitem(last=False)
        return customer_id

    async def on_signal(self, signal: Signal) -> None:
        """An agent's typing or read mark, to the visitor's open connections (never stored)."""
        if signal.by != "agent" or not self._links:
            return
        customer_id = await self.customer_of(signal.interaction_id)
        frame: dict[str, Any] = {"type": signal.kind, "interaction_id": signal.interaction_id}
        if signal.kind == "read":
            frame["up_to"] = signal.up_to
        for link in self._links.get(customer_id or -1, ()):
            await link.send(frame)

    def note_interaction(self, interaction_id: int, customer_id: int) -> None:
        """What an ack told us, so the event that follows needs no read."""
        self._customers[interaction_id] = customer_id

    async def close_all(self, _app: web.Application) -> None:
        for links in list(self._links.values()):
            for link in list(links):
                await link.ws.close()
