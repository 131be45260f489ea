"""Presence that tells the truth: an agent whose desk (`/ws/events?desk=1`) closes and does not
come back within the grace period is taken out of routing, and their open chat is requeued (or
flagged) after the threshold; a desk that comes back in time, in this process or in another one
sharing Redis, changes nothing. Real router, real databases, real Redis; grace periods of a
fraction of a second."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import col, select

from contact_center.bootstrap import Container, build_container, build_web_app
from contact_center.domain.commands import AcceptOffer, CreateAgent, CreateQueue, ReceiveInbound, SetPresence
from contact_center.domain.enums import Channel, Presence, Role
from contact_center.domain.events import Event
from contact_center.domain.interactions import InteractionTransition
from contact_center.domain.routing import Offer
from contact_center.roles import build_router
from contact_center.services.agents import create_token_for
from contact_center.settings import DeskSettings, Settings
from tests.conftest import REDIS_TEST_URL, make_settings, unique
from tests.contact_center.conftest import offer_and_accept
from tests.contact_center.router.conftest import forget_other_tests_work, polled

GRACE = 0.3
ORPHANED = 0.8


def desk_settings(
    url: str, redis_url: str | None = None, *, action: str = "requeue", presence: str = "away", **redis: str
) -> Settings:
    base = make_settings(url, redis_url, **redis)
    desk = DeskSettings(
        disconnect_grace_s=GRACE,
        disconnect_presence=presence,
        orphaned_chat_after_s=ORPHANED,
        orphaned_chat_action=action,
    )
    return base.model_copy(update={"desk": desk})


@dataclass
class Desks:
    container: Container
    client: TestClient[Any, Any]
    queue: str
    skill: str
    events: list[Event]

    async def agent(self, presence: Presence = Presence.AVAILABLE) -> tuple[int, dict[str, str]]:
        agent_id: int = await self.container.bus.handle(
            CreateAgent(username=unique("dk"), role=Role.AGENT, skills=((self.skill, 5),))
        )
        await self.container.bus.handle(SetPresence(agent_id=agent_id, presence=presence))
        token = await create_token_for(self.container.uow(), agent_id, "test")
        return agent_id, {"Authorization": f"Bearer {token}"}

    async def chat(self) -> int:
        received = await self.container.bus.handle(
            ReceiveInbound(channel=Channel.CHAT, sender=unique("visitor"), body="hello?", queue=self.queue)
        )
        return int(received.interaction_id)


async def presence_of(container: Container, agent_id: int) -> tuple[str, str]:
    async with container.uow() as uow:
        agent = await uow.agents.get(agent_id)
    return Presence(agent.presence).value, agent.presence_reason


async def state_of(container: Container, interaction_id: int) -> tuple[str, int | None]:
    async with container.uow() as uow:
        interaction = await uow.interactions.get(interaction_id)
    return str(interaction.state), interaction.agent_id


async def offered_to(container: Container, interaction_id: int) -> list[int]:
    async with container.uow() as uow:
        stmt = select(Offer.agent_id).where(Offer.interaction_id == interaction_id).order_by(col(Offer.id))
        return list((await uow.session.exec(stmt)).all())


@asynccontextmanager
async def serving(settings: Settings, *, route: bool) -> AsyncIterator[Desks]:
    """The web app (desk sockets and all) over `settings`, with the router leading if `route`."""
    container = build_container(settings)
    skill, queue = unique("skill"), unique("q")
    await container.bus.handle(
        CreateQueue(name=queue, channels=(Channel.CHAT,), required_skills=((skill, 3),))
    )
    events: list[Event] = []

    async def collect(event: Event) -> None:
        events.append(event)

    container.broker.subscribe("desk-test", collect, live=True)
    client: TestClient[Any, Any] = TestClient(TestServer(build_web_app(container)))
    router = build_router(container) if route else None
    if route:
        await forget_other_tests_work(container)
    await container.start()
    await client.start_server()
    task = asyncio.create_task(router.run()) if router is not None else None
    try:
        if router is not None:
            await polled(lambda: _leading(router))
        yield Desks(container, client, queue, skill, events)
    finally:
        if router is not None and task is not None:
            await router.stop(task)
        await client.close()
        await container.close()


async def _leading(router: Any) -> bool:
    return router.engine is not None and bool(router._leading)


@pytest.fixture
async def desks(database_url: str) -> AsyncIterator[Desks]:
    async with serving(desk_settings(database_url), route=True) as started:
        yield started


async def open_desk(desks: Desks, headers: dict[str, str]) -> Any:
    ws = await desks.client.ws_connect("/ws/events?desk=1", headers=headers)
    assert (await ws.receive_json(timeout=5))["type"] == "hello"
    return ws


async def test_a_closed_desk_takes_the_agent_out_of_routing_after_the_grace(desks: Desks) -> None:
    gone, gone_headers = await desks.agent()  # available first: the longest idle, offered first
    await asyncio.sleep(0.05)
    other, _ = await desks.agent()
    ws = await open_desk(desks, gone_headers)
    await ws.close()
    assert await presence_of(desks.container, gone) == ("available", "")  # a reload is not a leave
    away = await polled(lambda: _is(desks.container, gone, "away"), within_s=GRACE + 5)
    assert away == ("away", "desk disconnected")
    chat = await desks.chat()
    assert await polled(lambda: offered_to(desks.container, chat)) == [other]


async def test_a_desk_reopened_within_the_grace_keeps_the_agent_available(desks: Desks) -> None:
    agent, headers = await desks.agent()
    first = await open_desk(desks, headers)
    await first.close()
    second = await open_desk(desks, headers)  # a reload: the new page connects at once
    await asyncio.sleep(GRACE * 3)
    assert await presence_of(desks.container, agent) == ("available", "")
    chat = await desks.chat()
    assert await polled(lambda: offered_to(desks.container, chat)) == [agent]
    await second.close()
    assert (await polled(lambda: _is(desks.container, agent, "away"), within_s=GRACE + 5))[0] == "away"


async def test_closing_one_of_two_desks_keeps_the_agent_available(desks: Desks) -> None:
    agent, headers = await desks.agent()
    kept = await open_desk(desks, headers)
    closed = await open_desk(desks, headers)  # a second tab
    await closed.close()
    await asyncio.sleep(GRACE * 3)
    assert await presence_of(desks.container, agent) == ("available", "")
    await kept.close()
    assert (await polled(lambda: _is(desks.container, agent, "away"), within_s=GRACE + 5))[0] == "away"


async def test_an_agent_who_left_by_themselves_keeps_their_own_presence(desks: Desks) -> None:
    agent, headers = await desks.agent()
    ws = await open_desk(desks, headers)
    await desks.container.bus.handle(
        SetPresence(agent_id=agent, presence=Presence.OFFLINE, reason="shift over")
    )
    await ws.close()
    await asyncio.sleep(GRACE * 3)
    assert await presence_of(desks.container, agent) == ("offline", "shift over")


async def test_the_open_chat_of_a_closed_desk_is_offered_to_another_agent(desks: Desks) -> None:
    gone, gone_headers = await desks.agent()
    chat = await desks.chat()
    assert await polled(lambda: offered_to(desks.container, chat)) == [gone]
    await offer_and_accept_offered(desks.container, chat, gone)
    ws = await open_desk(desks, gone_headers)
    await ws.close()
    await polled(lambda: _is(desks.container, gone, "away"), within_s=GRACE + 5)
    assert await state_of(desks.container, chat) == ("active", gone)  # before the threshold: still theirs
    other, _ = await desks.agent()
    offers = await polled(lambda: _offered_twice(desks.container, chat), within_s=ORPHANED + 5)
    assert offers == [gone, other]
    async with desks.container.uow() as uow:
        moves = (
            await uow.session.exec(
                select(
                    InteractionTransition.from_state,
                    InteractionTransition.to_state,
                    InteractionTransition.actor,
                )
                .where(InteractionTransition.interaction_id == chat)
                .order_by(col(InteractionTransition.id))
            )
        ).all()
    assert ("active", "transferred", "desk") in [(str(f), str(t), a) for f, t, a in moves]


async def test_the_open_chat_of_a_closed_desk_is_flagged_when_so_configured(database_url: str) -> None:
    settings = desk_settings(database_url, action="flag", presence="offline")
    async with serving(settings, route=False) as desks:
        gone, gone_headers = await desks.agent()
        _, boss = await _supervisor(desks.container)
        chat = await desks.chat()
        await offer_and_accept(desks.container, chat, gone)
        watching = await desks.client.ws_connect("/ws/events", headers=boss)
        assert (await watching.receive_json(timeout=5))["type"] == "hello"
        ws = await open_desk(desks, gone_headers)
        await ws.close()
        frame = await _frame_of(watching, "interaction.flagged", timeout_s=ORPHANED + 5)
        assert frame["event"]["interaction_id"] == chat and frame["event"]["agent_id"] == gone
        assert frame["event"]["reason"] == "desk disconnected"
        assert await state_of(desks.container, chat) == ("active", gone)  # flagged, not moved
        assert await presence_of(desks.container, gone) == ("offline", "desk disconnected")
        await watching.close()


async def test_a_desk_that_moves_to_another_web_process_keeps_the_agent_available(
    postgres_url: str, redis_names: dict[str, str]
) -> None:
    settings = desk_settings(postgres_url, REDIS_TEST_URL, **redis_names)
    async with serving(settings, route=False) as first, serving(settings, route=False) as second:
        moving, headers = await first.agent()
        leaving, leaving_headers = await first.agent()
        ws = await open_desk(first, headers)
        other_ws = await open_desk(first, leaving_headers)
        await ws.close()
        back = await open_desk(second, headers)  # the reconnect lands on the other process
        await other_ws.close()  # and this one's desk comes back nowhere
        assert (await polled(lambda: _is(first.container, leaving, "away"), within_s=GRACE + 5))[0] == "away"
        await asyncio.sleep(GRACE * 2)
        assert await presence_of(first.container, moving) == ("available", "")
        await back.close()  # now the second process sees it go, and nobody has it open
        assert (await polled(lambda: _is(second.container, moving, "away"), within_s=GRACE + 5))[0] == "away"


async def offer_and_accept_offered(container: Container, interaction_id: int, agent_id: int) -> None:
    """Accept the router's open offer, as the agent's desk does."""
    await container.bus.handle(AcceptOffer(interaction_id=interaction_id, agent_id=agent_id))


async def _is(container: Container, agent_id: int, presence: str) -> tuple[str, str] | None:
    now = await presence_of(container, agent_id)
    return now if now[0] == presence else None


async def _offered_twice(container: Container, interaction_id: int) -> list[int] | None:
    offers = await offered_to(container, interaction_id)
    return offers if len(offers) >= 2 else None


async def _supervisor(container: Container) -> tuple[int, dict[str, str]]:
    agent_id: int = await container.bus.handle(CreateAgent(username=unique("sv"), role=Role.SUPERVISOR))
    token = await create_token_for(container.uow(), agent_id, "test")
    return agent_id, {"Authorization": f"Bearer {token}"}


async def _frame_of(ws: Any, kind: str, *, timeout_s: float) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        frame: dict[str, Any] = await ws.receive_json(timeout=max(0.01, deadline - loop.time()))
        if frame.get("type") == kind:
            return frame
