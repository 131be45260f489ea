"""`/chat/ws`: one visitor's websocket, frame by frame (docs/webchat.md, Protocol).

The connection is counted per address before anything else; the first frame must be `hello`,
which checks the site, the page's Origin and the visitor token, then answers `welcome` with what
the visitor missed. A `message` goes the way every channel's does (`ReceiveInbound` on the bus,
keyed by visitor and client id, so a resent frame is stored once) and is acknowledged with its
sequence number only after its commit. Every refusal is an error frame; nothing is dropped silently.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web
from sqlalchemy.ext.asyncio import AsyncEngine

from channels.webchat import conversation, protocol, sites
from channels.webchat.hub import VisitorHub, VisitorLink
from channels.webchat.limits import ConnectionCounts, TokenBucket
from channels.webchat.protocol import FrameError
from channels.webchat.tokens import BadTokenError, VisitorTokens, new_visitor_id
from channels.webchat.uploads import UploadStore
from contact_center.bus import MessageBus
from contact_center.domain.commands import (
    AddContactDetails,
    RateInteraction,
    ReceiveInbound,
    RequestTranscript,
    TransitionInteraction,
)
from contact_center.domain.enums import Channel, InteractionState
from contact_center.domain.errors import ContactCenterError
from contact_center.domain.identity import Address
from contact_center.settings import WebchatSettings, WebchatSite
from contact_center.signals import Signal, Signals
from contact_center.storage.inbound_types import Received
from contact_center.storage.uow import Clock, UnitOfWork

log = logging.getLogger(__name__)

POLICY_VIOLATION = 1008
ACTOR = "webchat"
#: A visitor's typing signal is passed on at most this often.
TYPING_EVERY_S = 1.0
#: Frames of any type a connection may send a second (a burst of `FRAME_BURST`).
FRAMES_PER_SECOND = 20.0
FRAME_BURST = 40
INTERNAL_ERROR = 1011


@dataclass
class ChatDeps:
    """What the endpoint uses, handed over by `setup_webchat`; `tokens` is set at start-up."""

    settings: WebchatSettings
    bus: MessageBus
    read_uow: Callable[[], UnitOfWork]
    reader: AsyncEngine
    clock: Clock
    hub: VisitorHub
    counts: ConnectionCounts
    signals: Signals
    uploads: UploadStore
    own_origins: Callable[[web.Request], set[str]]
    availability: sites.AvailabilityCache
    default_region: str = "US"
    tokens: VisitorTokens | None = None


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

    async def on_frame(self, raw: str) -> None:
        if (wait := self.frames.take()) > 0:
            error = FrameError("rate_limited", "too many frames; slow down")
            await self.send(error.frame() | {"retry_after_ms": int(wait * 1000) + 1})
            return
        frame = protocol.parse(raw, self.deps.settings.max_frame_bytes)
        if isinstance(frame, protocol.Hello):
            await self.hello(frame)
            return
        if self.link is None:
            raise FrameError("hello_first", "send hello first")
        if isinstance(frame, protocol.SendMessage):
            await self.message(frame)
        elif isinstance(frame, protocol.Typing):
            await self.typing()
        elif isinstance(frame, protocol.Read):
            await self.signal("read", frame.up_to)
        elif isinstance(frame, protocol.End):
            await self.end()
        elif isinstance(frame, protocol.Rate):
            await self.rate(frame)

    async def hello(self, hello: protocol.Hello) -> None:
        deps = self.deps
        if self.link is not None:
            raise FrameError("already_hello", "this connection has said hello already")
        site = deps.settings.sites.get(hello.site)
        if site is None:
            raise FrameError("unknown_site", f"no site {hello.site[:64]!r}")
        if not sites.origin_allowed(site, self.origin, self.own):
            await self.ws.send_json(
                FrameError("origin_not_allowed", "this page may not open the chat of this site").frame()
            )
            await self.ws.close(code=POLICY_VIOLATION, message=b"origin not allowed")
            return
        try:
            queue = sites.queue_for(site, hello.profile.topic)
        except KeyError:
            raise FrameError("unknown_topic", "no such topic on this site") from None
        self.details = self.checked_details(hello.profile)
        assert deps.tokens is not None
        now = deps.clock()
        if hello.token is not None:
            try:
                visitor_id = deps.tokens.verify(hello.token, hello.site, now).visitor_id
            except BadTokenError as exc:
                raise FrameError("bad_token", str(exc)) from None
            token = hello.token
        else:
            visitor_id = new_visitor_id()
            token = deps.tokens.issue(visitor_id, hello.site, now)
        self.site, self.queue, self.name = site, queue, hello.profile.name
        link = VisitorLink(self.ws, visitor_id)
        link.last_sent = hello.last_seq or 0
        missed: list[dict[str, Any]] = []
        current: dict[str, Any] | None = None
        customer_id = await conversation.customer_of(deps.reader, visitor_id)
        if customer_id is not None:
            deps.hub.attach(link, customer_id)
            latest = await conversation.latest(deps.reader, customer_id)
            if latest is not None:
                link.interaction_id = latest.interaction_id
                current = {"interaction_id": latest.interaction_id, "state": latest.state.value}
            missed = await conversation.messages_after(deps.reader, customer_id, link.last_sent)
            if missed:
                link.last_sent = missed[-1]["seq"]
        self.link = link
        await self.send(
            {
                "type": "welcome",
                "token": token,
                "lang": sites.language(site, hello.lang),
                "availability": await deps.availability.of(queue, now),
                "prechat": list(site.prechat),
                "topics": list(site.topics),
                "conversation": current,
                "messages": missed,
            }
        )
        deps.hub.start(link)
        if len(missed) >= conversation.PAGE:
            link.wake()  # the rest follows through the pump

    def checked_details(self, profile: protocol.Profile) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        try:
            if profile.email:
                Address.email(profile.email)
            if profile.phone:
                Address.phone(profile.phone, self.deps.default_region)
        except ContactCenterError as exc:
            raise FrameError("bad_field", exc.message) from None
        emails = (profile.email,) if profile.email else ()
        phones = (profile.phone,) if profile.phone else ()
        return (emails, phones) if emails or phones else None

    async def add_details(self, customer_id: int) -> None:
        """Once per connection, after the first message made the visitor a customer."""
        details, self.details = self.details, None
        if details is None:
            return
        try:
            await self.deps.bus.handle(
                AddContactDetails(customer_id=customer_id, emails=details[0], phones=details[1], actor=ACTOR)
            )
        except ContactCenterError as exc:  # checked at hello; a race on the address at worst
            log.info("webchat.details_refused", extra={"code": exc.code})

    async def message(self, frame: protocol.SendMessage) -> None:
        assert self.link is not None
        wait = self.bucket.take()
        if wait > 0:
            error = FrameError(
                "rate_limited", "too many messages; send this one again later", frame.client_id
            )
            await self.send(error.frame() | {"retry_after_ms": int(wait * 1000) + 1})
            return
        visitor_id = self.link.visitor_id
        uploads = []
        for upload_id in frame.attachments:
            try:
                uploads.append(await self.deps.uploads.owned(visitor_id, upload_id))
            except ContactCenterError:
                raise FrameError("bad_attachment", f"no upload {upload_id}", frame.client_id) from None
        attachments = [upload.attachment() for upload in uploads]
        try:
            received: Received = await self.deps.bus.handle(
                ReceiveInbound(
                    channel=Channel.CHAT,
                    sender=visitor_id,
                    body=frame.body,
                    provider_message_id=conversation.provider_message_id(visitor_id, frame.client_id),
                    queue=self.queue,
                    sender_name=self.name,
                    attachments=tuple(attachments),
                    actor=ACTOR,
                )
            )
        except ContactCenterError as exc:
            raise FrameError(exc.code, exc.message, frame.client_id) from None
        if uploads:  # before the ack: an agent offered it may open the files at once
            await self.deps.uploads.attached(uploads, received.interaction_id)
        if self.link.customer_id is None:
            self.deps.hub.attach(self.link, received.customer_id)
        self.deps.hub.note_interaction(received.interaction_id, received.customer_id)
        self.link.interaction_id = max(self.link.interaction_id or 0, received.interaction_id)
        await self.send(
            {
                "type": "ack",
                "client_id": frame.client_id,
                "seq": received.message_id,
                "interaction_id": received.interaction_id,
            }
        )
        self.link.wake()  # its echo (and anything before it) reaches this connection in order
        await self.add_details(received.customer_id)

    async def typing(self) -> None:
        now = time.monotonic()
        if now - self.typed_at >= TYPING_EVERY_S:
            self.typed_at = now
            await self.signal("typing", None)

    async def signal(self, kind: str, up_to: int | None) -> None:
        assert self.link is not None
        if self.link.interaction_id is None:
            return  # nothing to be typing into yet: no one to tell
        await self.deps.signals.publish(
            Signal(
                self.link.interaction_id,
                "typing" if kind == "typing" else "read",
                "customer",
                up_to=up_to,
            )
        )

    async def end(self) -> None:
        """The visitor closed the chat: an agent's active chat moves to wrap-up; a waiting one
        stays waiting (a message left for later is still answered)."""
        assert self.link is not None
        interaction_id = self.link.interaction_id
        if interaction_id is not None and self.link.customer_id is not None:
            latest = await conversation.latest(self.deps.reader, self.link.customer_id)
            if latest is not None and latest.state is InteractionState.ACTIVE:
                try:
                    await self.deps.bus.handle(
                        TransitionInteraction(
                            interaction_id=latest.interaction_id, target=InteractionState.WRAP_UP, actor=ACTOR
                        )
                    )
                except ContactCenterError as exc:  # moved on meanwhile (the agent ended it first)
                    log.info(
                        "webchat.end_refused", extra={"interaction_id": interaction_id, "code": exc.code}
                    )
        await self.send({"type": "ended", "interaction_id": interaction_id})

    async def rate(self, frame: protocol.Rate) -> None:
        assert self.link is not None
        if self.link.interaction_id is None or self.link.customer_id is None:
            raise FrameError("nothing_to_rate", "there is no conversation to rate yet")
        iid, cid = self.link.interaction_id, self.link.customer_id
        try:
            await self.deps.bus.handle(
                RateInteraction(interaction_id=iid, customer_id=cid, score=frame.score, comment=frame.comment)
            )
            transcript = None
            if frame.transcript_email is not None:
                await self.deps.bus.handle(
                    RequestTranscript(interaction_id=iid, customer_id=cid, email=frame.transcript_email)
                )
                transcript = "recorded"
        except ContactCenterError as exc:
            raise FrameError(exc.code, exc.message) from None
        await self.send({"type": "rated", "interaction_id": iid, "transcript": transcript})


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
                    await session.on_frame(message.data)
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
