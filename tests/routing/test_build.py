"""The routing build under test is the one asked for: compiled when `ROUTING_BUILD_DIR` names
the mypyc build (`make test` runs the routing and simulation tests that way too), else the
pure-Python sources of `routing/`."""

from __future__ import annotations

import os
from pathlib import Path

import routing
import routing.engine
import routing.selection


def test_the_routing_build_under_test_is_the_one_asked_for() -> None:
    build = os.environ.get("ROUTING_BUILD_DIR")
    assert routing.COMPILED is bool(build)
    for module in (routing.engine, routing.selection):
        path = Path(module.__file__ or "")
        if build:
            assert path.suffix == ".so", f"{module.__name__} is not compiled: {path}"
            assert path.is_relative_to(Path(build).resolve()), path
        else:
            assert path.suffix == ".py", f"{module.__name__} should be the source: {path}"
