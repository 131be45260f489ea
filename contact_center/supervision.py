"""Long-lived tasks that come back after a failure instead of taking the process down.

An outage of Redis or the database is ridden out inside each loop (`outage.py`); what reaches
here is a failure nobody planned for. The process keeps serving what still works (the web side
of a one-process server, say, when the router stumbled), the failure is logged once with its
trace, `/readyz` names the part as degraded while it waits, and the task starts again after a
pause that grows while it keeps failing soon after each start.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from contact_center.outage import DEGRADED

log = logging.getLogger(__name__)

#: A run that lasted this long before failing was healthy: the next pause starts short again.
HEALTHY_RUN_S = 60.0


async def supervised(
    name: str,
    run: Callable[[], Awaitable[None]],
    *,
    first_delay_s: float = 1.0,
    max_delay_s: float = 30.0,
) -> None:
    """Run `run()` until it returns (then this returns too) or is cancelled; restart it on failure."""
    delay = first_delay_s
    waiting = Waiting()  # this run's entry in DEGRADED, gone with it
    while True:
        started = time.monotonic()
        try:
            await run()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            if time.monotonic() - started >= HEALTHY_RUN_S:
                delay = first_delay_s
            log.exception("task.failed", extra={"task": name, "restart_in_s": delay})
            DEGRADED.mark(waiting, f"task.{name}", time.monotonic())
        await asyncio.sleep(delay)
        delay = min(delay * 2, max_delay_s)
        DEGRADED.clear(waiting)
        log.warning("task.restarted", extra={"task": name})


class Waiting:
    """A task's place in `DEGRADED` while it waits to restart (entries are held weakly)."""
