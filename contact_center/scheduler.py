"""The scheduler's loop: periodic jobs once per due time across processes, and lost jobs reaped.

`serve --role scheduler` runs it (run one, or two for availability: they never both start a
slot); the one-process server runs the same loop in process. Each round it claims, for every
periodic job (`periodic.py`), the latest due slot it has not seen yet, in the database
(`storage/periodic_runs.py`), and hands the job the claim created to the job runner; and every
`[scheduler] reap_every_s` it queues again the jobs whose worker was lost (`job_reaper.py`). A
database or Redis outage is ridden out like the other loops' (`outage.py`): logged once, retried
with a growing pause, and a slot claimed before it is handed out when the outage ends.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contact_center.job_reaper import reap_lost_jobs
from contact_center.jobs import JobRunner
from contact_center.outage import Outage, is_outage
from contact_center.periodic import Periodic
from contact_center.storage.job_store import JobStore
from contact_center.storage.periodic_runs import PeriodicRuns
from contact_center.storage.uow import Clock

log = logging.getLogger(__name__)

#: The longest the loop sleeps, so a clock set forward is noticed soon.
MAX_PAUSE_S = 30.0


@dataclass(frozen=True, slots=True)
class Started:
    name: str
    slot: datetime
    job_id: int


class Scheduler:
    def __init__(
        self,
        periodic: Sequence[Periodic],
        runs: PeriodicRuns,
        jobs: JobRunner,
        store: JobStore,
        clock: Clock,
        *,
        reap_every_s: float,
        max_attempts: int,
    ) -> None:
        self._periodic = list(periodic)
        self._runs, self._jobs, self._store, self._clock = runs, jobs, store, clock
        self._reap_every_s = reap_every_s
        self._max_attempts = max_attempts
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        #: The latest slot each periodic job was seen through (started here or elsewhere).
        self._seen: dict[str, datetime] = {}
        #: Claimed here, not yet handed to the runner (an outage came between).
        self._unhanded: list[tuple[int, str, dict[str, Any]]] = []

    async def tick(self) -> list[Started]:
        """Claim and start what is due now; returns what this scheduler started."""
        await self._hand_out_pending()
        now = self._clock()
        started: list[Started] = []
        for periodic in self._periodic:
            slot = periodic.due(now)
            seen = self._seen.get(periodic.name)
            if seen is not None and seen >= slot:
                continue
            args = dict(periodic.args)
            job_id = await self._runs.claim(periodic.name, slot, periodic.job, args, self.owner, now)
            self._seen[periodic.name] = slot
            if job_id is None:
                continue  # another scheduler has it
            self._unhanded.append((job_id, periodic.job, args))
            await self._hand_out_pending()
            started.append(Started(periodic.name, slot, job_id))
            log.info(
                "scheduler.started",
                extra={"periodic": periodic.name, "slot": slot.isoformat(), "job_id": job_id},
            )
        return started

    async def _hand_out_pending(self) -> None:
        while self._unhanded:
            job_id, job, args = self._unhanded[0]
            await self._jobs.requeue(job_id, job, args)
            self._unhanded.pop(0)

    async def reap(self) -> list[int]:
        return await reap_lost_jobs(self._store, self._jobs, self._max_attempts)

    def pause_s(self, now: datetime, reap_in_s: float) -> float:
        """Until the next slot of any periodic job, or the next reap, whichever comes first."""
        waits = [reap_in_s, MAX_PAUSE_S]
        for periodic in self._periodic:
            seen = self._seen.get(periodic.name)
            if seen is not None:
                waits.append((periodic.after(seen) - now).total_seconds())
        return max(min(waits), 0.01)

    async def run(self) -> None:
        outage = Outage(log, "scheduler")
        next_reap = time.monotonic()
        while True:
            try:
                await self.tick()
                if time.monotonic() >= next_reap:
                    await self.reap()
                    next_reap = time.monotonic() + self._reap_every_s
            except Exception as exc:
                if not is_outage(exc):
                    raise  # a bug: `supervised` logs it and starts the loop again
                outage.failed(exc)
                await outage.pause()
                continue
            outage.recovered()
            await asyncio.sleep(self.pause_s(self._clock(), next_reap - time.monotonic()))
