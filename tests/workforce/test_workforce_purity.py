"""The workforce maths stays pure: stdlib, numpy and its own modules; no clock, no I/O."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "workforce"
OWN = [ROOT / name for name in ("__init__.py", "erlang.py", "erlang_a.py", "staffing.py", "accuracy.py")]
OWN += sorted((ROOT / "forecasting").glob("*.py"))
ALLOWED = {"numpy", "scipy", "workforce", "__future__"}
FORBIDDEN_CALLS = {"now", "today", "utcnow", "time", "perf_counter", "monotonic", "open", "print"}


def imported_roots(tree: ast.AST) -> set[str]:
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def called_names(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


def test_workforce_imports_only_stdlib_numpy_and_itself() -> None:
    for path in OWN:
        tree = ast.parse(path.read_text(), str(path))
        foreign = {r for r in imported_roots(tree) if r not in ALLOWED and r not in sys.stdlib_module_names}
        assert not foreign, f"{path.name} imports {foreign}"
        assert not imported_roots(tree) & {"asyncio", "datetime", "time", "random", "os"}, path.name


def test_workforce_reads_no_clock_and_does_no_io() -> None:
    for path in OWN:
        calls = called_names(ast.parse(path.read_text(), str(path)))
        assert not calls & FORBIDDEN_CALLS, f"{path.name} calls {calls & FORBIDDEN_CALLS}"


def test_scheduling_reads_no_clock_and_draws_no_global_randomness() -> None:
    """Its solve time is CP-SAT's own wall time and its randomness the seed in SolverSettings."""
    modules = sorted((ROOT / "scheduling").glob("*.py"))
    assert modules
    for path in modules:
        tree = ast.parse(path.read_text(), str(path))
        assert not imported_roots(tree) & {"time", "random", "os", "asyncio"}, path.name
        assert not called_names(tree) & FORBIDDEN_CALLS, path.name
