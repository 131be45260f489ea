"""Before pytest-timeout ends a hung run, write out what every asyncio task is waiting on.

pytest-timeout's own report is each thread's stack, and a hung coroutine's thread is only its event
loop waiting in `select`: it names nothing. A test that runs within `LEAD_S` of the timeout gets
the stack of every task of every running loop on stderr, then pytest-timeout goes on as before.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import threading
from collections.abc import Iterator

import pytest

#: How long before pytest-timeout's deadline the tasks are written out.
LEAD_S = 10.0


def running_loops() -> list[asyncio.AbstractEventLoop]:
    return [o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop) and o.is_running()]


def write_tasks(nodeid: str) -> None:
    out = sys.__stderr__ or sys.stderr
    print(f"\n+++ {nodeid} is near its timeout: its asyncio tasks +++", file=out)
    for loop in running_loops():
        for _ in range(3):  # the set of tasks may change while it is copied
            try:
                tasks = asyncio.all_tasks(loop)
                break
            except RuntimeError:
                continue
        else:
            continue
        for task in tasks:
            print(f"--- task {task.get_name()}: {task!r}"[:300], file=out)
            task.print_stack(limit=20, file=out)
    out.flush()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    timeout = float(item.config.getini("timeout") or 0)
    if timeout <= LEAD_S:
        yield
        return
    watchdog = threading.Timer(timeout - LEAD_S, write_tasks, args=(item.nodeid,))
    watchdog.daemon = True
    watchdog.start()
    try:
        yield
    finally:
        watchdog.cancel()
