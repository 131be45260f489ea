"""`/ws/events`: committed events pushed to desks and consoles as they happen, filtered per reader.

An agent's socket carries the events about the agent's own work (an offer made to them, their
interactions moving on, their presence); a supervisor's or an administrator's carries every
interaction, offer and agent event. Each event is serialised once and queued per socket; a socket
that falls more than `backlog` events behind is closed with code 1013 (try again later), so one
slow reader never holds the others up, and a client that reconnects re-reads the state it needs.
The hub is a live subscriber of the broker, so with Redis every web process sees every event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from aiohttp import WSMsgType, web

from contact_center.api.auth import require
from contact_center.api.principals import Principal
from contact_center.domain import events as ev
from contact_center.domain.enums import Role

log = logging.getLogger(__name__)

#: Kinds of event a desk or console shows; the rest (customer edits, planning) stay server-side.
STREAMED = ("interaction.", "offer.", "agent.", "message.")
WATCHERS = (Role.SUPERVISOR, Role.ADMIN)
TRY_AGAIN_LATER = 1013


class _Reader:
    __slots__ = ("agent_id", "queue", "sees_all", "ws")

    def __init__(self, ws: web.WebSocketResponse, principal: Principal, backlog: int) -> None:
        self.ws = ws
        self.agent_id = principal.agent_id
        self.sees_all = principal.role in WATCHERS
        self.queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=backlog)


class EventStream:
    """The hub of `/ws/events`: one per web process, fed by the broker."""

    def __init__(self, *, backlog: int = 2000) -> None:
        self._readers: set[_Reader] = set()
        self._backlog = backlog

    async def on_event(self, event: ev.Event) -> None:
        if not self._readers or not event.type.startswith(STREAMED):
            return
        agent_id = getattr(event, "agent_id", None)
        frame: str | None = None
        for reader in list(self._readers):
            if not reader.sees_all and agent_id != reader.agent_id:
                continue
            if frame is None:
                frame = json.dumps({"type": event.type, "event": event.to_dict()}, ensure_ascii=False)
            try:
                reader.queue.put_nowait(frame)
            except asyncio.QueueFull:
                log.warning("events.reader_behind", extra={"agent_id": reader.agent_id})
                self._readers.discard(reader)
                reader.queue.get_nowait()  # room for the signal that ends its sender
                reader.queue.put_nowait(None)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        principal = await require(request, Role.AGENT, *WATCHERS)
        ws = web.WebSocketResponse(heartbeat=30, max_msg_size=4096)
        await ws.prepare(request)
        reader = _Reader(ws, principal, self._backlog)
        self._readers.add(reader)
        sender = asyncio.create_task(self._send(reader), name="events-sender")
        try:
            await ws.send_str(json.dumps({"type": "hello", "agent_id": principal.agent_id}))
            async for message in ws:
                if message.type is WSMsgType.ERROR:
                    break
        finally:
            self._readers.discard(reader)
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
        return ws

    async def _send(self, reader: _Reader) -> None:
        while True:
            frame = await reader.queue.get()
            if frame is None:
                await reader.ws.close(code=TRY_AGAIN_LATER, message=b"too far behind; reconnect")
                return
            try:
                await reader.ws.send_str(frame)
            except (ConnectionError, RuntimeError):
                return

    async def close_all(self, _app: web.Application) -> None:
        for reader in list(self._readers):
            await reader.ws.close()


EVENTS_KEY: web.AppKey[EventStream] = web.AppKey("event_stream")
