"""The frames of a chat under way: `message`, `typing`, `read`, `end` and `rate`.

A `message` goes the way every channel's does (`ReceiveInbound` on the bus, keyed by visitor and
client id, so a resent frame is stored once) and is acknowledged with its sequence number only
after its commit; the pre-chat form's details join the customer after their first message.
Typing and read marks go to the agent as signals; `end` moves an agent's active chat to wrap-up;
`rate` records the score and any transcript request (mailed by a job when mail is configured).
Each needs the link `hello` made.
"""

from __future__ import annotations

import logging
import time

from channels.webchat import conversation, protocol
from channels.webchat.protocol import FrameError
from channels.webchat.visitor_session import ACTOR, VisitorSession
from contact_center.domain.commands import (
    AddContactDetails,
    RateInteraction,
    ReceiveInbound,
    RequestTranscript,
    TransitionInteraction,
)
from contact_center.domain.enums import Channel, InteractionState
from contact_center.domain.errors import ContactCenterError
from contact_center.services.satisfaction import TranscriptRecorded
from contact_center.signals import Signal
from contact_center.storage.inbound_types import Received

log = logging.getLogger(__name__)

#: A visitor's typing signal is passed on at most this often.
TYPING_EVERY_S = 1.0


async def add_details(session: VisitorSession, customer_id: int) -> None:
    """Once per connection, after the first message made the visitor a customer."""
    details, session.details = session.details, None
    if details is None:
        return
    try:
        await session.deps.bus.handle(
            AddContactDetails(customer_id=customer_id, emails=details[0], phones=details[1], actor=ACTOR)
        )
    except ContactCenterError as exc:  # checked at hello; a race on the address at worst
        log.info("webchat.details_refused", extra={"code": exc.code})


async def on_message(session: VisitorSession, frame: protocol.SendMessage) -> None:
    assert session.link is not None
    wait = session.bucket.take()
    if wait > 0:
        error = FrameError("rate_limited", "too many messages; send this one again later", frame.client_id)
        await session.send(error.frame() | {"retry_after_ms": int(wait * 1000) + 1})
        return
    visitor_id = session.link.visitor_id
    uploads = []
    for upload_id in frame.attachments:
        try:
            uploads.append(await session.deps.uploads.owned(visitor_id, upload_id))
        except ContactCenterError:
            raise FrameError("bad_attachment", f"no upload {upload_id}", frame.client_id) from None
    attachments = [upload.attachment() for upload in uploads]
    with session.link.sending():  # its own event's wake waits for the echo below
        try:
            received: Received = await session.deps.bus.handle(
                ReceiveInbound(
                    channel=Channel.CHAT,
                    sender=visitor_id,
                    body=frame.body,
                    provider_message_id=conversation.provider_message_id(visitor_id, frame.client_id),
                    queue=session.queue,
                    sender_name=session.name,
                    attachments=tuple(attachments),
                    actor=ACTOR,
                )
            )
        except ContactCenterError as exc:
            raise FrameError(exc.code, exc.message, frame.client_id) from None
        if uploads:  # before the ack: an agent offered it may open the files at once
            await session.deps.uploads.attached(uploads, received.interaction_id)
        if session.link.customer_id is None:
            session.deps.hub.attach(session.link, received.customer_id)
            await session.deps.uploads.link(visitor_id, received.customer_id)  # files not sent yet
        session.deps.hub.note_interaction(received.interaction_id, received.customer_id)
        session.link.interaction_id = max(session.link.interaction_id or 0, received.interaction_id)
        await session.send(
            {
                "type": "ack",
                "client_id": frame.client_id,
                "seq": received.message_id,
                "interaction_id": received.interaction_id,
            }
        )
        shown = False
        if not received.duplicate:
            echo = conversation.frame_of(
                received.message_id,
                received.interaction_id,
                frame.body,
                attachments,
                conversation.provider_message_id(visitor_id, frame.client_id),
                received.at,
            )
            shown = await session.link.echo(echo, received.previous_message_id)
        if not shown:
            session.link.wake()  # its echo and anything before it, read, reach this connection in order
    await add_details(session, received.customer_id)


async def on_typing(session: VisitorSession) -> None:
    now = time.monotonic()
    if now - session.typed_at >= TYPING_EVERY_S:
        session.typed_at = now
        await send_signal(session, "typing", None)


async def send_signal(session: VisitorSession, kind: str, up_to: int | None) -> None:
    assert session.link is not None
    if session.link.interaction_id is None:
        return  # nothing to be typing into yet: no one to tell
    await session.deps.signals.publish(
        Signal(
            session.link.interaction_id,
            "typing" if kind == "typing" else "read",
            "customer",
            up_to=up_to,
        )
    )


async def on_end(session: VisitorSession) -> None:
    """The visitor closed the chat: an agent's active chat moves to wrap-up; a waiting one
    stays waiting (a message left for later is still answered)."""
    assert session.link is not None
    interaction_id = session.link.interaction_id
    if interaction_id is not None and session.link.customer_id is not None:
        latest = await conversation.latest(session.deps.reader, session.link.customer_id)
        if latest is not None and latest.state is InteractionState.ACTIVE:
            try:
                await session.deps.bus.handle(
                    TransitionInteraction(
                        interaction_id=latest.interaction_id, target=InteractionState.WRAP_UP, actor=ACTOR
                    )
                )
            except ContactCenterError as exc:  # moved on meanwhile (the agent ended it first)
                log.info("webchat.end_refused", extra={"interaction_id": interaction_id, "code": exc.code})
    await session.send({"type": "ended", "interaction_id": interaction_id})


async def on_rate(session: VisitorSession, frame: protocol.Rate) -> None:
    assert session.link is not None
    if session.link.interaction_id is None or session.link.customer_id is None:
        raise FrameError("nothing_to_rate", "there is no conversation to rate yet")
    iid, cid = session.link.interaction_id, session.link.customer_id
    try:
        await session.deps.bus.handle(
            RateInteraction(interaction_id=iid, customer_id=cid, score=frame.score, comment=frame.comment)
        )
        transcript = None
        if frame.transcript_email is not None:
            recorded: TranscriptRecorded = await session.deps.bus.handle(
                RequestTranscript(
                    interaction_id=iid, customer_id=cid, email=frame.transcript_email, language=session.lang
                )
            )
            transcript = "queued" if recorded.is_queued else "unavailable"
    except ContactCenterError as exc:
        raise FrameError(exc.code, exc.message) from None
    await session.send({"type": "rated", "interaction_id": iid, "transcript": transcript})
