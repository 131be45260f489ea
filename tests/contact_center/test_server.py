"""The collector as each process runs it: start-up frozen in every role, the router's tuning only in
a process that does nothing but route."""

from __future__ import annotations

import gc

import pytest

from contact_center.server import (
    ROUTER_GC_THRESHOLDS,
    SERVER_GC_THRESHOLDS,
    collector_thresholds,
    freeze_startup,
    tunes_collector,
)


@pytest.mark.parametrize(
    ("role", "tuned"), [("router", True), ("all", False), ("web", False), ("worker", False)]
)
def test_only_a_process_that_only_routes_tunes_the_collector(role: str, tuned: bool) -> None:
    assert tunes_collector(role) is tuned
    assert collector_thresholds(role) == (ROUTER_GC_THRESHOLDS if tuned else SERVER_GC_THRESHOLDS)


def test_every_serving_process_runs_full_collections_far_less_often_than_by_default() -> None:
    default = (700, 10, 10)
    for role in ("all", "web", "router"):
        young, middle, full = collector_thresholds(role)
        assert young >= 10 * default[0] and middle * full >= 10 * default[1] * default[2]


def test_start_up_objects_leave_the_collector_and_later_ones_stay_in_it() -> None:
    if not hasattr(gc, "get_freeze_count"):
        raise AssertionError("CPython's gc.freeze is what serving relies on")
    gc.unfreeze()
    try:
        freeze_startup()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the modules, classes and functions imported so far
        later = [[n] for n in range(5_000)]
        assert gc.get_freeze_count() == frozen and gc.is_tracked(later[0])
        gc.collect()
        assert gc.get_freeze_count() == frozen  # a full collection leaves the frozen ones alone
    finally:
        gc.unfreeze()
