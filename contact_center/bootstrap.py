"""The composition root: the only place that chooses implementations.

No settings: SQLite, an in-process broker and job runner, all in one process. A PostgreSQL URL and
a Redis URL: the Redis stream broker and rq, shared by web, router and worker processes.
Which service handles each command is `command_handlers.py`; this module builds what it is given.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from aiohttp import web
from redis import Redis as SyncRedis
from redis.asyncio import Redis

import contact_center.planning.jobs
import contact_center.privacy.retention
import contact_center.reports
import contact_center.services.follow_up_deadlines
import contact_center.services.queue_alerts
import contact_center.transcripts.sending  # noqa: F401  (these register the jobs)
from contact_center.api.keys import no_explanation
from contact_center.api.principals import LocalGeneration, RedisGeneration, SessionLimits, TokenCache
from contact_center.bus import EventBroker, InProcessBroker, MessageBus, RedisStreamBroker
from contact_center.command_handlers import command_handlers
from contact_center.container import Container as Container
from contact_center.dispatcher import OutboxDispatcher
from contact_center.jobs import InProcessJobRunner, JobContext, JobRunner, RqJobRunner
from contact_center.mail import MailSender
from contact_center.outbound import OutboundChannel, OutboundPorts
from contact_center.privacy.access import store_accesses
from contact_center.readiness import Readiness
from contact_center.router.explain_rpc import Explain
from contact_center.services.inbound import InboundWriter
from contact_center.services.messages import OutboundDelivery
from contact_center.services.queue_directory import QueueDirectory
from contact_center.services.sign_in_limits import LocalFailureCounts, RedisFailureCounts, SignInLimits
from contact_center.settings import Settings
from contact_center.signals import LocalSignals, RedisSignals, Signals
from contact_center.storage.accept_batch import store_accepts
from contact_center.storage.engine import open_database, session_factory
from contact_center.storage.group_commit import GroupCommitter
from contact_center.storage.idempotency import IdempotencyStore
from contact_center.storage.inbound_batch import store_inbound
from contact_center.storage.job_store import JobStore
from contact_center.storage.uow import Clock, UnitOfWork, system_clock
from contact_center.transcripts.sending import TranscriptJobs

log = logging.getLogger(__name__)


def outbound_adapters(settings: Settings) -> list[OutboundChannel]:
    """The channels that can send replies in this deployment (their adapters live in `channels/`)."""
    from channels.webchat.outbound import WebchatOutbound

    return [WebchatOutbound()]


def mail_sender(settings: Settings) -> MailSender | None:
    """The SMTP adapter when `[mail]` names a server; otherwise nothing is mailed."""
    if not settings.mail.is_enabled:
        return None
    from channels.smtp import SmtpSender

    return SmtpSender(settings.mail)


def build_container(
    settings: Settings,
    *,
    role: str = "all",
    clock: Clock = system_clock,
    outbound: list[OutboundChannel] | None = None,
) -> Container:
    """Build (but do not start) everything a process of `role` needs; `outbound` replaces the
    deployment's channel adapters (tests plug in their own)."""
    for module in settings.jobs.modules:  # a deployment's own jobs, registered where jobs run
        importlib.import_module(module)
    db = settings.database
    database = open_database(db.url, echo=db.echo, pool_size=db.pool_size, max_overflow=db.max_overflow)
    sessions = session_factory(database.writer)
    read_sessions = session_factory(database.reader)
    redis: Redis | None = None
    broker: EventBroker
    if settings.is_distributed:
        assert settings.redis.url is not None
        redis = Redis.from_url(settings.redis.url)
        broker = RedisStreamBroker(redis, stream=settings.redis.stream)
    else:
        broker = InProcessBroker()
    dispatcher = OutboxDispatcher(sessions, broker, clock=clock, read_sessions=read_sessions)

    def uow_factory() -> UnitOfWork:
        return UnitOfWork(sessions, clock=clock, after_commit=dispatcher.committed)

    def read_uow() -> UnitOfWork:
        return UnitOfWork(read_sessions, clock=clock)

    generation = (
        RedisGeneration(redis, f"{settings.redis.stream}:tokens:generation")
        if redis is not None
        else LocalGeneration()
    )
    sessions_ = settings.sessions
    token_cache = TokenCache(
        read_uow,
        clock,
        generation,
        write_uow=uow_factory,
        limits=SessionLimits(
            idle_timeout=timedelta(seconds=sessions_.idle_timeout_s),
            max_age=timedelta(seconds=sessions_.max_age_s),
        ),
    )
    broker.subscribe("tokens", token_cache.on_event, live=True)
    queue_directory = QueueDirectory(read_uow)
    broker.subscribe("queues", queue_directory.on_event, live=True)
    committer = GroupCommitter(database.writer, store_inbound, after_commit=dispatcher.committed)
    inbound = InboundWriter(committer, queue_directory, clock=clock, default_region=settings.default_region)
    accepts = GroupCommitter(database.writer, store_accepts, after_commit=dispatcher.committed)
    failures = (
        RedisFailureCounts(redis, f"{settings.redis.stream}:sign-in:")
        if redis is not None
        else LocalFailureCounts()
    )
    access_log = GroupCommitter(database.writer, store_accesses)
    sign_in = SignInLimits(failures, token_lifetime=timedelta(seconds=settings.sessions.max_age_s))
    ports = OutboundPorts(outbound_adapters(settings) if outbound is None else outbound)
    broker.subscribe("outbound", OutboundDelivery(uow_factory, ports).on_event)
    signals: Signals = (
        RedisSignals(redis, f"{settings.redis.stream}:signals") if redis is not None else LocalSignals()
    )
    mail = mail_sender(settings)
    handlers = command_handlers(
        settings, inbound, accepts, clock, sign_in, access_log, ports, can_mail=mail is not None
    )
    bus = MessageBus(uow_factory, handlers)
    store = JobStore(sessions, clock)
    jobs: JobRunner
    if settings.is_distributed:
        assert settings.redis.url is not None
        jobs = RqJobRunner(store, SyncRedis.from_url(settings.redis.url), settings.redis.rq_queue)
    else:
        jobs = InProcessJobRunner(store, JobContext(uow_factory, bus, settings, clock, mail))
    # A durable group: with Redis one process enqueues each request, and one stored while no process
    # ran is enqueued when one starts.
    broker.subscribe("transcripts", TranscriptJobs(jobs).on_event)
    container = Container(
        settings,
        database,
        sessions,
        read_sessions,
        broker,
        dispatcher,
        jobs,
        bus,
        clock,
        token_cache,
        signals,
        ports,
        redis,
        inbound_commits=committer,
        mail=mail,
    )
    log.debug("container.built", extra={"role": role, "distributed": settings.is_distributed})
    return container


