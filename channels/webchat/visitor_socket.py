"""`/chat/ws`: one visitor's websocket, frame by frame (docs/webchat.md, Protocol).

The connection is counted per address before anything else; each text frame is rate-limited,
parsed and handed to its handler: the first must be `hello` (`visitor_hello.py`: site, Origin,
visitor token, `welcome` with what the visitor missed), the rest are the conversation's
(`visitor_conversation.py`). Every refusal is an error frame; nothing is dropped silently.
"""

from __future__ import annotations

import logging

from aiohttp import WSMsgType, web

from channels.webchat import protocol
from channels.webchat.chat_deps import ChatDeps
from channels.webchat.protocol import FrameError
from channels.webchat.visitor_conversation import on_end, on_message, on_rate, on_typing, send_signal
from channels.webchat.visitor_hello import on_hello
from channels.webchat.visitor_session import POLICY_VIOLATION, VisitorSession

log = logging.getLogger(__name__)

INTERNAL_ERROR = 1011


async def on_frame(session: VisitorSession, raw: str) -> None:
    if (wait := session.frames.take()) > 0:
        error = FrameError("rate_limited", "too many frames; slow down")
        await session.send(error.frame() | {"retry_after_ms": int(wait * 1000) + 1})
        return
    frame = protocol.parse(raw, session.deps.settings.max_frame_bytes)
    if isinstance(frame, protocol.Hello):
        await on_hello(session, frame)
        return
    if session.link is None:
        raise FrameError("hello_first", "send hello first")
    if isinstance(frame, protocol.SendMessage):
        await on_message(session, frame)
    elif isinstance(frame, protocol.Typing):
        await on_typing(session)
    elif isinstance(frame, protocol.Read):
        await send_signal(session, "read", frame.up_to)
    elif isinstance(frame, protocol.End):
        await on_end(session)
    elif isinstance(frame, protocol.Rate):
        await on_rate(session, frame)


async def handle(deps: ChatDeps, request: web.Request) -> web.WebSocketResponse:
    settings = deps.settings
    ws = web.WebSocketResponse(heartbeat=30, max_msg_size=settings.max_frame_bytes * 4)
    await ws.prepare(request)
    address = request.remote or "unknown"
    if not deps.counts.enter(address):
        limit = settings.connections_per_address
        await ws.send_json(
            FrameError("too_many_connections", f"at most {limit} chat connections per address").frame()
        )
        await ws.close(code=POLICY_VIOLATION, message=b"too many connections")
        return ws
    session = VisitorSession(deps, ws, request.headers.get("Origin"), deps.own_origins(request))
    try:
        async for message in ws:
            if message.type is WSMsgType.TEXT:
                try:
                    await on_frame(session, message.data)
                except FrameError as exc:
                    await session.send(exc.frame())
                except Exception:  # the edge: logged once; the visitor reconnects and resends
                    log.exception("webchat.frame_failed")
                    await session.send(FrameError("server_error", "something went wrong; reconnect").frame())
                    await ws.close(code=INTERNAL_ERROR, message=b"server error")
                    break
            elif message.type is WSMsgType.BINARY:
                await session.send(FrameError("not_json", "frames are JSON text").frame())
            else:
                break
    finally:
        deps.counts.leave(address)
        if session.link is not None:
            await deps.hub.detach(session.link)
    return ws
