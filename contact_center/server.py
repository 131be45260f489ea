"""Running a process of a role: `all` (the default, one process), or `web`, `router`, `scheduler`,
`worker`."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import Awaitable
from typing import Any

from aiohttp import web

from contact_center.api.keys import no_explanation
from contact_center.api.protocol_errors import ApiRunner
from contact_center.bootstrap import Container, build_container, build_job_runtime, build_web_app
from contact_center.i18n import _
from contact_center.jobs import job_named, run_job
from contact_center.roles import build_router, build_scheduler
from contact_center.router.explain_rpc import Explain, remote_explainer, serve_explanations
from contact_center.services.wrap_up import sweep_periodically
from contact_center.settings import Settings, load_settings
from contact_center.storage.migrate import schema_problem
from contact_center.supervision import supervised

log = logging.getLogger(__name__)


async def serve(settings: Settings, *, role: str = "all", simulate: bool = False) -> int:
    if role != "all" and not settings.is_distributed:
        log.error("serve.role_needs_redis", extra={"role": role})
        print(
            _("--role %(role)s needs DATABASE_URL (PostgreSQL) and REDIS_URL; without them run plain `serve`")
            % {"role": role}
        )
        return 2
    container = build_container(settings, role=role)
    if problem := await schema_problem(container.engine):
        await container.close()
        print(f"contact-center: {problem}", file=sys.stderr)
        return 2
    runner: web.AppRunner | None = None
    tasks: list[asyncio.Task[None]] = []
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        explain: Explain = no_explanation
        if role in ("all", "router"):
            explain, started = _start_router(container, tune_collector=tunes_collector(role))
            tasks += started
        elif container.redis is not None:  # a web process asks the leading router over Redis
            explain = remote_explainer(container.redis, settings.redis.stream)
        app = build_web_app(container, explain=explain) if role in ("all", "web") else None
        if role in ("all", "scheduler"):
            scheduler = build_scheduler(container)
            tasks.append(asyncio.create_task(supervised("scheduler", scheduler.run), name="scheduler"))
        freeze_startup()
        gc.set_threshold(*collector_thresholds(role))
        if role != "scheduler":  # the scheduler reads and writes the database only; no events
            await container.start()
        if app is not None:
            runner = ApiRunner(app, access_log=None)
            await runner.setup()
            try:
                await web.TCPSite(runner, settings.http.host, settings.http.port).start()
            except OSError as exc:
                where = f"{settings.http.host}:{settings.http.port}"
                print(
                    _("contact-center: cannot listen on %(where)s (%(error)s); set CC_HTTP__PORT")
                    % {"where": where, "error": exc.strerror},
                    file=sys.stderr,
                )
                return 2
            url = f"http://{settings.http.host}:{settings.http.port}"
            print(
                _("contact center serving on %(url)s  (role %(role)s; Ctrl-C to stop)")
                % {"url": url, "role": role},
                flush=True,
            )
        elif role == "scheduler":
            print(_("scheduler running (periodic jobs, lost jobs run again); Ctrl-C to stop"), flush=True)
        else:
            print(
                _("router running (leads when the lease is free, else stands by); Ctrl-C to stop"), flush=True
            )
        if simulate:
            from contact_center.simulator import Simulator

            sim = Simulator(
                container.bus,
                container.uow,
                mean_interval_s=settings.simulator.mean_interval_s,
                seed=settings.simulator.seed,
            )
            tasks.append(asyncio.create_task(supervised("simulator", sim.run), name="simulator"))
            every = f"{settings.simulator.mean_interval_s:.0f}"
            print(_("simulator on: contacts arrive every ~%(seconds)s s") % {"seconds": every}, flush=True)
            if app is not None:
                from contact_center.demo import demo_guide

                print(demo_guide(f"http://{settings.http.host}:{settings.http.port}"), flush=True)
        await _until(stop, tasks)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):  # a failure was logged once
                await task
        if runner is not None:
            await runner.cleanup()
        await container.close()
    return 0


ROUTER_GC_THRESHOLDS = (50_000, 20, 100)
"""The collector as a routing process runs it: far fewer young-generation passes over a burst's
short-lived objects (the engine's long-lived state is frozen after each rebuild). Measured in
bench/routing_throughput.py ("tuned gc"); see docs/routing.md, "Performance"."""


SERVER_GC_THRESHOLDS = (10_000, 20, 100)
"""The collector as every other serving process runs it (web, the one default process): a full
collection walks every connection's objects (some 27 KiB each, 5,000 chat visitors or more), so
it is kept for when ten times more young passes have run than by default. With the defaults and
5,000 visitors connected, full collections came every few seconds and stopped the loop for
hundreds of ms each (bench/chat.py, docs/webchat.md "Benchmark"). Unlike the router's tuning
nothing is frozen, so no garbage is kept for good: cycles wait a little longer, that is all."""


def collector_thresholds(role: str) -> tuple[int, int, int]:
    return ROUTER_GC_THRESHOLDS if tunes_collector(role) else SERVER_GC_THRESHOLDS


def freeze_startup() -> None:
    """Move what start-up built (modules, classes, functions, the app's routes: some 200,000
    objects, all alive until exit) out of the collector's sight, before any request or event.

    Every full collection otherwise walks them all: 110-170 ms with the loop stopped, each time,
    which alone put the inbound path's p99 over 100 ms. Nothing made later is frozen, so unlike
    the router's tuning (below) no request's or engine's garbage is kept."""
    gc.collect()
    gc.freeze()


def tunes_collector(role: str) -> bool:
    """Only a process that does nothing but route: a web server sharing the process would keep its
    own garbage (requests, sessions) longer, and have whatever it holds at a rebuild frozen for good."""
    return role == "router"


def _start_router(container: Container, *, tune_collector: bool) -> tuple[Explain, list[asyncio.Task[None]]]:
    router = build_router(container, freeze_collector=tune_collector)
    tasks = [asyncio.create_task(supervised("router", router.run), name="router")]
    # Where the router runs, so do the wrap-up time limits (each close re-checks under its row lock,
    # so a standby router's process running it too closes nothing twice).
    every = container.settings.desk.wrap_up_sweep_s
    tasks.append(
        asyncio.create_task(
            supervised("wrap-up-limits", lambda: sweep_periodically(container.bus, every)),
            name="wrap-up-limits",
        )
    )
    if (redis := container.redis) is not None:
        namespace = container.settings.redis.stream

        def answering() -> Awaitable[None]:
            return serve_explanations(redis, namespace, router.explain, lambda: router.leading)

        tasks.append(asyncio.create_task(supervised("router-explain", answering), name="router-explain"))
    return router.explain, tasks


async def _until(stop: asyncio.Event, tasks: list[asyncio.Task[None]]) -> None:
    """Run until a signal, or until a background task ends: its failures are restarted by
    `supervised`, so an end is a router that found another process routing this database."""
    waiter = asyncio.create_task(stop.wait())
    done, _pending = await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    for task in done:
        if task is not waiter and not task.cancelled() and task.exception() is not None:
            log.error("serve.task_failed", extra={"task": task.get_name()}, exc_info=task.exception())
            raise SystemExit(1)


def run_worker(settings: Settings) -> int:
    """An rq worker on the contact center's queue; jobs run `run_rq_job` below."""
    from redis import Redis

    from contact_center.rq_worker import LinkedWorker

    assert settings.redis.url is not None
    connection = Redis.from_url(settings.redis.url)
    worker = LinkedWorker([settings.redis.rq_queue], connection=connection)
    print(f"worker listening on rq queue {settings.redis.rq_queue!r}", flush=True)
    worker.work(with_scheduler=False)
    return 0


def run_rq_job(name: str, kwargs: dict[str, Any], job_id: int | None = None) -> Any:
    """Entry point inside an rq worker: build this process's job context from settings, run the
    job once (recorded in its row when it has one), and close what was opened."""

    async def run() -> Any:
        store, context, close = build_job_runtime(load_settings())
        try:
            if job_id is None:
                return await job_named(name)(context, **kwargs)
            return await run_job(store, context, job_id, name, kwargs)
        finally:
            await close()

    return asyncio.run(run())
