"""The visitor protocol against the real app on both databases: acks after commit, resent frames
stored once, resume after a drop with nothing lost or repeated either way, live replies."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlmodel import col, select

from contact_center.domain.commands import CreateAgent, CreateCustomer, SendMessage, SetPresence
from contact_center.domain.customers import CustomerIdentity
from contact_center.domain.enums import Presence
from contact_center.domain.interactions import Interaction, Message
from contact_center.signals import Signal
from tests.channels.webchat.conftest import Served, agent_reply
from tests.conftest import unique
from tests.contact_center.conftest import eventually, offer_and_accept


async def stored(served: Served, interaction_id: int) -> list[Message]:
    async with served.container.uow() as uow:
        stmt = select(Message).where(Message.interaction_id == interaction_id).order_by(col(Message.id))
        return list((await uow.session.exec(stmt)).all())


async def test_a_message_is_acked_with_its_stored_sequence_number(served: Served) -> None:
    visitor = await served.visitor()
    welcome = await visitor.hello(profile={"name": "Ada"})
    assert welcome["token"] and welcome["conversation"] is None and welcome["messages"] == []
    ack = await visitor.say("c1", "Where is my order?")
    rows = await stored(served, ack["interaction_id"])
    assert [(m.id, m.body, str(m.author_kind)) for m in rows] == [
        (ack["seq"], "Where is my order?", "customer")
    ]
    echo = await visitor.until("message", seq=ack["seq"])
    assert echo["author"] == "customer" and echo["client_id"] == "c1"
    async with served.container.uow() as uow:
        interaction = await uow.interactions.get(ack["interaction_id"])
        customer = await uow.customers.get(interaction.customer_id)
    assert customer.name == "Ada"
    await visitor.close()


async def test_a_resent_frame_is_stored_once_and_acked_with_the_same_seq(served: Served) -> None:
    visitor = await served.visitor()
    await visitor.hello()
    first = await visitor.say("same", "hello")
    again = await visitor.say("same", "hello")
    assert again["seq"] == first["seq"]
    assert len(await stored(served, first["interaction_id"])) == 1
    await visitor.close()


async def test_after_a_drop_each_side_gets_exactly_what_it_missed(served: Served) -> None:
    visitor = await served.visitor()
    welcome = await visitor.hello()
    token = welcome["token"]
    a = await visitor.say("a", "one")
    await visitor.until("message", seq=a["seq"])
    iid = a["interaction_id"]
    live = await agent_reply(served.container, iid, "reply seen live")
    assert (await visitor.until("message", seq=live))["body"] == "reply seen live"
    last_seq = live
    # The visitor sends a frame and the connection drops before its ack is read.
    await visitor.send({"type": "message", "client_id": "b", "body": "two"})
    await visitor.close()
    missed = [await agent_reply(served.container, iid, f"while away {n}") for n in range(3)]
    back = await served.visitor()
    resumed = await back.hello(token=token, last_seq=last_seq)
    assert resumed["conversation"]["interaction_id"] == iid
    seqs = [m["seq"] for m in resumed["messages"]]
    bodies = [m["body"] for m in resumed["messages"]]
    # "two" may or may not have been committed before the drop; if it was, it is there once.
    assert seqs == sorted(set(seqs)) and all(s > last_seq for s in seqs)
    assert [b for b in bodies if b != "two"] == ["while away 0", "while away 1", "while away 2"]
    assert set(missed) <= set(seqs)
    # The client resends its unacknowledged frame under the same client id: stored once.
    b = await back.say("b", "two")
    rows = await stored(served, iid)
    assert [m.body for m in rows].count("two") == 1
    assert [m.id for m in rows] == sorted(m.id or 0 for m in rows)
    frames = await back.quiet(0.5)
    pushed = [f["seq"] for f in back.seen + frames if f["type"] == "message"]
    assert len(pushed) == len(set(pushed))  # nothing twice on one connection
    assert b["seq"] in seqs or b["seq"] in pushed
    await back.close()


async def test_live_lines_are_exactly_what_a_later_read_gives_in_order_once_each(served: Served) -> None:
    """The visitor's own lines are shown from their acknowledgement (no read back) when nothing
    came between; interleaved with agent replies, what the visitor saw live must still be the
    conversation as stored: same frames, same order, none twice."""
    visitor = await served.visitor()
    token = (await visitor.hello())["token"]
    first = await visitor.say("l0", "line 0")
    iid = first["interaction_id"]
    bus = served.container.bus
    agent = await bus.handle(CreateAgent(username=unique("chat_agent")))
    await bus.handle(SetPresence(agent_id=agent, presence=Presence.AVAILABLE))
    await offer_and_accept(served.container, iid, agent)
    for n in range(1, 5):  # five lines in all: within the connection's burst
        if n % 2 == 0:
            replies = [
                bus.handle(SendMessage(interaction_id=iid, agent_id=agent, body=f"reply {n}.{k}"))
                for k in range(2)
            ]
            sent = visitor.send({"type": "message", "client_id": f"l{n}", "body": f"line {n}"})
            await asyncio.gather(*replies, sent)
            await visitor.until("ack", client_id=f"l{n}")
        else:
            await visitor.say(f"l{n}", f"line {n}")
    rows = await stored(served, iid)
    while len([f for f in visitor.seen if f["type"] == "message"]) < len(rows):
        await visitor.until("message")
    live = [f for f in visitor.seen if f["type"] == "message"]
    again = await served.visitor()
    read = (await again.hello(token=token, last_seq=0))["messages"]
    assert live == read
    assert [f["seq"] for f in live] == [m.id for m in rows]
    assert [f for f in await visitor.quiet() if f["type"] == "message"] == []
    await visitor.close()
    await again.close()


async def test_a_returning_visitor_resumes_the_same_conversation(served: Served) -> None:
    visitor = await served.visitor()
    token = (await visitor.hello())["token"]
    ack = await visitor.say(unique("c"), "first visit")
    await visitor.close()
    back = await served.visitor()
    welcome = await back.hello(token=token)
    assert welcome["token"] == token
    assert welcome["conversation"] == {"interaction_id": ack["interaction_id"], "state": "queued"}
    assert [m["body"] for m in welcome["messages"]] == ["first visit"]
    again = await back.say(unique("c"), "second visit")
    assert again["interaction_id"] == ack["interaction_id"]
    async with served.container.uow() as uow:
        stmt = select(CustomerIdentity).where(
            CustomerIdentity.customer_id == (await uow.interactions.get(ack["interaction_id"])).customer_id
        )
        identities = list((await uow.session.exec(stmt)).all())
    assert len(identities) == 1 and str(identities[0].kind) == "chat"
    await back.close()


async def test_an_agent_reply_reaches_every_open_tab_of_the_visitor(served: Served) -> None:
    first = await served.visitor()
    token = (await first.hello())["token"]
    ack = await first.say("x", "anyone there?")
    second = await served.visitor()
    await second.hello(token=token, last_seq=ack["seq"])
    seq = await agent_reply(served.container, ack["interaction_id"], "Yes, how can I help?")
    for tab in (first, second):
        frame = await tab.until("message", seq=seq)
        assert frame["author"] == "agent" and frame["body"] == "Yes, how can I help?"
    await first.close()
    await second.close()


async def test_a_visitor_never_sees_another_visitors_messages(served: Served) -> None:
    one, two = await served.visitor(), await served.visitor()
    await one.hello()
    await two.hello()
    ack = await one.say("p", "private")
    await agent_reply(served.container, ack["interaction_id"], "for one only")
    await one.until("message", body="for one only")
    assert [f for f in await two.quiet(0.5) if f["type"] == "message"] == []
    async with served.container.uow() as uow:
        assert (
            await uow.session.exec(select(Interaction).where(Interaction.id == ack["interaction_id"]))
        ).one()
    await one.close()
    await two.close()


async def test_typing_and_read_marks_pass_both_ways_and_are_never_stored(served: Served) -> None:
    container = served.container
    heard: list[Signal] = []

    async def listen(signal: Signal) -> None:
        heard.append(signal)

    container.signals.subscribe(listen)
    visitor = await served.visitor()
    await visitor.hello()
    ack = await visitor.say("t", "typing soon")
    iid = ack["interaction_id"]
    await visitor.send({"type": "typing"})
    await visitor.send({"type": "read", "up_to": ack["seq"]})
    await eventually(lambda: len(heard) >= 2, what="the visitor's marks")
    assert [(s.interaction_id, s.kind, s.by, s.up_to) for s in heard[:2]] == [
        (iid, "typing", "customer", None),
        (iid, "read", "customer", ack["seq"]),
    ]
    await container.signals.publish(Signal(iid, "typing", "agent", agent_id=None))
    assert (await visitor.until("typing"))["interaction_id"] == iid
    await container.signals.publish(Signal(iid, "read", "agent", up_to=ack["seq"]))
    assert (await visitor.until("read"))["up_to"] == ack["seq"]
    assert len(await stored(served, iid)) == 1
    await visitor.close()


async def test_a_reply_is_marked_delivered_by_the_chats_outbound_port(served: Served) -> None:
    visitor = await served.visitor()
    await visitor.hello()
    ack = await visitor.say("d", "deliver to me")
    seq = await agent_reply(served.container, ack["interaction_id"], "delivered")
    await visitor.until("message", seq=seq)

    async def status() -> str:
        async with served.container.uow() as uow:
            return str((await uow.messages.get(seq)).delivery_status)

    deadline = asyncio.get_running_loop().time() + 10
    while await status() != "delivered":
        assert asyncio.get_running_loop().time() < deadline, "the reply was never marked delivered"
        await asyncio.sleep(0.05)
    await visitor.close()


async def test_the_prechat_email_and_phone_become_the_customers_identities_when_free(served: Served) -> None:
    taken = f"{unique('taken')}@example.com"
    owner = await served.container.bus.handle(CreateCustomer(name="Owner", emails=(taken,)))
    visitor = await served.visitor()
    email = f"{unique('ada')}@Example.com"
    await visitor.hello(profile={"name": "Ada", "email": email, "phone": "+1 415 555 0134"})
    ack = await visitor.say("p1", "please email me")
    async with served.container.uow() as uow:
        customer_id = (await uow.interactions.get(ack["interaction_id"])).customer_id
    expected = {("chat", None), ("email", email.lower()), ("phone", "+14155550134")}

    async def identities(customer: int) -> set[tuple[str, str | None]]:
        async with served.container.uow() as uow:
            return {
                (str(i.kind), None if str(i.kind) == "chat" else i.address)
                for i in await uow.customers.identities(customer)
            }

    await eventually_async(lambda: identities(customer_id), expected)
    await visitor.close()
    # Someone else's address stays theirs: a visitor cannot claim it.
    other = await served.visitor()
    await other.hello(profile={"name": "Mallory", "email": taken})
    ack = await other.say("p2", "hi")
    async with served.container.uow() as uow:
        mallory = (await uow.interactions.get(ack["interaction_id"])).customer_id
    await other.say("p3", "again")  # the details were handled before this ack's frame was read
    assert await identities(mallory) == {("chat", None)}
    assert ("email", taken) in await identities(owner)
    await other.send({"type": "hello", "site": "shop"})
    assert (await other.until("error"))["code"] == "already_hello"
    await other.close()
    bad = await served.visitor()
    await bad.send({"type": "hello", "site": "shop", "profile": {"email": "not-an-address"}})
    assert (await bad.until("error"))["code"] == "bad_field"
    await bad.close()


async def eventually_async(read: Callable[[], Awaitable[object]], expected: object) -> None:
    deadline = asyncio.get_running_loop().time() + 10
    while (got := await read()) != expected:
        assert asyncio.get_running_loop().time() < deadline, f"{got} != {expected}"
        await asyncio.sleep(0.05)
