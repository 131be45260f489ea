"""The direction of imports (our house rule): channels, agent_ui -> contact_center -> routing, workforce.

Also: no circle among the project's modules, and nothing but the entry points imports bootstrap.
A module's imports are those at module level, those under `if TYPE_CHECKING:` (a circle there is
still a tangle, one a refactoring trips over), and those inside its functions, except in the entry
points, whose lazy imports are how a composition root picks what it builds.
"""

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
PROJECT = ("contact_center", "agent_ui", "channels", "routing", "workforce")
BOOTSTRAP = "contact_center.bootstrap"
#: Entry point -> the functions whose own imports are not counted (None: all of them).
ENTRY_POINTS: dict[str, frozenset[str] | None] = {
    BOOTSTRAP: None,
    "contact_center.server": None,
    "contact_center.cli": None,
}
#: Known arrows that close a circle, each with why it is still there. Add none; remove when fixed.
TOLERATED: dict[tuple[str, str], str] = {
    ("routing.groups", "routing.waiting"): "type only: groups and waiting records point at each other",
    ("routing.waiting", "routing.agent_record"): "type only: waiting and agent records point at each other",
}


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


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """Dotted name -> file, for every module of the project's packages under `root`."""
    found = {}
    for package in PROJECT:
        for path in modules_under(root / package):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def modules_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if ".venv" not in p.parts) if folder.is_dir() else []


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the project modules it imports (counted as the module docstring says)."""
    known = project_modules(root)
    return {name: _targets(name, path, known) for name, path in known.items()}


def _targets(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    lazy_ok = ENTRY_POINTS.get(name, frozenset())
    out: set[str] = set()

    def visit(node: ast.AST, function: str | None) -> None:
        """`function`: the top-level function `node` sits in, if any."""
        for child in ast.iter_child_nodes(node):
            top = function
            if top is None and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                top = child.name
            counted = function is None or (lazy_ok is not None and function not in lazy_ok)
            if isinstance(child, ast.Import | ast.ImportFrom) and counted:
                out.update(_resolved(name, path, child, known))
            visit(child, top)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), None)
    out.discard(name)
    return out


def _resolved(name: str, path: Path, node: ast.Import | ast.ImportFrom, known: dict[str, Path]) -> set[str]:
    if isinstance(node, ast.Import):
        wanted = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = name.split(".")[: None if path.name == "__init__.py" else -1]
            package = package[: len(package) - node.level + 1]
            base = ".".join([*package, base] if base else package)
        wanted = [f"{base}.{alias.name}" for alias in node.names]  # a submodule, else the module
    found = set()
    for dotted in wanted:
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        if dotted:
            found.add(dotted)
    return found


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of two or more modules (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            if group:
                found.append(sorted([node, *group]))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(found)


def without_tolerated(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    return {m: {t for t in targets if (m, t) not in TOLERATED} for m, targets in graph.items()}


def test_no_module_imports_itself_round_a_circle() -> None:
    assert circles(without_tolerated(import_graph())) == []


def test_only_the_entry_points_import_bootstrap() -> None:
    importers = {m for m, targets in without_tolerated(import_graph()).items() if BOOTSTRAP in targets}
    assert importers <= set(ENTRY_POINTS)


def test_every_tolerated_arrow_names_real_modules() -> None:
    known = project_modules()
    assert [edge for edge in TOLERATED if not set(edge) <= set(known)] == []


def _package(root: Path, files: dict[str, str]) -> Path:
    for relative, source in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(source, encoding="utf-8")
    return root


def test_the_checker_sees_a_circle_closed_by_a_type_only_or_a_relative_import(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "contact_center/__init__.py": "",
            "contact_center/a.py": "from contact_center import b\n",
            "contact_center/b.py": "import typing\nif typing.TYPE_CHECKING:\n    from . import c\n",
            "contact_center/c.py": "def f():\n    import contact_center.a\n",
        },
    )
    assert circles(import_graph(root)) == [["contact_center.a", "contact_center.b", "contact_center.c"]]


def test_an_entry_points_lazy_imports_close_no_circle(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "contact_center/__init__.py": "",
            "contact_center/bootstrap.py": "def build():\n    from contact_center import api\n",
            "contact_center/api.py": "from contact_center.bootstrap import build\n",
        },
    )
    graph = import_graph(root)
    assert graph["contact_center.api"] == {BOOTSTRAP}
    assert circles(graph) == []
