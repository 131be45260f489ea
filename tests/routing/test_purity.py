"""The routing core stays pure: standard library and its own modules only, and no clock."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROUTING = Path(__file__).resolve().parents[2] / "routing"
FORBIDDEN_MODULES = {"time", "datetime", "random", "asyncio", "os", "socket", "threading"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_routing_imports_only_the_standard_library_and_itself() -> None:
    for path in sorted(ROUTING.glob("*.py")):
        for module in imported_modules(path):
            assert module == "routing" or module in sys.stdlib_module_names, f"{path.name} imports {module}"
            assert module not in FORBIDDEN_MODULES, (
                f"{path.name} imports {module}: time and seeds are arguments"
            )


def test_routing_modules_stay_small() -> None:
    for path in ROUTING.glob("*.py"):
        assert len(path.read_text().splitlines()) < 300, path.name
