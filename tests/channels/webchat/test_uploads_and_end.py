"""Uploads (size, type, content, owner, origin and CORS), the end of a chat, the rating stored as the
interaction's satisfaction score, the transcript request, and leaving a message out of hours."""

from __future__ import annotations

from typing import Any

import aiohttp
from sqlmodel import select

from channels.webchat import CHAT_KEY
from channels.webchat.sites import availability
from contact_center.domain.commands import CreateAgent, CreateQueue, EraseCustomer, SetPresence
from contact_center.domain.enums import Channel, InteractionState, Presence
from contact_center.domain.errors import NotFoundError
from contact_center.domain.work import SatisfactionScore, TranscriptRequest
from contact_center.services.agents import create_token_for
from tests.channels.webchat.conftest import NIGHT_QUEUE, SHOP, Served, Visitor
from tests.conftest import unique
from tests.contact_center.conftest import offer_and_accept
from tests.contact_center.router.conftest import polled

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def token_of(served: Served) -> tuple[Visitor, str]:
    visitor = await served.visitor()
    return visitor, (await visitor.hello())["token"]


async def post_file(
    served: Served, token: str, data: bytes, content_type: str, *, origin: str = SHOP, name: str = "a.png"
) -> tuple[int, dict[str, Any], aiohttp.ClientResponse]:
    form = aiohttp.FormData()
    form.add_field("file", data, filename=name, content_type=content_type)
    headers = {"X-Visitor-Token": token, "Origin": origin}
    async with served.http.post(f"{served.base}/chat/upload?site=shop", data=form, headers=headers) as r:
        return r.status, await r.json(), r


async def test_an_upload_is_attached_to_a_message_and_only_its_owner_downloads_it(served: Served) -> None:
    visitor, token = await token_of(served)
    status, body, response = await post_file(served, token, PNG, "image/png", name="receipt.png")
    assert status == 201 and body["name"] == "receipt.png" and body["size"] == len(PNG)
    assert response.headers["Access-Control-Allow-Origin"] == SHOP
    await visitor.send({"type": "message", "client_id": "f1", "body": "", "attachments": [body["id"]]})
    ack = await visitor.until("ack", client_id="f1")
    echo = await visitor.until("message", seq=ack["seq"])
    assert echo["attachments"] == [
        {"name": "receipt.png", "content_type": "image/png", "size": len(PNG), "url": body["url"]}
    ]
    async with served.http.get(
        f"{served.base}{body['url']}?site=shop", headers={"X-Visitor-Token": token}
    ) as got:
        assert got.status == 200 and await got.read() == PNG
        assert got.headers["Content-Disposition"] == "attachment"
    stranger, other_token = await token_of(served)
    async with served.http.get(
        f"{served.base}{body['url']}?site=shop", headers={"X-Visitor-Token": other_token}
    ) as got:
        assert got.status == 404
    await stranger.send({"type": "message", "client_id": "steal", "body": "", "attachments": [body["id"]]})
    assert (await stranger.until("error"))["code"] == "bad_attachment"
    await visitor.close()
    await stranger.close()


async def test_uploads_over_the_size_or_of_another_type_are_refused(served: Served) -> None:
    visitor, token = await token_of(served)
    status, body, _ = await post_file(served, token, PNG + b"\x00" * 5000, "image/png")
    assert status == 413 and body["error"]["code"] == "too_large"
    status, body, _ = await post_file(served, token, b"<html><script>", "text/html")
    assert status == 422
    status, body, _ = await post_file(served, token, b"<html><script>", "image/png")  # not a PNG inside
    assert status == 422 and "not image/png" in body["error"]["message"]
    status, body, _ = await post_file(served, "forged.token", PNG, "image/png")
    assert status == 401 and body["error"]["code"] == "bad_token"
    await visitor.close()


async def test_an_upload_from_an_origin_not_allowed_is_refused_without_cors(served: Served) -> None:
    visitor, token = await token_of(served)
    status, body, response = await post_file(served, token, PNG, "image/png", origin="https://evil.example")
    assert status == 403 and body["error"]["code"] == "origin_not_allowed"
    assert "Access-Control-Allow-Origin" not in response.headers
    async with served.http.options(
        f"{served.base}/chat/upload?site=shop",
        headers={"Origin": SHOP, "Access-Control-Request-Method": "POST"},
    ) as preflight:
        assert preflight.status == 204
        assert preflight.headers["Access-Control-Allow-Origin"] == SHOP
        assert "X-Visitor-Token" in preflight.headers["Access-Control-Allow-Headers"]
    await visitor.close()


