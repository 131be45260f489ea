"""A job for the fault tests, registered in the worker processes through `[jobs] modules`: it
writes when it starts, waits while a gate file exists, and writes again when it is done."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from contact_center.jobs import JobContext, job

GATED = "tests.faults.gated"


def is_shut(gate: str) -> bool:
    return Path(gate).exists()


def note(journal: str, line: str) -> None:
    with Path(journal).open("a", encoding="utf-8") as out:
        out.write(line + "\n")


@job(GATED)
async def gated(ctx: JobContext, journal: str, gate: str) -> dict[str, int]:
    note(journal, f"started {ctx.attempt} {os.getpid()}")
    while True:
        if not is_shut(gate):
            break
        await asyncio.sleep(0.05)
    note(journal, f"done {ctx.attempt}")
    return {"attempt": ctx.attempt}
