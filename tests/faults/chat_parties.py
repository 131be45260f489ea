"""Both sides of a web chat, as the widget and the desk behave, for the fault scenarios.

A `ChatVisitor` speaks the visitor protocol of `/chat/ws` (docs/webchat.md): hello with its token
and the last sequence number it has, message frames under client ids it keeps until they are
acknowledged, and after a lost connection the same again on whichever process it reaches, with
what is still unacknowledged sent once more. A `DeskAgent` keeps its desk socket open
(`/ws/events?desk=1`), accepts what is offered, writes on its chats, and reads each conversation
as the desk does: after a `message.added` event, the messages after the last one it has.
Each side records what it was shown, so a scenario can compare it with what was stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

#: The origin of the page the visitors chat from: the deployment's public address.
ORIGIN = "https://chat.example"


def ws_url(base: str, path: str) -> str:
    return base.replace("http", "ws", 1) + path


@dataclass(eq=False)
class ChatVisitor:
    name: str
    token: str | None = None
    #: The message frames shown, in order (a frame already shown is counted in `repeats`).
    transcript: list[dict[str, Any]] = field(default_factory=list)
    repeats: int = 0
    #: Client id -> body, for every line written, and for those not yet acknowledged.
    written: dict[str, str] = field(default_factory=dict)
    unacked: dict[str, str] = field(default_factory=dict)
    interaction_id: int | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    connected_at: list[float] = field(default_factory=list)
    _ws: aiohttp.ClientWebSocketResponse | None = None
    _reader: asyncio.Task[None] | None = None

    @property
    def last_seq(self) -> int:
        return self.transcript[-1]["seq"] if self.transcript else 0

    @property
    def is_connected(self) -> bool:
        return (
            self._ws is not None
            and not self._ws.closed
            and self._reader is not None
            and not self._reader.done()
        )

    async def connect(self, http: aiohttp.ClientSession, base: str) -> None:
        """Hello (resuming from `last_seq` with the token, once there is one), then what is
        still unacknowledged, once more under the same client ids."""
        ws = await http.ws_connect(ws_url(base, "/chat/ws"), headers={"Origin": ORIGIN})
        hello: dict[str, Any] = {"type": "hello", "site": "demo", "profile": {"name": self.name}}
        if self.token is not None:
            hello |= {"token": self.token, "last_seq": self.last_seq}
        await ws.send_json(hello)
        welcome = await ws.receive_json(timeout=10)
        assert welcome["type"] == "welcome", welcome
        self.token = welcome["token"]
        for frame in welcome["messages"]:
            self._show(frame)
        self._ws = ws
        self._reader = asyncio.create_task(self._read(ws))
        self.connected_at.append(time.monotonic())
        for client_id, body in list(self.unacked.items()):
            await self._send(client_id, body)

    async def write(self, body: str) -> None:
        client_id = f"c{len(self.written) + 1}"
        self.written[client_id] = body
        self.unacked[client_id] = body
        await self._send(client_id, body)

    async def _send(self, client_id: str, body: str) -> None:
        if self.is_connected:
            assert self._ws is not None
            with contextlib.suppress(ConnectionError, RuntimeError):  # kept unacknowledged
                await self._ws.send_json({"type": "message", "client_id": client_id, "body": body})

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            if message.type is not aiohttp.WSMsgType.TEXT:
                break
            frame = json.loads(message.data)
            if frame["type"] == "message":
                self._show(frame)
            elif frame["type"] == "ack":
                self.unacked.pop(frame["client_id"], None)
                self.interaction_id = frame["interaction_id"]
            elif frame["type"] == "error":
                self.errors.append(frame)
                if frame.get("code") == "rate_limited" and frame.get("client_id") in self.unacked:
                    await asyncio.sleep(frame.get("retry_after_ms", 500) / 1000)
                    await self._send(frame["client_id"], self.unacked[frame["client_id"]])

    def _show(self, frame: dict[str, Any]) -> None:
        if frame["seq"] <= self.last_seq:
            self.repeats += 1
        else:
            self.transcript.append(frame)

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader


@dataclass(eq=False)
class DeskAgent:
    agent_id: int
    headers: dict[str, str]
    api: str  # the web process the desk's API calls go to
    #: Per interaction, the messages the desk shows (read after each event), and reads that
    #: brought a message it had already.
    threads: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    repeats: int = 0
    #: (monotonic time, event type) of every frame the desk socket brought.
    frames: list[tuple[float, str]] = field(default_factory=list)
    #: (monotonic time, interaction id, message id) of each line the agent wrote.
    wrote: list[tuple[float, int, int]] = field(default_factory=list)
    _locks: dict[int, asyncio.Lock] = field(default_factory=dict)
    _socket: asyncio.Task[None] | None = None
    _pulls: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def desk_is_open(self) -> bool:
        return self._socket is not None and not self._socket.done()

    async def open_desk(self, http: aiohttp.ClientSession, base: str) -> None:
        ws = await http.ws_connect(ws_url(base, "/ws/events?desk=1"), headers=self.headers)
        hello = await ws.receive_json(timeout=10)
        assert hello["type"] == "hello", hello
        self._socket = asyncio.create_task(self._listen(http, ws))

    async def _listen(self, http: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            if message.type is not aiohttp.WSMsgType.TEXT:
                break
            frame = json.loads(message.data)
            self.frames.append((time.monotonic(), frame["type"]))
            if frame["type"] == "message.added":
                iid = frame["event"]["interaction_id"]
                if iid in self.threads:  # read beside the socket, as the page does
                    pull = asyncio.create_task(self.pull(http, iid))
                    self._pulls.add(pull)
                    pull.add_done_callback(self._pulls.discard)

    async def pull(self, http: aiohttp.ClientSession, iid: int) -> None:
        """The desk's read after an event: the messages after the last one it shows."""
        async with self._locks.setdefault(iid, asyncio.Lock()):
            thread = self.threads.setdefault(iid, [])
            after = f"?after={thread[-1]['id']}" if thread else ""
            url = f"{self.api}/api/v1/interactions/{iid}/messages{after}"
            async with http.get(url, headers=self.headers) as resp:
                assert resp.status == 200, await resp.text()
                messages = (await resp.json())["messages"]
            known = {m["id"] for m in thread}
            self.repeats += sum(1 for m in messages if m["id"] in known)
            thread.extend(m for m in messages if m["id"] not in known)

    async def work(self, http: aiohttp.ClientSession, stop: asyncio.Event, every_s: float) -> None:
        """Accept what is offered (and read its thread), and write on every chat now and then."""
        n = 0
        while not stop.is_set():
            url = f"{self.api}/api/v1/interactions?state=offered&limit=50"
            async with http.get(url, headers=self.headers) as resp:
                offered = (await resp.json())["items"] if resp.status == 200 else []
            for item in offered:
                async with http.post(
                    f"{self.api}/api/v1/interactions/{item['id']}/accept", headers=self.headers
                ) as r:
                    if r.status == 200:
                        await self.pull(http, item["id"])
            for iid in list(self.threads):
                n += 1
                url = f"{self.api}/api/v1/interactions/{iid}/messages"
                async with http.post(
                    url, json={"body": f"agent {self.agent_id} line {n}"}, headers=self.headers
                ) as r:
                    assert r.status == 201, await r.text()
                    self.wrote.append((time.monotonic(), iid, (await r.json())["message"]["id"]))
            await asyncio.sleep(every_s)

    def events_after(self, at: float) -> list[str]:
        return [kind for when, kind in self.frames if when > at]