async def test_a_rating_is_stored_as_the_satisfaction_score_with_a_transcript_request(served: Served) -> None:
    container = served.container
    agent = await container.bus.handle(CreateAgent(username=unique("agent")))
    visitor, _ = await token_of(served)
    ack = await visitor.say("m1", "thanks for the help")
    iid = ack["interaction_id"]
    await offer_and_accept(container, iid, agent)
    await visitor.send({"type": "end"})
    assert (await visitor.until("ended"))["interaction_id"] == iid
    async with container.uow() as uow:
        assert (await uow.interactions.get(iid)).state == InteractionState.WRAP_UP
    await visitor.send({"type": "rate", "score": 6})
    assert (await visitor.until("error"))["code"] == "bad_field"
    await visitor.send(
        {"type": "rate", "score": 4, "comment": "quick", "transcript_email": "Ada@Example.com"}
    )
    rated = await visitor.until("rated")
    assert rated["transcript"] == "unavailable"  # no mail server here (test_transcript_mail.py has one)
    async with container.uow() as uow:
        score = (
            await uow.session.exec(select(SatisfactionScore).where(SatisfactionScore.interaction_id == iid))
        ).one()
        request = (
            await uow.session.exec(select(TranscriptRequest).where(TranscriptRequest.interaction_id == iid))
        ).one()
    assert (score.score, score.comment) == (4, "quick")
    assert request.email == "ada@example.com" and request.sent_at is None
    assert request.status == "unavailable"
    await visitor.close()


async def test_ending_a_waiting_chat_leaves_the_message_waiting(served: Served) -> None:
    visitor, _ = await token_of(served)
    ack = await visitor.say("w", "call me back")
    await visitor.send({"type": "end"})
    await visitor.until("ended")
    async with served.container.uow() as uow:
        assert (await uow.interactions.get(ack["interaction_id"])).state == InteractionState.QUEUED
    await visitor.close()


async def test_out_of_hours_the_visitor_leaves_a_message_that_waits(served: Served) -> None:
    container = served.container
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    async with container.uow() as uow:
        exists = await uow.queues.by_name(NIGHT_QUEUE) is not None
    if not exists:  # closed all week: no span is ever open
        hours = tuple((day, (("00:00", "00:00"),)) for day in days)
        await container.bus.handle(
            CreateQueue(name=NIGHT_QUEUE, channels=(Channel.CHAT,), business_hours=hours)
        )
    visitor = await served.visitor()
    welcome = await visitor.hello(site="other", profile={"topic": "Billing"})
    assert welcome["availability"] == "closed" and welcome["topics"] == ["Billing"]
    ack = await visitor.say("left", "please call me tomorrow")
    async with container.uow() as uow:
        interaction = await uow.interactions.get(ack["interaction_id"])
        queue = await uow.queues.named(NIGHT_QUEUE)
    assert interaction.state == InteractionState.QUEUED and interaction.queue_id == queue.id
    await visitor.close()
    other = await served.visitor()
    await other.send({"type": "hello", "site": "other", "profile": {"topic": "Nope"}})
    assert (await other.until("error"))["code"] == "unknown_topic"
    await other.close()


async def test_the_chat_is_open_only_while_an_agent_who_could_take_it_is_available(served: Served) -> None:
    container = served.container
    skill, queue = unique("sk"), unique("q")
    await container.bus.handle(
        CreateQueue(name=queue, channels=(Channel.CHAT,), required_skills=((skill, 2),))
    )
    assert await availability(container.read_uow, queue, container.clock()) == "no_agents"
    agent = await container.bus.handle(CreateAgent(username=unique("a"), skills=((skill, 2),)))
    assert await availability(container.read_uow, queue, container.clock()) == "no_agents"  # offline
    await container.bus.handle(SetPresence(agent_id=agent, presence=Presence.AVAILABLE))
    assert await availability(container.read_uow, queue, container.clock()) == "open"
    await container.bus.handle(SetPresence(agent_id=agent, presence=Presence.OFFLINE))


async def test_erasing_the_customer_blanks_their_transcript_address(served: Served) -> None:
    container = served.container
    visitor, _ = await token_of(served)
    ack = await visitor.say("e1", "erase me later")
    await visitor.send({"type": "rate", "score": 5, "transcript_email": "erase.me@example.com"})
    await visitor.until("rated")
    async with container.uow() as uow:
        customer_id = (await uow.interactions.get(ack["interaction_id"])).customer_id
    await container.bus.handle(EraseCustomer(customer_id=customer_id))
    async with container.uow() as uow:
        stmt = select(TranscriptRequest).where(TranscriptRequest.customer_id == customer_id)
        assert [r.email for r in (await uow.session.exec(stmt)).all()] == [""]
    await visitor.close()