def build_job_runtime(settings: Settings) -> tuple[JobStore, JobContext, Callable[[], Awaitable[None]]]:
    """What an rq worker needs to run one job: the job store, the jobs' context, and a closer."""
    container = build_container(settings, role="worker")
    context = JobContext(container.uow, container.bus, settings, container.clock, container.mail)
    return JobStore(container.sessions, container.clock), context, container.close


def build_api_app(container: Container, *, explain: Explain = no_explanation) -> web.Application:
    """The REST API alone, each handler given only the narrow things it reads."""
    from contact_center.api.app import create_app

    return create_app(
        settings=container.settings,
        bus=container.bus,
        uow=container.read_uow,
        jobs=container.jobs,
        clock=container.clock,
        readiness=Readiness(container.database.reader, container.redis),
        tokens=container.tokens,
        idempotency=IdempotencyStore(
            container.sessions,
            container.clock,
            ttl=timedelta(seconds=container.settings.http.idempotency_key_ttl_s),
        ),
        signals=container.signals,
        explain=explain,
    )


def build_web_app(container: Container, *, explain: Explain = no_explanation) -> web.Application:
    """The REST API with the agent UI's pages plugged in (imported here: bootstrap is the root)."""
    from agent_ui.admin import setup_admin
    from agent_ui.console import setup_console
    from agent_ui.console_agents import setup_console_agents
    from agent_ui.desk_presence import DeskWatch
    from agent_ui.desk_registry import DeskRegistry, LocalDesks, RedisDesks
    from agent_ui.my_settings import setup_my_settings
    from agent_ui.planner import setup_planner
    from agent_ui.web import setup_ui
    from channels.webchat import setup_webchat
    from contact_center.api.origin import allowed_origins

    app = build_api_app(container, explain=explain)
    registry: DeskRegistry = (
        RedisDesks(container.redis, f"{container.settings.redis.stream}:desks:")
        if container.redis is not None
        else LocalDesks()
    )
    desks = DeskWatch(container.bus, container.read_uow, container.settings.desk, registry)
    setup_ui(
        app,
        uow=container.read_uow,
        events=container.broker,
        signals=container.signals,
        desks=desks,
        sending=container.outbound.sending(),
    )
    setup_planner(app)
    setup_my_settings(app)
    setup_admin(app)
    setup_console(app)
    setup_console_agents(app)
    setup_webchat(
        app,
        settings=container.settings,
        bus=container.bus,
        read_uow=container.read_uow,
        reader=container.database.reader,
        events=container.broker,
        clock=container.clock,
        signals=container.signals,
        own_origins=allowed_origins,
        redis=container.redis,
    )
    return app
