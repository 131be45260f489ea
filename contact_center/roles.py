"""What each process role runs beside its container: the router and the scheduler.
`bootstrap.build_container` builds what every role shares; `server.py` picks from here by role
(docs/deployment.md).
"""

from __future__ import annotations

from contact_center.bus import RedisStreamBroker
from contact_center.container import Container
from contact_center.periodic import periodic_jobs
from contact_center.router.leadership import Leadership, RedisLeadership, SoleLeadership
from contact_center.router.service import RouterService
from contact_center.scheduler import Scheduler
from contact_center.storage.job_store import JobStore
from contact_center.storage.periodic_runs import PeriodicRuns


def build_scheduler(container: Container) -> Scheduler:
    """The periodic jobs' loop and the lost jobs' reaper, handing jobs to this process's runner."""
    settings = container.settings
    return Scheduler(
        periodic_jobs(settings),
        PeriodicRuns(container.sessions),
        container.jobs,
        JobStore(container.sessions, container.clock),
        container.clock,
        reap_every_s=settings.scheduler.reap_every_s,
        max_attempts=settings.jobs.max_attempts,
    )


def build_router(
    container: Container, *, freeze_collector: bool = False, inbox_size: int = 10_000
) -> RouterService:
    """The router of this process: the sole one (in process), or a candidate for the Redis lease.

    `inbox_size` bounds the events waiting for a pass (tests make it tiny to see an overflow)."""
    leadership: Leadership
    if container.redis is None:
        leadership = SoleLeadership(container.uow)
        events, owns_events = container.broker, False
    else:
        namespace = container.settings.redis.stream
        leadership = RedisLeadership(container.redis, container.uow, prefix=f"{namespace}:router")
        events, owns_events = RedisStreamBroker(container.redis, stream=namespace), True
    return RouterService(
        container.uow,
        container.bus,
        events,
        leadership,
        clock=container.clock,
        owns_events=owns_events,
        freeze_collector=freeze_collector,
        read_uow=container.read_uow,
        inbox_size=inbox_size,
    )
