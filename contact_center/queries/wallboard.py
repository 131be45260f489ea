"""The supervisor's wallboard, per docs/metrics.md and docs/supervisor.md.

Entry points (one query each, timed by the benchmark): `queries.wallboard_today.today_figures`
(offered, answered, abandoned, service level, ASA, AHT and offers per interval, since midnight on
each queue's clock), `agents_by_queue` (agents by state among those who can take each queue's
work), `queries.dashboard.queue_figures` (waiting and longest wait now) and `wallboard`, all of
them for one view with each tile's colour and reasons (`domain.wallboard.judge`).
`console_figures` is what the console's hub pushes: the wallboard and the dashboard's lists from
one read of what they share, today's counts kept for a moment (`TodayCache`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from contact_center.domain.queues import Queue
from contact_center.domain.wallboard import judge
from contact_center.queries.dashboard import EVERYONE, QueueFigures, dashboard_from, queue_figures
from contact_center.queries.floor import Floor, floor
from contact_center.queries.wallboard_today import COUNTS, SUMS, TodayFigures, today_figures
from contact_center.services.policy import DashboardView
from contact_center.settings import SlFormula
from contact_center.storage.uow import UnitOfWork

__all__ = ["TodayCache", "agents_by_queue", "console_figures", "today_figures", "wallboard"]


async def agents_by_queue(uow: UnitOfWork, queues: Sequence[Queue]) -> dict[int, dict[str, int]]:
    """Agents by state (docs/metrics.md) among the active agents and supervisors who hold every
    skill a queue requires at its level; one agent may count in several queues."""
    return (await floor(uow)).by_queue(queues)


def _overall(today: Iterable[TodayFigures], formula: SlFormula) -> dict[str, Any]:
    """The view's queues together: sums of counts, rates recomputed from the sums."""
    sums: dict[str, Any] = dict.fromkeys(COUNTS, 0) | dict.fromkeys(SUMS, 0.0)
    for figures in today:
        for key in sums:
            sums[key] += getattr(figures, key)
    total = TodayFigures(0, "", "", 0, **sums, formula=formula)
    doc = total.as_json()
    for key in ("queue_id", "day", "timezone", "interval_minutes", "offered_by_interval", "formula"):
        doc.pop(key)
    return doc


def today_formula(today: Iterable[TodayFigures]) -> SlFormula:
    """The formula the queues' figures were read with (all alike; the default when none)."""
    return next((f.formula for f in today), "offered")


def _alert(tile: dict[str, Any]) -> dict[str, Any]:
    red = [b for b in tile["breaches"] if b["level"] == "red"]
    return {"queue_id": tile["queue_id"], "name": tile["name"], "breaches": red}


