"""Which process runs the router's collector tuning: only one that does nothing but route."""

from __future__ import annotations

import pytest

from contact_center.server import tunes_collector


@pytest.mark.parametrize(
    ("role", "tuned"), [("router", True), ("all", False), ("web", False), ("worker", False)]
)
def test_only_a_process_that_only_routes_tunes_the_collector(role: str, tuned: bool) -> None:
    assert tunes_collector(role) is tuned
