"""Background jobs: an in-process runner by default, rq queues on Redis for several processes.

A job is an async function registered by name with `@job("name")`; it receives the application
container and keyword arguments made of plain JSON values, so the same function runs in both modes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from redis import Redis as SyncRedis

    from contact_center.bootstrap import Container

log = logging.getLogger(__name__)

JobFunction = Callable[..., Awaitable[Any]]
_JOBS: dict[str, JobFunction] = {}

RQ_QUEUE = "contact_center"


def job(name: str) -> Callable[[JobFunction], JobFunction]:
    def register(fn: JobFunction) -> JobFunction:
        _JOBS[name] = fn
        return fn

    return register


def job_named(name: str) -> JobFunction:
    _load_job_modules()
    if name not in _JOBS:
        raise LookupError(f"no job named {name!r}")
    return _JOBS[name]


def _load_job_modules() -> None:
    import contact_center.reports  # noqa: F401  (registers its jobs)


class JobRunner(Protocol):
    async def enqueue(self, name: str, **kwargs: Any) -> str: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class InProcessJobRunner:
    """An asyncio queue and a few worker tasks; results are kept by job id for callers that wait."""

    def __init__(self, container_ref: Callable[[], Container], *, workers: int = 2) -> None:
        self._container_ref = container_ref
        self._queue: asyncio.Queue[tuple[str, str, dict[str, Any]]] = asyncio.Queue()
        self._workers = workers
        self._tasks: list[asyncio.Task[None]] = []
        self._counter = 0
        self.results: dict[str, asyncio.Future[Any]] = {}

    async def enqueue(self, name: str, **kwargs: Any) -> str:
        job_named(name)  # fail at enqueue time on an unknown job
        self._counter += 1
        job_id = f"local-{self._counter}"
        self.results[job_id] = asyncio.get_running_loop().create_future()
        await self._queue.put((job_id, name, kwargs))
        return job_id

    async def start(self) -> None:
        for i in range(self._workers):
            self._tasks.append(asyncio.create_task(self._work(), name=f"jobs-{i}"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _work(self) -> None:
        while True:
            job_id, name, kwargs = await self._queue.get()
            future = self.results[job_id]
            try:
                future.set_result(await job_named(name)(self._container_ref(), **kwargs))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the job runner is an edge: log and record the failure
                log.exception("job.failed", extra={"job": name, "job_id": job_id})
                future.set_exception(exc)
            finally:
                self._queue.task_done()


class RqJobRunner:
    """Enqueues on rq; `contact-center serve --role worker` (an rq worker) runs the jobs."""

    def __init__(self, redis: SyncRedis, queue_name: str = RQ_QUEUE) -> None:
        from rq import Queue

        self.queue = Queue(queue_name, connection=redis)

    async def enqueue(self, name: str, **kwargs: Any) -> str:
        job_named(name)
        rq_job = await asyncio.to_thread(self.queue.enqueue, run_rq_job, name, kwargs)
        return str(rq_job.id)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


def run_rq_job(name: str, kwargs: dict[str, Any]) -> Any:
    """Entry point inside an rq worker: build the container from settings and run the job once."""
    from contact_center.bootstrap import build_container
    from contact_center.settings import load_settings

    async def run() -> Any:
        container = build_container(load_settings(), role="worker")
        try:
            return await job_named(name)(container, **kwargs)
        finally:
            await container.close()

    return asyncio.run(run())
