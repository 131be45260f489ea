"""`bench/console_fanout.py` runs end to end (a smoke run, not a measurement: the figures are read
off a full run on a quiet machine, docs/performance.md).

Keeps the script from rotting as the console's frames change: a short run must print its table,
every console must have shown every contact, and the desks must have had their offers.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SHORT_RUN = ("--consoles", "3", "--desks", "6", "--rate", "10", "--seconds", "2")


def test_a_short_run_shows_every_contact_on_every_console() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CC_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "console_fanout.py"), *SHORT_RUN],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    summary = re.search(r"contacts acknowledged (\d+);.* never showed (\d+);", done.stdout)
    assert summary, done.stdout
    acknowledged, never_shown = map(int, summary.groups())
    assert acknowledged == 20 and never_shown == 0, done.stdout
    consoles = re.search(r"consoles: contact to screen \(ours\)\s+(\d+)", done.stdout)
    assert consoles and int(consoles.group(1)) == 3 * 20, done.stdout
    desks = re.search(r"desks: offer to socket \(ours\)\s+(\d+)", done.stdout)
    assert desks and int(desks.group(1)) >= 20, done.stdout
