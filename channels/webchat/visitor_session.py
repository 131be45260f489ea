"""One visitor connection's state, and how a frame goes back to it.

The hello (`visitor_hello.py`), the conversation's frames (`visitor_conversation.py`) and the
endpoint that reads the socket (`visitor_socket.py`) all read and change this state; it sits in a
module of its own so that none of them imports another.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from channels.webchat.chat_deps import ChatDeps
from channels.webchat.hub import VisitorLink
from channels.webchat.limits import TokenBucket
from contact_center.settings import WebchatSite

POLICY_VIOLATION = 1008
ACTOR = "webchat"
#: Frames of any type a connection may send a second (a burst of `FRAME_BURST`).
FRAMES_PER_SECOND = 20.0
FRAME_BURST = 40


class VisitorSession:
    """The state of one connection after its hello."""

    def __init__(self, deps: ChatDeps, ws: web.WebSocketResponse, origin: str | None, own: set[str]) -> None:
        self.deps = deps
        self.ws = ws
        self.origin = origin
        self.own = own
        self.link: VisitorLink | None = None
        self.site: WebchatSite | None = None
        self.queue: str | None = None
        self.name = ""
        #: The language the widget shows (`welcome`'s `lang`): a transcript is written in it.
        self.lang = "en"
        #: The pre-chat form's email and phone, added to the customer after their first message.
        self.details: tuple[tuple[str, ...], tuple[str, ...]] | None = None
        self.bucket = TokenBucket(deps.settings.messages_per_second, deps.settings.message_burst)
        #: Every frame, whatever its type: typing and read marks are cheap but not free.
        self.frames = TokenBucket(FRAMES_PER_SECOND, FRAME_BURST)
        self.typed_at = 0.0

    async def send(self, frame: dict[str, Any]) -> None:
        if self.link is not None:
            await self.link.send(frame)
        else:
            await self.ws.send_json(frame)
