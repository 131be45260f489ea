"""The console's reads on both databases: a queue's live view, an interaction's timeline, a
customer's record and the search with each filter, scoped as the policy says, paged newest first.

Each test builds its own team, queue and customers (unique names), so what other tests left in
the session's database never matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col

from contact_center.bootstrap import Container
from contact_center.domain.commands import AcceptOffer, CreateAgent, CreateQueue, ReceiveInbound
from contact_center.domain.desk_commands import AddNote, TransferInteraction
from contact_center.domain.enums import Channel, InteractionState, Role
from contact_center.domain.interactions import Interaction
from contact_center.domain.principal import Principal
from contact_center.queries import interaction_search
from contact_center.queries.console_records import customer_record, interaction_header
from contact_center.queries.interaction_search import SearchFilters, every_row, search
from contact_center.queries.interaction_timeline import timeline
from contact_center.queries.queue_live import queue_live
from contact_center.services import policy
from tests.conftest import unique
from tests.contact_center.conftest import offer_and_accept, offer_as_router, random_phone


@dataclass
class Floor:
    team: str
    queue: str
    queue_id: int
    agent_id: int
    prefix: str
    phone: str
    email: str
    chat: int
    sms: int
    email_id: int
    waiting: int

    @property
    def scope(self) -> policy.Scope:
        return policy.interaction_scope(Principal(1, "sup", Role.SUPERVISOR, self.team))


async def build_floor(container: Container) -> Floor:
    team, queue, prefix = unique("team"), unique("q"), unique("Zq")
    queue_id = await container.bus.handle(CreateQueue(name=queue, team=team))
    agent_id = await container.bus.handle(CreateAgent(username=unique("ag_"), display_name="王伟", team=team))
    phone, email = random_phone(), f"{unique('m')}@Example.com"

    async def inbound(channel: Channel, sender: str, name: str, subject: str) -> int:
        received = await container.bus.handle(
            ReceiveInbound(
                channel=channel, sender=sender, body="你好", sender_name=name, subject=subject, queue=queue
            )
        )
        return int(received.interaction_id)

    chat = await inbound(Channel.CHAT, unique("visitor"), f"{prefix} 小明", "chat one")
    sms = await inbound(Channel.SMS, phone, f"{prefix.lower()}alice Smith", "sms two")
    mail = await inbound(Channel.EMAIL, email, f"李{prefix}", "email three")
    waiting = await inbound(Channel.CHAT, unique("visitor"), f"{prefix} 等待", "still waiting")
    await offer_and_accept(container, chat, agent_id)
    async with container.uow() as uow:
        await uow.session.exec(
            update(Interaction).where(col(Interaction.id) == chat).values(wrap_up_code=f"code-{prefix}")
        )
        await uow.commit()
    return Floor(team, queue, queue_id, agent_id, prefix, phone, email, chat, sms, mail, waiting)


async def ids(container: Container, floor: Floor, **filters: object) -> list[int]:
    async with container.read_uow() as uow:
        rows = await search(uow.session, SearchFilters(**filters), floor.scope, limit=50)  # type: ignore[arg-type]
    return [r.id for r in rows]


async def test_a_queue_shows_who_waits_offered_to_whom_and_who_is_served(container: Container) -> None:
    floor = await build_floor(container)
    await offer_as_router(container, floor.waiting, floor.agent_id)
    async with container.read_uow() as uow:
        live = await queue_live(uow.session, floor.queue_id)
    waiting = {w.id: w for w in live.waiting}
    assert set(waiting) == {floor.waiting, floor.sms, floor.email_id}
    assert waiting[floor.waiting].offered_to == "王伟" and waiting[floor.waiting].state == "offered"
    assert waiting[floor.sms].offered_to is None and waiting[floor.sms].queued_at is not None
    assert [(s.id, s.agent, s.state) for s in live.served] == [(floor.chat, "王伟", "active")]


async def test_the_timeline_tells_the_story_in_time_order(container: Container) -> None:
    floor = await build_floor(container)
    supervisor = Principal(1, "sup", Role.SUPERVISOR, floor.team)
    await container.bus.handle(
        AddNote(
            principal=supervisor,
            customer_id=await _customer_of(container, floor.chat),
            body="回访",
            interaction_id=floor.chat,
        )
    )
    await container.bus.handle(
        TransferInteraction(principal=supervisor, interaction_id=floor.chat, to_queue=floor.queue)
    )
    async with container.read_uow() as uow:
        entries = await timeline(uow.session, floor.chat)
        header = await interaction_header(uow.session, floor.chat)
    kinds = [e.kind for e in entries]
    assert kinds.index("offer") < kinds.index("offer_closed") < kinds.index("transfer")
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    assert any(e.kind == "decision" and e.outcome == "offer" and e.agent == "王伟" for e in entries)
    assert any(e.kind == "offer_closed" and e.outcome == "accepted" for e in entries)
    assert any(e.kind == "note" and e.text == "回访" for e in entries)
    assert any(e.kind == "message" and e.text == "你好" and e.author_kind == "customer" for e in entries)
    moves = [(e.from_state, e.to_state) for e in entries if e.kind == "transition"]
    assert (
        ("new", "queued") in moves and ("offered", "active") in moves and ("active", "transferred") in moves
    )
    assert (
        header is not None and header.queue == floor.queue and header.wrap_up_code == f"code-{floor.prefix}"
    )


async def _customer_of(container: Container, interaction_id: int) -> int:
    async with container.read_uow() as uow:
        return (await uow.interactions.get(interaction_id)).customer_id


async def test_each_search_filter_narrows_alone(container: Container) -> None:
    floor = await build_floor(container)
    everything = [floor.waiting, floor.email_id, floor.sms, floor.chat]  # newest first
    assert await ids(container, floor, queue_id=floor.queue_id) == everything
    assert await ids(container, floor, queue_id=floor.queue_id, channel=Channel.SMS) == [floor.sms]
    assert await ids(container, floor, queue_id=floor.queue_id, state=InteractionState.ACTIVE) == [floor.chat]
    assert await ids(container, floor, agent_id=floor.agent_id) == [floor.chat]
    assert await ids(container, floor, wrap_up_code=f"code-{floor.prefix}") == [floor.chat]
    # a name by its beginning, case folded; not by a part in the middle
    assert await ids(container, floor, customer=floor.prefix.upper()) == [
        floor.waiting,
        floor.sms,
        floor.chat,
    ]
    assert await ids(container, floor, customer=f"李{floor.prefix}") == [floor.email_id]
    assert await ids(container, floor, customer=floor.prefix[2:]) == []
    # a phone number as typed, an email address in any case
    assert await ids(container, floor, customer=floor.phone[2:], region="US") == [floor.sms]
    assert await ids(container, floor, customer=floor.email.upper()) == [floor.email_id]
    assert await ids(container, floor, customer="100%_\\") == []
    customer = await _customer_of(container, floor.sms)
    assert await ids(container, floor, customer_id=customer) == [floor.sms]
    async with container.read_uow() as uow:
        created = (await uow.interactions.get(floor.sms)).created_at
    window = {
        "queue_id": floor.queue_id,
        "created_after": created,
        "created_before": created + timedelta(microseconds=1),
    }
    assert await ids(container, floor, **window) == [floor.sms]


async def test_a_search_is_scoped_then_paged_newest_first(container: Container) -> None:
    floor = await build_floor(container)
    other = policy.interaction_scope(Principal(1, "sup", Role.SUPERVISOR, unique("elsewhere")))
    async with container.read_uow() as uow:
        assert await search(uow.session, SearchFilters(queue_id=floor.queue_id), other, limit=50) == []
        first = await search(uow.session, SearchFilters(queue_id=floor.queue_id), floor.scope, limit=3)
        rest = await search(
            uow.session, SearchFilters(queue_id=floor.queue_id), floor.scope, limit=3, before_id=first[-1].id
        )
        streamed = [
            r.id
            async for r in every_row(
                uow.session, SearchFilters(queue_id=floor.queue_id), floor.scope, batch=2
            )
        ]
    assert [r.id for r in first + rest] == [floor.waiting, floor.email_id, floor.sms, floor.chat]
    assert streamed == [r.id for r in first + rest]
    # with a date range the pages walk by creation time; the cursor is still the last id
    dated = SearchFilters(queue_id=floor.queue_id, created_after=first[-1].created_at - timedelta(days=1))
    async with container.read_uow() as uow:
        page_one = await search(uow.session, dated, floor.scope, limit=3)
        page_two = await search(uow.session, dated, floor.scope, limit=3, before_id=page_one[-1].id)
    assert [r.id for r in page_one + page_two] == [floor.waiting, floor.email_id, floor.sms, floor.chat]
    assert first[0].queue == floor.queue and rest[0].agent == "王伟"


async def test_a_customer_record_lists_history_across_channels_in_view(container: Container) -> None:
    floor = await build_floor(container)
    customer = await _customer_of(container, floor.sms)
    received = await container.bus.handle(
        ReceiveInbound(channel=Channel.VOICE, sender=floor.phone, body="", queue=floor.queue)
    )
    async with container.read_uow() as uow:
        record = await customer_record(uow.session, customer, floor.scope)
        hidden = await customer_record(
            uow.session, customer, policy.interaction_scope(Principal(1, "s", Role.SUPERVISOR, unique("x")))
        )
        missing = await customer_record(uow.session, 2**31 - 1, floor.scope)
    assert record is not None and hidden is not None and missing is None
    assert [h.id for h in record.history] == [received.interaction_id, floor.sms]
    assert {h.channel for h in record.history} == {"voice", "sms"}
    assert [i.address for i in record.identities] == [floor.phone]
    assert hidden.history == []


async def test_accepting_closes_the_offer_with_its_time(container: Container) -> None:
    floor = await build_floor(container)
    await offer_as_router(container, floor.waiting, floor.agent_id)
    await container.bus.handle(AcceptOffer(interaction_id=floor.waiting, agent_id=floor.agent_id))
    async with container.read_uow() as uow:
        entries = await timeline(uow.session, floor.waiting)
    closed = [e for e in entries if e.kind == "offer_closed"]
    assert [e.outcome for e in closed] == ["accepted"]


async def test_a_name_many_customers_share_finds_the_same_walking_newest_first(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    floor = await build_floor(container)
    monkeypatch.setattr(interaction_search, "FEW_CUSTOMERS", 0)  # every name counts as common
    assert await ids(container, floor, customer=floor.prefix.upper()) == [
        floor.waiting,
        floor.sms,
        floor.chat,
    ]
    assert await ids(container, floor, customer=floor.phone[2:], region="US") == [floor.sms]
