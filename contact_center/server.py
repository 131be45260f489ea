"""Running a process of a role: `all` (the default, one process), or `web`, `router`, `worker`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiohttp import web

from contact_center.bootstrap import build_container, build_web_app
from contact_center.settings import Settings

log = logging.getLogger(__name__)


async def serve(settings: Settings, *, role: str = "all", simulate: bool = False) -> int:
    if role != "all" and not settings.is_distributed:
        log.error("serve.role_needs_redis", extra={"role": role})
        print(f"--role {role} needs DATABASE_URL (PostgreSQL) and REDIS_URL; without them run plain `serve`")
        return 2
    container = build_container(settings, role=role)
    runner: web.AppRunner | None = None
    sim_task: asyncio.Task[None] | None = None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        if role in ("all", "web"):
            app = build_web_app(container)
            await container.start()
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, settings.http.host, settings.http.port)
            await site.start()
            url = f"http://{settings.http.host}:{settings.http.port}"
            print(f"contact center serving on {url}  (role {role}; Ctrl-C to stop)", flush=True)
        else:  # router: dispatches the outbox and consumes events; the routing engine plugs in here
            await container.start()
            print("router running (outbox dispatch and event consumers); Ctrl-C to stop", flush=True)
        if simulate:
            from contact_center.simulator import Simulator

            sim = Simulator(
                container, mean_interval_s=settings.simulator.mean_interval_s, seed=settings.simulator.seed
            )
            sim_task = asyncio.create_task(sim.run(), name="simulator")
            print(
                f"simulator on: contacts arrive every ~{settings.simulator.mean_interval_s:.0f} s", flush=True
            )
        await stop.wait()
    finally:
        if sim_task is not None:
            sim_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sim_task
        if runner is not None:
            await runner.cleanup()
        await container.close()
    return 0


def run_worker(settings: Settings) -> int:
    """An rq worker on the contact center's queue; jobs run `contact_center.jobs.run_rq_job`."""
    from redis import Redis
    from rq import Worker

    assert settings.redis.url is not None
    connection = Redis.from_url(settings.redis.url)
    worker = Worker([settings.redis.rq_queue], connection=connection)
    print(f"worker listening on rq queue {settings.redis.rq_queue!r}", flush=True)
    worker.work(with_scheduler=False)
    return 0
