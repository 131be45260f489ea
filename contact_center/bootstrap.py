"""The composition root: the only place that chooses implementations.

No settings: SQLite, an in-process broker and job runner, all in one process. A PostgreSQL URL and
a Redis URL: the Redis stream broker and rq, shared by web, router and worker processes.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from redis import Redis as SyncRedis
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.bus import CommandHandler, EventBroker, InProcessBroker, MessageBus, RedisStreamBroker
from contact_center.dispatcher import OutboxDispatcher
from contact_center.domain import commands as c
from contact_center.domain import planning_commands as pc
from contact_center.jobs import InProcessJobRunner, JobContext, JobRunner, RqJobRunner
from contact_center.services import agents, customers, interactions, offers, planning, queues
from contact_center.settings import Settings
from contact_center.storage.engine import create_engine, session_factory
from contact_center.storage.job_store import JobStore
from contact_center.storage.uow import Clock, UnitOfWork, system_clock

log = logging.getLogger(__name__)


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    broker: EventBroker
    dispatcher: OutboxDispatcher
    jobs: JobRunner
    bus: MessageBus
    clock: Clock
    redis: Redis | None = None
    started: list[Any] = field(default_factory=list)
    #: Live "why is this interaction waiting / why this agent" from the router, when one answers.
    explainer: Callable[[int], Awaitable[dict[str, Any] | None]] | None = None

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, clock=self.clock, after_commit=self.dispatcher.wake)

    async def start(self, *, dispatch: bool = True) -> None:
        """Start consuming events, running jobs and dispatching the outbox (in that order)."""
        await self.broker.start()
        await self.jobs.start()
        if dispatch:
            self.dispatcher.start()
            self.started.append(self.dispatcher)

    async def close(self) -> None:
        if self.started:
            await self.dispatcher.stop()
            self.started.clear()
        await self.jobs.stop()
        await self.broker.stop()
        if self.redis is not None:
            await self.redis.aclose()
        await self.engine.dispose()


def command_handlers(settings: Settings) -> dict[type[c.Command], CommandHandler]:
    region = settings.default_region
    return {
        c.ReceiveInbound: functools.partial(interactions.receive_inbound, default_region=region),
        c.OpenInteraction: interactions.open_interaction,
        c.TransitionInteraction: interactions.transition_interaction,
        c.CreateCustomer: functools.partial(customers.create_customer, default_region=region),
        c.UpdateCustomer: customers.update_customer,
        c.MergeCustomers: customers.merge_customers,
        c.CreateAgent: agents.create_agent,
        c.UpdateAgent: agents.update_agent,
        c.SetPresence: agents.set_presence,
        c.IssueToken: agents.issue_token,
        c.CreateQueue: queues.create_queue,
        c.OfferInteraction: offers.offer_interaction,
        c.CloseOffer: offers.close_offer,
        c.AcceptOffer: offers.accept_offer,
        c.RejectOffer: offers.reject_offer,
        c.RecordDecision: offers.record_decision,
        pc.AddOverride: planning.add_override,
        pc.DeleteOverride: planning.delete_override,
        pc.SetContract: planning.set_contract,
        pc.SaveSchedule: planning.save_schedule,
        pc.PublishSchedule: planning.publish_schedule,
    }


def build_container(settings: Settings, *, role: str = "all", clock: Clock = system_clock) -> Container:
    """Build (but do not start) everything a process of `role` needs."""
    engine = create_engine(
        settings.database.url, echo=settings.database.echo, pool_size=settings.database.pool_size
    )
    sessions = session_factory(engine)
    redis: Redis | None = None
    broker: EventBroker
    if settings.is_distributed:
        assert settings.redis.url is not None
        redis = Redis.from_url(settings.redis.url)
        broker = RedisStreamBroker(redis, stream=settings.redis.stream)
    else:
        broker = InProcessBroker()
    dispatcher = OutboxDispatcher(sessions, broker, clock=clock)

    def uow_factory() -> UnitOfWork:
        return UnitOfWork(sessions, clock=clock, after_commit=dispatcher.wake)

    bus = MessageBus(uow_factory, command_handlers(settings))
    store = JobStore(sessions, clock)
    jobs: JobRunner
    if settings.is_distributed:
        assert settings.redis.url is not None
        jobs = RqJobRunner(store, SyncRedis.from_url(settings.redis.url), settings.redis.rq_queue)
    else:
        jobs = InProcessJobRunner(store, JobContext(uow_factory, bus, settings, clock))
    container = Container(settings, engine, sessions, broker, dispatcher, jobs, bus, clock, redis)
    log.debug("container.built", extra={"role": role, "distributed": settings.is_distributed})
    return container


def build_job_runtime(settings: Settings) -> tuple[JobStore, JobContext, Callable[[], Awaitable[None]]]:
    """What an rq worker needs to run one job: the job store, the jobs' context, and a closer."""
    container = build_container(settings, role="worker")
    context = JobContext(container.uow, container.bus, settings, container.clock)
    return JobStore(container.sessions, container.clock), context, container.close


def build_web_app(container: Container) -> web.Application:
    """The REST API with the agent UI's pages plugged in (imported here: bootstrap is the root)."""
    from agent_ui.web import setup_ui
    from contact_center.api.app import create_app

    app = create_app(container)
    setup_ui(app, container)
    return app
