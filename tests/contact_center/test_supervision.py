"""A long-lived task that fails unexpectedly is restarted, and is reported degraded while it waits."""

from __future__ import annotations

import asyncio
import contextlib

from contact_center.outage import DEGRADED
from contact_center.supervision import supervised


async def test_a_failing_task_is_restarted_and_shown_degraded_while_it_waits() -> None:
    runs: list[int] = []
    finished = asyncio.Event()

    async def flaky() -> None:
        runs.append(len(runs))
        if len(runs) < 3:
            raise RuntimeError("a bug")
        finished.set()

    task = asyncio.create_task(supervised("flaky", flaky, first_delay_s=0.3, max_delay_s=0.3))
    await asyncio.sleep(0.1)
    assert "task.flaky" in DEGRADED.now()  # waiting out its pause
    await asyncio.wait_for(finished.wait(), timeout=5)
    await asyncio.wait_for(task, timeout=1)  # a clean return ends the supervision
    assert runs == [0, 1, 2] and "task.flaky" not in DEGRADED.now()


async def test_a_cancel_is_not_a_failure() -> None:
    started = asyncio.Event()

    async def forever() -> None:
        started.set()
        await asyncio.Event().wait()

    task = asyncio.create_task(supervised("forever", forever))
    await started.wait()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert task.cancelled()
