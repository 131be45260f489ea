"""The simulation stays pure like the rest of workforce: no clock, no I/O, no global randomness.

It may import routing (pure as well) besides the standard library, numpy, scipy and workforce.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MODULES = sorted((Path(__file__).resolve().parents[2] / "workforce" / "simulation").glob("*.py"))
ALLOWED = {"numpy", "scipy", "workforce", "routing", "__future__"}
FORBIDDEN_MODULES = {"asyncio", "datetime", "time", "random", "os", "threading"}
FORBIDDEN_CALLS = {"now", "today", "utcnow", "time", "perf_counter", "monotonic", "open", "print"}


def test_simulation_imports_only_pure_packages() -> None:
    assert MODULES
    for path in MODULES:
        tree = ast.parse(path.read_text(), str(path))
        roots = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                roots.add(node.module.split(".")[0])
        foreign = {r for r in roots if r not in ALLOWED and r not in sys.stdlib_module_names}
        assert not foreign and not roots & FORBIDDEN_MODULES, f"{path.name} imports {roots}"


def test_simulation_reads_no_clock_and_does_no_io() -> None:
    for path in MODULES:
        calls = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call):
                func = node.func
                calls.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
        assert not calls & FORBIDDEN_CALLS, f"{path.name} calls {calls & FORBIDDEN_CALLS}"


def test_simulation_modules_stay_small() -> None:
    for path in MODULES:
        assert len(path.read_text().splitlines()) < 300, path.name