async def test_the_agent_handling_the_chat_downloads_its_file_and_no_other_agent_does(served: Served) -> None:
    container = served.container
    visitor, token = await token_of(served)
    status, body, _ = await post_file(served, token, PNG, "image/png")
    assert status == 201
    await visitor.send(
        {"type": "message", "client_id": "f2", "body": "my receipt", "attachments": [body["id"]]}
    )
    ack = await visitor.until("ack", client_id="f2")
    agent = await container.bus.handle(CreateAgent(username=unique("handler")))
    other = await container.bus.handle(CreateAgent(username=unique("other")))
    await offer_and_accept(container, ack["interaction_id"], agent)
    url = f"{served.base}{body['url']}"
    for agent_id, expected in ((agent, 200), (other, 404)):
        bearer = await create_token_for(container.uow(), agent_id, "test")
        async with served.http.get(url, headers={"Authorization": f"Bearer {bearer}"}) as got:
            assert got.status == expected
            if expected == 200:
                assert await got.read() == PNG
    async with served.http.get(url) as got:  # nobody: neither a visitor token nor a sign-in
        assert got.status == 404  # no site named: the visitor's door
    async with served.http.get(url + "?site=shop") as got:
        assert got.status == 401
    await visitor.close()


async def test_erasing_the_customer_deletes_the_files_they_sent(served: Served) -> None:
    visitor, token = await token_of(served)
    status, kept_body, _ = await post_file(served, token, PNG, "image/png", name="mine.png")
    assert status == 201
    await visitor.send({"type": "message", "client_id": "e2", "body": "", "attachments": [kept_body["id"]]})
    ack = await visitor.until("ack", client_id="e2")
    other, other_token = await token_of(served)
    status, other_body, _ = await post_file(served, other_token, PNG, "image/png", name="theirs.png")
    await other.send({"type": "message", "client_id": "o1", "body": "", "attachments": [other_body["id"]]})
    await other.until("ack", client_id="o1")
    store = served.app[CHAT_KEY].uploads
    assert store.path_of(await store.find(kept_body["id"])).exists()
    async with served.container.uow() as uow:
        customer_id = (await uow.interactions.get(ack["interaction_id"])).customer_id
    await served.container.bus.handle(EraseCustomer(customer_id=customer_id))
    await served.container.dispatcher.drain()  # customer.erased reaches the channel

    async def gone() -> bool:
        try:
            await store.find(kept_body["id"])
        except NotFoundError:
            return True
        return False

    await polled(gone, within_s=10)  # the erased customer's file is deleted
    assert store.path_of(await store.find(other_body["id"])).exists()  # another customer's stays
    await visitor.close()
    await other.close()


async def erased_and_settled(served: Served, customer_id: int) -> None:
    await served.container.bus.handle(EraseCustomer(customer_id=customer_id))
    await served.container.dispatcher.drain()  # customer.erased reaches the channel


async def file_gone(served: Served, upload_id: str) -> bool:
    store = served.app[CHAT_KEY].uploads
    try:
        await store.find(upload_id)
    except NotFoundError:
        return True
    return False


async def test_erasing_the_customer_deletes_a_file_they_uploaded_but_never_sent(served: Served) -> None:
    visitor, token = await token_of(served)
    ack = await visitor.say("w1", "a photo follows")  # a customer now: the upload knows whose
    status, unsent, _ = await post_file(served, token, PNG, "image/png", name="unsent.png")
    assert status == 201
    other, other_token = await token_of(served)
    await other.say("o1", "hello")
    _, theirs, _ = await post_file(served, other_token, PNG, "image/png", name="theirs.png")
    store = served.app[CHAT_KEY].uploads
    assert store.path_of(await store.find(unsent["id"])).exists()
    async with served.container.uow() as uow:
        customer_id = (await uow.interactions.get(ack["interaction_id"])).customer_id
    await erased_and_settled(served, customer_id)
    await polled(lambda: file_gone(served, unsent["id"]), within_s=10)
    assert not store.link_path(visitor_id_of(served, token)).exists()  # nothing ties them to it now
    assert store.path_of(await store.find(theirs["id"])).exists()  # another customer's unsent file stays
    await visitor.close()
    await other.close()


async def test_a_file_uploaded_before_the_first_message_goes_with_its_erased_customer(served: Served) -> None:
    visitor, token = await token_of(served)
    status, early, _ = await post_file(served, token, PNG, "image/png", name="early.png")
    assert status == 201  # nobody knows whose yet: the visitor has not written
    ack = await visitor.say("w1", "I sent you a file")  # their first message links it
    async with served.container.uow() as uow:
        customer_id = (await uow.interactions.get(ack["interaction_id"])).customer_id
    await erased_and_settled(served, customer_id)
    await polled(lambda: file_gone(served, early["id"]), within_s=10)
    await visitor.close()


def visitor_id_of(served: Served, token: str) -> str:
    tokens = served.app[CHAT_KEY].tokens
    assert tokens is not None
    return tokens.verify(token, "shop", served.container.clock()).visitor_id
