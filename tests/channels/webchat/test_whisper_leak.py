"""A supervisor's whisper never reaches the customer's side: not the visitor's live socket, not the
history a returning visitor is replayed, not the conversation's messages (which outbound delivery
and the customer's history read), not the transcript mail, not the customer's export; and erasing
the customer blanks it. The whole web app on a real port, a real visitor, both databases."""

from __future__ import annotations

import json

from sqlmodel import col, select

from contact_center.domain.commands import CreateAgent
from contact_center.domain.enums import Role
from contact_center.domain.interactions import Message
from contact_center.domain.stepping_in import Whisper
from contact_center.services.agents import create_token_for
from contact_center.storage.outbox import OutboxEvent
from contact_center.transcripts.render import load_transcript, render
from tests.channels.webchat.conftest import Served, agent_reply
from tests.conftest import unique

SECRET = "Offer the 20% refund, she is a VIP"


async def bearer(served: Served, role: Role) -> dict[str, str]:
    agent_id = await served.container.bus.handle(CreateAgent(username=unique("leak"), role=role))
    return {"Authorization": f"Bearer {await create_token_for(served.container.uow(), agent_id, 'test')}"}


async def test_a_whisper_reaches_no_customer_side(served: Served) -> None:
    visitor = await served.visitor()
    token = (await visitor.hello())["token"]
    ack = await visitor.say("a", "my order is late")
    iid = ack["interaction_id"]
    await agent_reply(served.container, iid, "Let me look")
    await visitor.until("message", body="Let me look")

    supervisor = await bearer(served, Role.SUPERVISOR)
    async with served.http.post(
        f"{served.base}/api/v1/interactions/{iid}/whispers", json={"body": SECRET}, headers=supervisor
    ) as resp:
        assert resp.status == 201, await resp.text()
    await agent_reply(served.container, iid, "Here is a refund")
    await visitor.until("message", body="Here is a refund")
    assert SECRET not in json.dumps(visitor.seen, ensure_ascii=False)
    assert all(SECRET not in json.dumps(f, ensure_ascii=False) for f in await visitor.quiet(0.5))

    # A returning visitor is replayed the whole conversation: the customer's words and the replies.
    again = await served.visitor()
    welcome = await again.hello(token=token)
    replayed = await again.quiet(1.0)
    bodies = [m["body"] for m in welcome["messages"]]
    assert bodies == ["my order is late", "Let me look", "Here is a refund"]
    assert SECRET not in json.dumps([welcome, *again.seen, *replayed], ensure_ascii=False)

    async with served.container.uow() as uow:
        messages = (await uow.session.exec(select(Message).where(Message.interaction_id == iid))).all()
        stored = (await uow.session.exec(select(Whisper).where(Whisper.interaction_id == iid))).one()
        payloads = (await uow.session.exec(select(OutboxEvent.payload).order_by(col(OutboxEvent.id)))).all()
        customer_id = (await uow.interactions.get(iid)).customer_id
    assert stored.body == SECRET
    assert [m.body for m in messages] == ["my order is late", "Let me look", "Here is a refund"]
    assert not [p for p in payloads if SECRET in p]  # no event carries it to any subscriber

    # The transcript the customer may ask for, in both languages.
    async with served.container.engine.connect() as conn:
        transcript = await load_transcript(conn, iid)
    for language in ("en", "zh-CN"):
        mail = render(transcript, language)
        assert "Here is a refund" in mail.text and SECRET not in mail.text and SECRET not in mail.html

    # The customer's history and export, as staff read them: whispers are not messages.
    admin = await bearer(served, Role.ADMIN)
    for path in (
        f"/api/v1/interactions/{iid}",
        f"/api/v1/interactions/{iid}/messages",
        f"/api/v1/customers/{customer_id}/interactions",
        f"/api/v1/customers/{customer_id}/export",
    ):
        async with served.http.get(served.base + path, headers=admin) as resp:
            assert resp.status == 200, (path, await resp.text())
            assert SECRET not in await resp.text(), path

    # Erasing the customer blanks the whisper with their messages.
    async with served.http.post(f"{served.base}/api/v1/customers/{customer_id}/erase", headers=admin) as resp:
        assert resp.status == 200, await resp.text()
    async with served.container.uow() as uow:
        assert (await uow.session.exec(select(Whisper.body).where(Whisper.interaction_id == iid))).one() == ""
    await visitor.close()
    await again.close()
