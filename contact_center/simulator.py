"""A traffic simulator for the demo: customers contact us on every channel, agents pick up and finish.

It goes through the same commands as real traffic (`ReceiveInbound`, `AcceptOffer`,
`TransitionInteraction`, `SetPresence`), so a newcomer watching the dashboard sees the real queue
move: the router offers each contact to an agent, and the simulated agents answer their offers.
Only agents marked `simulated` (the demo seed marks some) are driven: a person signed in as any
other agent sets their own presence and answers their own offers.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from contact_center.bus import MessageBus
from contact_center.demo import SUBJECTS, DemoCustomer, demo_customers
from contact_center.domain.commands import (
    AcceptOffer,
    ReceiveInbound,
    RejectOffer,
    SetPresence,
    TransitionInteraction,
)
from contact_center.domain.enums import Channel, InteractionState, Presence
from contact_center.domain.errors import ContactCenterError
from contact_center.storage.routing import RoutingRepository
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

CHANNEL_MIX = [(Channel.VOICE, 0.35), (Channel.CHAT, 0.3), (Channel.EMAIL, 0.2), (Channel.SMS, 0.15)]
HANDLE_MEAN_S = {Channel.VOICE: 12.0, Channel.CHAT: 15.0, Channel.EMAIL: 8.0, Channel.SMS: 6.0}
REJECT_SHARE = 0.05


@dataclass
class Simulator:
    """Sends commands on `bus`; reads (open offers, agents, queues) in units of work from `uow`."""

    bus: MessageBus
    uow: Callable[[], UnitOfWork]
    mean_interval_s: float = 2.0
    seed: int | None = None
    rng: random.Random = field(init=False)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set, init=False)
    _counter: int = field(default=0, init=False)
    _queues: dict[Channel, list[str]] = field(default_factory=dict, init=False)
    _answering: set[int] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    async def run(self) -> None:
        """Run until cancelled: one arrival every `mean_interval_s` on average, and agents at work."""
        await self._agents_online()
        people = demo_customers(200, random.Random(7))
        answering = asyncio.create_task(self._answer_loop(), name="simulator-agents")
        self._tasks.add(answering)
        try:
            while True:
                await asyncio.sleep(self.rng.expovariate(1 / self.mean_interval_s))
                try:
                    await self.arrival(self.rng.choice(people))
                except ContactCenterError as exc:
                    log.warning("simulator.step_failed", extra={"error": exc.message})
        finally:
            for task in self._tasks:
                task.cancel()

    async def arrival(self, person: DemoCustomer) -> int:
        channel = self.rng.choices([c for c, _ in CHANNEL_MIX], [w for _, w in CHANNEL_MIX])[0]
        self._counter += 1
        if self.rng.random() < 0.15:  # a first-time contact
            sender = {
                Channel.EMAIL: f"new{self.rng.randrange(10**6)}@example.org",
                Channel.CHAT: f"visitor-new-{self.rng.randrange(10**6)}",
            }.get(channel, f"+1415666{self.rng.randrange(10**4):04d}")
            name = ""
        else:
            sender = {Channel.EMAIL: person.email, Channel.CHAT: person.chat_id}.get(channel, person.phone)
            name = person.name
        received = await self.bus.handle(
            ReceiveInbound(
                channel=channel,
                queue=self.rng.choice(self._queues.get(channel) or [None]),
                sender=sender,
                sender_name=name,
                body=self.rng.choice(SUBJECTS[channel]),
                subject=self.rng.choice(SUBJECTS[channel]),
                provider_message_id=f"sim-{self.rng.getrandbits(64):x}",
                actor="simulator",
            )
        )
        return int(received.interaction_id)

    async def answer_offers(self) -> None:
        """Simulated agents answer the router's open offers to them: most accept, a few reject."""
        async with self.uow() as uow:
            offers = await RoutingRepository(uow.session).open_offers_to_simulated()
        for offer, channel in offers:
            if offer.interaction_id in self._answering:
                continue
            self._answering.add(offer.interaction_id)
            task = asyncio.create_task(self._work(offer.interaction_id, offer.agent_id, channel))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _work(self, interaction_id: int, agent_id: int, channel: Channel) -> None:
        bus = self.bus
        try:
            await asyncio.sleep(self.rng.uniform(0.5, 2.5))
            if self.rng.random() < REJECT_SHARE:
                await bus.handle(
                    RejectOffer(interaction_id=interaction_id, agent_id=agent_id, actor="simulator")
                )
                return
            await bus.handle(AcceptOffer(interaction_id=interaction_id, agent_id=agent_id, actor="simulator"))
            for target, delay in (
                (InteractionState.WRAP_UP, self.rng.expovariate(1 / HANDLE_MEAN_S[channel])),
                (InteractionState.CLOSED, self.rng.uniform(2, 6)),
            ):
                await asyncio.sleep(delay)
                await bus.handle(
                    TransitionInteraction(
                        interaction_id=interaction_id, target=target, agent_id=agent_id, actor="simulator"
                    )
                )
        except ContactCenterError as exc:  # the offer expired meanwhile, or a person moved it
            log.info("simulator.work_skipped", extra={"interaction_id": interaction_id, "error": exc.message})
        finally:
            self._answering.discard(interaction_id)

    async def _answer_loop(self) -> None:
        while True:
            await asyncio.sleep(0.5)
            try:
                await self.answer_offers()
            except ContactCenterError as exc:
                log.warning("simulator.answer_failed", extra={"error": exc.message})

    async def _agents_online(self) -> None:
        async with self.uow() as uow:
            agents = [a for a in await uow.agents.list() if a.simulated and a.is_active]
            for queue in await uow.queues.list():
                if not any(_serves(agent.skills, queue.required_skills) for agent in agents):
                    continue  # a queue only people work (the demo shop's web chat): no traffic
                for channel in queue.channels:
                    self._queues.setdefault(Channel(channel), []).append(queue.name)
        for agent in agents:
            presence = Presence.AVAILABLE if self.rng.random() < 0.8 else Presence.AWAY
            await self.bus.handle(
                SetPresence(
                    agent_id=agent.id or 0,
                    presence=presence,
                    reason="" if presence is Presence.AVAILABLE else "break",
                    actor="simulator",
                )
            )


def _serves(skills: dict[str, int], required: dict[str, int]) -> bool:
    return all(skills.get(skill, 0) >= level for skill, level in required.items())
