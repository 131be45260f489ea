"""Loaded by pytest before any test module: lets a run test the routing core as compiled.

With `ROUTING_BUILD_DIR` set (`make test` sets it to the mypyc build of `make compiled` for a
second pass over the routing and simulation tests), that directory goes first on `sys.path`, so
`import routing` loads the compiled modules; `tests/routing/test_build.py` checks which one ran.
"""

from __future__ import annotations

import importlib
import os
import sys

_build = os.environ.get("ROUTING_BUILD_DIR")
if _build:
    sys.path.insert(0, os.path.abspath(_build))
    # Imported now, while the build is first on the path: pytest later puts the repository
    # itself in front (to import `tests`), and `routing` must not be found there.
    importlib.import_module("routing")
