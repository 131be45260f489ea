"""Running the real server as a child process, as an operator would: `python -m contact_center.cli`.

The process tests and the durability test start servers with these; the `processes` fixture
(in this package's conftest) stops whatever they started.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CC_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(extra)
    return env


def cli(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "contact_center.cli", *args], env=env, stdout=out, stderr=subprocess.STDOUT
        )


async def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "contact_center.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def wait_ready(base: str, deadline_s: float = 90) -> dict[str, object]:
    """The readiness answer, once it is 200. The deadline is generous: on a loaded machine a
    fresh interpreter takes over ten seconds to import the server, three of them more."""
    deadline = time.monotonic() + deadline_s
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(base + "/readyz") as resp:
                    if resp.status == 200:
                        return dict(await resp.json())
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{base} did not become ready")
            await asyncio.sleep(0.2)
