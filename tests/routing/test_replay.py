"""Replay: the same snapshot and events give exactly the same decisions, in any process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from routing import Offer, replay
from tests.routing.scenario import POLICIES, RULES, run

ROOT = Path(__file__).resolve().parents[2]


def test_replay_of_a_busy_day_gives_the_same_decisions() -> None:
    initial, events, decisions = run(seed=7)
    assert sum(isinstance(d, Offer) for d in decisions) > 200
    engine, replayed = replay(initial, events, POLICIES, RULES)
    assert replayed == decisions
    some = next(d for d in reversed(decisions) if isinstance(d, Offer))
    assert str(engine.explain(some.interaction))


def test_decisions_do_not_depend_on_the_hash_seed() -> None:
    outputs = []
    for hash_seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-m", "tests.routing.scenario", "11"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].count("Offer(") > 200
