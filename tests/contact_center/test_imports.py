"""The direction of imports (STYLE.md): channels, agent_ui -> contact_center -> routing, workforce."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

PURE = ("routing", "workforce")
PURE_MAY_NOT_IMPORT = frozenset(
    {
        "asyncio",
        "aiohttp",
        "sqlmodel",
        "sqlalchemy",
        "redis",
        "rq",
        "twilio",
        "jinja2",
        "contact_center",
        "channels",
        "agent_ui",
    }
)
EDGE = frozenset({"channels", "agent_ui"})
COMPOSITION_ROOTS = frozenset({"contact_center/bootstrap.py", "contact_center/cli.py"})


def modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if ".venv" not in p.parts)


def imported(path: Path) -> Iterator[tuple[int, str]]:
    """(line, top-level package) for every absolute import, wherever it sits in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            yield node.lineno, str(node.args[0].value).split(".")[0]  # type: ignore[attr-defined]


def _is_dynamic_import(node: ast.Call) -> bool:
    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
    return (
        name in ("import_module", "__import__")
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def wrong_arrows(
    package: str, forbidden: frozenset[str], allowed_files: frozenset[str] = frozenset()
) -> list[str]:
    found = []
    for path in modules(package):
        relative = path.relative_to(ROOT).as_posix()
        if relative in allowed_files:
            continue
        for line, top in imported(path):
            if top in forbidden and top != package:
                found.append(f"{relative}:{line} imports {top}")
    return found


@pytest.mark.parametrize("package", PURE)
def test_routing_and_workforce_import_no_infrastructure_and_nothing_above_them(package: str) -> None:
    assert modules(package), f"{package}/ has no modules"
    assert wrong_arrows(package, PURE_MAY_NOT_IMPORT) == []


def test_contact_center_imports_channels_and_agent_ui_only_in_its_composition_root() -> None:
    assert wrong_arrows("contact_center", EDGE, COMPOSITION_ROOTS) == []


@pytest.mark.parametrize("package", ["channels", "agent_ui"])
def test_the_edges_may_use_the_core(package: str) -> None:
    if not (ROOT / package).is_dir():
        pytest.fail(f"{package}/ is missing")
    for path in modules(package):
        list(imported(path))  # every module parses


def test_the_checker_sees_a_wrong_arrow(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text(
        "import asyncio\nfrom sqlalchemy.orm import Session\n"
        "def f():\n    from contact_center import bus\n    import importlib\n"
        "    importlib.import_module('redis.asyncio')\n",
        encoding="utf-8",
    )
    tops = {top for _line, top in imported(module)}
    assert {"asyncio", "sqlalchemy", "contact_center", "redis"} <= tops


def test_relative_imports_stay_inside_their_package(tmp_path: Path) -> None:
    module = tmp_path / "rel.py"
    module.write_text("from . import engine\nfrom .snapshot import Snapshot\n", encoding="utf-8")
    assert list(imported(module)) == []