class TodayCache:
    """Today's figures per view, kept for a moment. The live figures (waiting, longest wait, agents)
    are cheap and read for every push; today's counts read every transition since midnight, and
    at 200 events a second re-reading them for each push was most of the hub's time (bench/
    console_fanout.py), so a push within `max_age_s` of the last read reuses it."""

    def __init__(self, max_age_s: float = 1.0, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.max_age_s = max_age_s
        self._monotonic = monotonic
        self._kept: dict[DashboardView, tuple[float, str, dict[int, TodayFigures]]] = {}
        #: Views last pushed with kept figures: events since their read may be missing from them,
        #: so the hub pushes again once those expire (`owes_refresh`).
        self._reused: set[DashboardView] = set()

    @property
    def owes_refresh(self) -> bool:
        return bool(self._reused)

    def get(
        self, view: DashboardView, queues: Sequence[Queue], now: datetime
    ) -> dict[int, TodayFigures] | None:
        kept = self._kept.get(view)
        if kept is None:
            return None
        at, day, figures = kept
        fresh = self._monotonic() - at < self.max_age_s and day == now.date().isoformat()
        if fresh and all((q.id or 0) in figures for q in queues):
            self._reused.add(view)
            return figures
        return None

    def put(self, view: DashboardView, figures: Mapping[int, TodayFigures], now: datetime) -> None:
        self._kept[view] = (self._monotonic(), now.date().isoformat(), dict(figures))
        self._reused.discard(view)

    def forget(self) -> None:
        """After a queue changed (its limits, its team, a new queue): read again at the next push."""
        self._kept.clear()
        self._reused.clear()


async def wallboard(
    uow: UnitOfWork,
    view: DashboardView = EVERYONE,
    *,
    today_cache: TodayCache | None = None,
    formula: SlFormula = "offered",
) -> dict[str, Any]:
    """Every tile of the wallboard for one view, JSON-ready, read in one unit of work: per queue and
    overall, live and today's figures, agents by state, and each tile's colour with its reasons.
    With `today_cache`, today's figures may be up to its `max_age_s` old; the rest is read now."""
    async with uow:
        now = uow.now()
        queues = [q for q in await uow.queues.list() if view.team is None or q.team == view.team]
        live = await queue_figures(uow, now, team=view.team, queues=queues)
        return await wallboard_from(uow, view, now, queues, live, await floor(uow), today_cache, formula)


async def wallboard_from(
    uow: UnitOfWork,
    view: DashboardView,
    now: datetime,
    queues: Sequence[Queue],
    live_figures: Sequence[QueueFigures],
    agents: Floor,
    today_cache: TodayCache | None = None,
    formula: SlFormula = "offered",
) -> dict[str, Any]:
    """`wallboard` from the view's queues, live figures and agents already read (the console
    reads them once for this and its lists); reads today's figures unless kept (inside an open
    unit of work)."""
    today = today_cache.get(view, queues, now) if today_cache is not None else None
    if today is None:
        today = await today_figures(uow, queues, now, formula)
        if today_cache is not None:
            today_cache.put(view, today, now)
    return board_payload(view, now, queues, live_figures, agents, today)


def board_payload(
    view: DashboardView,
    now: datetime,
    queues: Sequence[Queue],
    live_figures: Sequence[QueueFigures],
    agents: Floor,
    today: Mapping[int, TodayFigures],
) -> dict[str, Any]:
    """The wallboard's JSON from figures in hand: tiles with their colours, the overall tile and
    the alerts (the console's hub keeps today's figures between its reads)."""
    live = {f.queue_id: f for f in live_figures}
    per_queue = agents.by_queue(queues)
    tiles: list[dict[str, Any]] = []
    for queue in queues:
        qid = queue.id or 0
        waiting = live[qid].waiting if qid in live else 0
        longest = live[qid].longest_wait_s if qid in live else 0.0
        figures = today[qid]
        verdict = judge(
            queue.alert_thresholds,
            {"waiting": waiting, "longest_wait_s": longest, "service_level": figures.service_level},
        )
        tiles.append(
            {
                "queue_id": qid,
                "name": queue.name,
                "channels": list(queue.channels),
                "sl_target": queue.sl_target,
                "sl_threshold_s": queue.sl_threshold_s,
                "waiting": waiting,
                "longest_wait_s": longest,
                "today": figures.as_json(),
                "agents": per_queue[qid],
                "level": verdict.level.word,
                "breaches": [
                    {"figure": b.figure, "level": b.level.word, "value": b.value, "limit": b.limit}
                    for b in verdict.breaches
                ],
            }
        )
    return {
        "at": now.isoformat(),
        "queues": tiles,
        "overall": {
            "waiting": sum(t["waiting"] for t in tiles),
            "longest_wait_s": max((t["longest_wait_s"] for t in tiles), default=0.0),
            "today": _overall(today.values(), today_formula(today.values())),
            "agents": agents.by_state(view.team),
        },
        "alerts": [_alert(t) for t in tiles if t["level"] == "red"],
    }


async def console_figures(
    uow: UnitOfWork,
    view: DashboardView = EVERYONE,
    *,
    today_cache: TodayCache | None = None,
    formula: SlFormula = "offered",
) -> dict[str, Any]:
    """What one push of the supervisor's console carries: `dashboard`'s lists with the wallboard
    under "wallboard", from one read of the queues, their live figures and the agents."""
    async with uow:
        now = uow.now()
        queues = [q for q in await uow.queues.list() if view.team is None or q.team == view.team]
        live = await queue_figures(uow, now, team=view.team, queues=queues)
        agents = await floor(uow)
        data = await dashboard_from(uow, view, now, live, agents)
        data["wallboard"] = await wallboard_from(uow, view, now, queues, live, agents, today_cache, formula)
        return data
