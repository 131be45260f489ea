"""The demo simulator works as the agents marked simulated only: a person signed in as any other
agent keeps their own presence and their own offers, on both databases."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import update

from contact_center import simulator
from contact_center.bootstrap import Container, build_container
from contact_center.demo import SIMULATED, MovableClock, mark_simulated, seed_demo
from contact_center.domain.agents import Agent
from contact_center.domain.commands import CreateAgent, CreateQueue, ReceiveInbound, SetPresence
from contact_center.domain.enums import Channel, Presence, Role
from contact_center.domain.routing import OfferState
from contact_center.simulator import Simulator
from contact_center.storage.migrate import upgrade
from contact_center.storage.routing import RoutingRepository
from tests.conftest import make_settings, unique
from tests.contact_center.conftest import offer_as_router
from tests.contact_center.router.conftest import polled


async def _agent(container: Container, skill: str, *, simulated: bool) -> int:
    agent_id: int = await container.bus.handle(
        CreateAgent(username=unique("sim"), role=Role.AGENT, skills=((skill, 5),), simulated=simulated)
    )
    return agent_id


async def _chat(container: Container, queue: str) -> int:
    received = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=unique("visitor"), body="hi", queue=queue)
    )
    return int(received.interaction_id)


async def _state(container: Container, interaction_id: int) -> str:
    async with container.uow() as uow:
        return str((await uow.interactions.get(interaction_id)).state)


async def test_the_simulator_answers_only_for_simulated_agents(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(simulator, "REJECT_SHARE", 0.0)  # every simulated answer is an accept
    skill, queue = unique("skill"), unique("q")
    await container.bus.handle(
        CreateQueue(name=queue, channels=(Channel.CHAT,), required_skills=((skill, 1),))
    )
    person = await _agent(container, skill, simulated=False)
    robot = await _agent(container, skill, simulated=True)
    await container.bus.handle(
        SetPresence(agent_id=person, presence=Presence.AWAY, reason="reading the docs")
    )
    sim = Simulator(container.bus, container.uow, seed=3)
    await sim._agents_online()  # what `run` starts with
    async with container.uow() as uow:
        assert Presence((await uow.agents.get(person)).presence) is Presence.AWAY  # left alone
        assert Presence((await uow.agents.get(robot)).presence) is not Presence.OFFLINE  # signed in
    await container.bus.handle(SetPresence(agent_id=person, presence=Presence.AVAILABLE))
    theirs, its = await _chat(container, queue), await _chat(container, queue)
    await offer_as_router(container, theirs, person)
    await offer_as_router(container, its, robot)
    try:
        await sim.answer_offers()
        await polled(lambda: _is_active(container, its), within_s=10)
        await sim.answer_offers()
        await asyncio.sleep(0.2)
        assert await _state(container, theirs) == "offered"
        async with container.uow() as uow:
            offer = await RoutingRepository(uow.session).open_offer_of(theirs)
        assert offer is not None and offer.agent_id == person and offer.state == OfferState.OPEN
    finally:
        for task in list(sim._tasks):
            task.cancel()


async def _is_active(container: Container, interaction_id: int) -> bool:
    return await _state(container, interaction_id) == "active"


async def test_the_demo_seed_marks_the_simulated_agents_and_an_older_demo_gets_them_marked(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    clock = MovableClock(datetime.now(UTC))
    container = build_container(make_settings(url), clock=clock)
    try:
        await seed_demo(container.bus, container.uow, clock, customers=2, history_weeks=0)
        assert await _simulated(container) == SIMULATED
        assert {"alice", "bob"}.isdisjoint(SIMULATED)  # the agents a person signs in as
        async with container.uow() as uow:  # a demo seeded before agents had the flag
            await uow.session.exec(update(Agent).values(simulated=False))  # type: ignore[call-overload]
            await uow.commit()
        assert await mark_simulated(container.bus, container.uow) == len(SIMULATED)
        assert await _simulated(container) == SIMULATED
        assert await mark_simulated(container.bus, container.uow) == 0
    finally:
        await container.close()


async def test_the_demo_shops_chats_are_left_to_the_people(tmp_path: Path) -> None:
    """A chat without a queue (the demo shop's widget) lands in "web", which only the agents a
    person plays can take, and the simulator sends no traffic there."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    clock = MovableClock(datetime.now(UTC))
    container = build_container(make_settings(url), clock=clock)
    try:
        await seed_demo(container.bus, container.uow, clock, customers=3, history_weeks=0)
        async with container.uow() as uow:
            web = await uow.queues.for_channel(Channel.CHAT)
            agents = await uow.agents.list()
        assert web is not None and web.name == "web"
        able = {a.username for a in agents if simulator._serves(a.skills, web.required_skills)}
        assert {"alice", "bob"} <= able and able.isdisjoint(SIMULATED)
        sim = Simulator(container.bus, container.uow, seed=1)
        await sim._agents_online()
        assert "web" not in sim._queues[Channel.CHAT] and sim._queues[Channel.CHAT]
        visitor = await container.bus.handle(
            ReceiveInbound(channel=Channel.CHAT, sender=unique("v"), body="hi")
        )
        async with container.uow() as uow:
            assert (await uow.interactions.get(visitor.interaction_id)).queue_id == web.id
    finally:
        await container.close()


async def _simulated(container: Container) -> set[str]:
    async with container.uow() as uow:
        return {a.username for a in await uow.agents.list() if a.simulated}
