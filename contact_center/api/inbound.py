"""`POST /api/v1/inbound`: a contact from an integration, on the path every channel adapter takes.

The body names the channel and the sender's address; the message is stored (customer resolved or
created, thread continued or interaction queued) and committed before the answer, which is built
from what storing returned. A retry is answered with the first result and stores nothing: by the
provider's message id when the body carries one, else by the `Idempotency-Key` header.
"""

from __future__ import annotations

from typing import Annotated

from aiohttp import web

from contact_center.api import keys
from contact_center.api.access import principal_of
from contact_center.api.idempotency import REPLAYED_HEADER, idempotency_key
from contact_center.api.interactions import MessageBody, QueueName, Subject
from contact_center.api.validation import Body, UtcTime, length, parse_body
from contact_center.domain.commands import ReceiveInbound
from contact_center.domain.enums import Channel
from contact_center.domain.errors import InvalidInputError
from contact_center.storage.inbound_types import Received

routes = web.RouteTableDef()

Name = Annotated[str, length(255, 1)]
ContentType = Annotated[str, length(100, 1)]
Url = Annotated[str, length(2000, 1)]
Sender = Annotated[str, length(254, 1)]
SenderName = Annotated[str, length(200)]
ProviderId = Annotated[str, length(200)]


class InboundAttachment(Body):
    name: Name
    content_type: ContentType
    url: Url
    size: int | None = None


class InboundRequest(Body):
    channel: Channel
    #: A phone number (voice, SMS), an email address, or a chat visitor id.
    sender: Sender
    body: MessageBody
    sender_name: SenderName = ""
    subject: Subject = ""
    queue: QueueName | None = None
    provider_message_id: ProviderId | None = None
    received_at: UtcTime | None = None
    attachments: list[InboundAttachment] = []


@routes.post("/api/v1/inbound")
async def receive_inbound(request: web.Request) -> web.Response:
    principal = principal_of(request)
    body = await parse_body(request, InboundRequest)
    provider_id = body.provider_message_id
    key = idempotency_key(request)
    if provider_id is None and key is not None:
        # Scoped to the caller, so two integrations using the same key never meet.
        provider_id = f"idempotency:{principal.agent_id}:{key}"
    if body.received_at is not None and body.received_at.tzinfo is None:
        raise InvalidInputError("received_at needs a UTC offset, e.g. 2026-01-01T00:00:00+00:00")
    received: Received = await request.app[keys.BUS].handle(
        ReceiveInbound(
            channel=body.channel,
            sender=body.sender,
            body=body.body,
            provider_message_id=provider_id,
            subject=body.subject,
            queue=body.queue,
            sender_name=body.sender_name,
            attachments=tuple(a.model_dump(exclude_none=True) for a in body.attachments),
            received_at=body.received_at,
            actor=principal.actor,
        )
    )
    answer = {
        "interaction_id": received.interaction_id,
        "message_id": received.message_id,
        "customer_id": received.customer_id,
    }
    # A replay gets the first answer, word for word; only this header tells it apart.
    headers = {REPLAYED_HEADER: "true"} if received.duplicate else None
    return web.json_response(answer, status=201, headers=headers)
