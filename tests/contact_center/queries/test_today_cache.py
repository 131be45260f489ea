"""The hub's short memory of today's counts (`queries.wallboard.TodayCache`): reused only while
fresh, for the same day and the same queues, and a reuse owes a fresh read afterwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contact_center.domain.queues import Queue
from contact_center.queries.wallboard import TodayCache
from contact_center.queries.wallboard_today import TodayFigures
from contact_center.services.policy import DashboardView

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
NORTH = DashboardView(team="north")


def figures(*queue_ids: int) -> dict[int, TodayFigures]:
    return {q: TodayFigures(q, NOW.date().isoformat(), "UTC", 30, offered=q) for q in queue_ids}


def test_kept_figures_are_reused_while_fresh_and_then_owe_a_fresh_read() -> None:
    seconds = [100.0]
    cache = TodayCache(max_age_s=0.2, monotonic=lambda: seconds[0])
    queues = [Queue(id=1, name="a"), Queue(id=2, name="b")]
    assert cache.get(NORTH, queues, NOW) is None
    cache.put(NORTH, figures(1, 2), NOW)
    assert not cache.owes_refresh
    assert cache.get(NORTH, queues, NOW) == figures(1, 2)
    assert cache.owes_refresh  # pushed with kept figures: events since may be missing
    assert cache.get(DashboardView(team="south"), queues, NOW) is None
    seconds[0] += 0.19
    assert cache.get(NORTH, queues, NOW) == figures(1, 2)
    seconds[0] += 0.02
    assert cache.get(NORTH, queues, NOW) is None
    cache.put(NORTH, figures(1, 2), NOW)
    assert not cache.owes_refresh


def test_a_new_queue_a_new_day_or_a_queue_change_read_afresh() -> None:
    cache = TodayCache(max_age_s=60)
    cache.put(NORTH, figures(1), NOW)
    assert cache.get(NORTH, [Queue(id=1, name="a"), Queue(id=3, name="c")], NOW) is None
    assert cache.get(NORTH, [Queue(id=1, name="a")], NOW + timedelta(days=1)) is None
    assert cache.get(NORTH, [Queue(id=1, name="a")], NOW) is not None
    cache.forget()
    assert cache.get(NORTH, [Queue(id=1, name="a")], NOW) is None
    assert not cache.owes_refresh
