"""Today's queue figures for the supervisor's wallboard, per docs/metrics.md and docs/supervisor.md.

Entry points (one query each, timed by the benchmark): `today_figures` (offered, answered,
abandoned, service level, ASA, AHT and offers per interval, since midnight on each queue's clock),
`agents_by_queue` (agents by state among those who can take each queue's work), and `wallboard`,
which adds them to the live figures of `queries.dashboard` and judges each tile's colour.

"Today" is the queue's own day (`queue.timezone`). Today's figures read only today's rows of
`interaction_transition` through its `(queue_id, at)` index (a range from the earliest midnight of
the queues read), never the history: on a million interactions they cost what today costs. The
rows of each interaction are followed in order, as planning's history does (`planning/history.py`):
an offer is an entry into the queue (`to_state = 'queued'` from anything but `offered`: an offer
an agent let pass puts the contact back, it does not offer it again), it is answered by its first
move to `active` and abandoned by a move to `abandoned`, and its handle time is its time in
`active` and `wrap_up` until it leaves them for good.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from contact_center.domain.agents import Agent
from contact_center.domain.enums import InteractionState, Role
from contact_center.domain.interactions import InteractionTransition
from contact_center.domain.queues import Queue
from contact_center.domain.wallboard import judge
from contact_center.planning.weeks import local_midnight, zone
from contact_center.queries.dashboard import EVERYONE, agents_by_state, queue_figures
from contact_center.services.policy import DashboardView
from contact_center.storage.uow import UnitOfWork

#: docs/metrics.md: an abandon within this many seconds is counted but left out of service level.
SHORT_ABANDON_S = 5.0
QUEUED, OFFERED = InteractionState.QUEUED.value, InteractionState.OFFERED.value
ACTIVE, ABANDONED = InteractionState.ACTIVE.value, InteractionState.ABANDONED.value
HANDLING = frozenset({ACTIVE, InteractionState.WRAP_UP.value})
STATES = ("available", "busy", "wrap_up", "away", "offline")
TAKES_WORK = frozenset({Role.AGENT.value, Role.SUPERVISOR.value})


@dataclass(frozen=True, slots=True)
class TodayFigures:
    """One queue's day so far. Rates are None before their denominator is above zero."""

    queue_id: int
    day: str  # the queue's date, ISO
    timezone: str
    interval_minutes: int
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    answered_in_threshold: int = 0
    handled: int = 0
    wait_s: float = 0.0  # total wait of the answered
    handle_s: float = 0.0
    offered_by_interval: list[int] = field(default_factory=list)

    @property
    def service_level(self) -> float | None:
        counted = self.offered - self.short_abandoned
        return self.answered_in_threshold / counted if counted > 0 else None

    @property
    def asa_s(self) -> float | None:
        return self.wait_s / self.answered if self.answered else None

    @property
    def aht_s(self) -> float | None:
        return self.handle_s / self.handled if self.handled else None

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "service_level": self.service_level, "asa_s": self.asa_s, "aht_s": self.aht_s}


def queue_midnight(queue: Queue, now: datetime) -> tuple[date, datetime]:
    """The queue's date at `now` and the instant its day began (00:00 on its clock)."""
    day = now.astimezone(zone(queue.timezone)).date()
    return day, local_midnight(day, zone(queue.timezone))


class _Tally:
    """Counts for one queue while its rows are followed."""

    def __init__(self, queue: Queue, now: datetime) -> None:
        self.queue = queue
        self.day, self.midnight = queue_midnight(queue, now)
        self.tz = zone(queue.timezone)
        self.threshold_s = float(queue.sl_threshold_s)
        self.counts: dict[str, Any] = dict.fromkeys(
            ("offered", "answered", "abandoned", "short_abandoned", "answered_in_threshold", "handled"), 0
        )
        self.counts.update(wait_s=0.0, handle_s=0.0)
        self.per_interval = [0] * (24 * 60 // queue.interval_minutes)

    def offer(self, at: datetime) -> None:
        local = at.astimezone(self.tz)
        self.counts["offered"] += 1
        index = (local.hour * 60 + local.minute) // self.queue.interval_minutes
        self.per_interval[min(index, len(self.per_interval) - 1)] += 1

    def figures(self) -> TodayFigures:
        q = self.queue
        return TodayFigures(
            q.id or 0, self.day.isoformat(), q.timezone, q.interval_minutes,
            **self.counts, offered_by_interval=self.per_interval,
        )  # fmt: skip


async def today_figures(uow: UnitOfWork, queues: Sequence[Queue], now: datetime) -> dict[int, TodayFigures]:
    """Offered, answered, abandoned, service level, ASA, AHT and offers per interval today, for
    each of `queues` on its own clock (call inside an open unit of work)."""
    if not queues:
        return {}
    tallies = {q.id or 0: _Tally(q, now) for q in queues}
    since = min(t.midnight for t in tallies.values())
    t = InteractionTransition
    stmt = (
        select(col(t.interaction_id), col(t.from_state), col(t.to_state), col(t.at), col(t.queue_id))
        .where(col(t.queue_id).in_(sorted(tallies)), col(t.at) >= since)
        .order_by(col(t.interaction_id), col(t.at), col(t.id))
    )
    _follow(tallies, (await (await uow.connection()).execute(stmt)).all())
    return {queue_id: tally.figures() for queue_id, tally in tallies.items()}


def _follow(tallies: dict[int, _Tally], rows: Iterable[Any]) -> None:
    """Walk each interaction's rows in order and settle every offer made today."""
    current: int | None = None
    offer: tuple[_Tally, datetime] | None = None  # the tally and time of the offer being followed
    answered = handling_done = False
    handle, entered = 0.0, None

    def settle() -> None:
        if offer is not None and handling_done:
            offer[0].counts["handled"] += 1
            offer[0].counts["handle_s"] += handle

    for iid, from_state, to_state, at, queue_id in rows:
        source, target = _text(from_state), _text(to_state)
        if iid != current:
            settle()
            current, offer, answered, handling_done, handle, entered = iid, None, False, False, 0.0, None
        if entered is not None:
            handle += (at - entered).total_seconds()
            entered = None
        if source in HANDLING and target not in HANDLING and offer is not None:
            handling_done = True
        if target == QUEUED and source != OFFERED:
            settle()
            tally = tallies.get(queue_id)
            offer = (tally, at) if tally is not None and at >= tally.midnight else None
            answered, handling_done, handle = False, False, 0.0
            if offer is not None:
                offer[0].offer(at)
            continue
        if offer is None:
            continue
        tally, offered_at = offer
        wait = (at - offered_at).total_seconds()
        if target == ACTIVE and not answered:
            answered = True
            tally.counts["answered"] += 1
            tally.counts["wait_s"] += wait
            tally.counts["answered_in_threshold"] += wait <= tally.threshold_s
        elif target == ABANDONED and not answered:
            tally.counts["abandoned"] += 1
            tally.counts["short_abandoned"] += wait < SHORT_ABANDON_S
        if target in HANDLING:
            entered = at
    settle()


def _text(value: Any) -> str:
    return str(getattr(value, "value", value))


async def agents_by_queue(uow: UnitOfWork, queues: Sequence[Queue]) -> dict[int, dict[str, int]]:
    """Agents by state (docs/metrics.md) among the active agents and supervisors who hold every
    skill a queue requires at its level; one agent may count in several queues."""
    handling = {agent_id for agent_id, _channel in await uow.interactions.handling()}
    stmt = select(col(Agent.id), col(Agent.presence), col(Agent.skills), col(Agent.role)).where(
        col(Agent.is_active).is_(True)
    )
    agents = [
        row for row in (await (await uow.connection()).execute(stmt)).all() if _text(row[3]) in TAKES_WORK
    ]
    out: dict[int, dict[str, int]] = {}
    for queue in queues:
        counts = dict.fromkeys(STATES, 0)
        for agent_id, presence, skills, _role in agents:
            if all((skills or {}).get(skill, -1) >= level for skill, level in queue.required_skills.items()):
                state = _text(presence)
                counts["busy" if state == "available" and agent_id in handling else state] += 1
        out[queue.id or 0] = counts
    return out


def _overall(today: Iterable[TodayFigures]) -> dict[str, Any]:
    """The view's queues together: sums of counts, rates recomputed from the sums."""
    keys = ("offered", "answered", "abandoned", "short_abandoned", "answered_in_threshold", "handled")
    sums: dict[str, Any] = dict.fromkeys(keys, 0)
    sums.update(wait_s=0.0, handle_s=0.0)
    for figures in today:
        for key in sums:
            sums[key] += getattr(figures, key)
    total = TodayFigures(0, "", "", 0, **sums)
    doc = total.as_json()
    for key in ("queue_id", "day", "timezone", "interval_minutes", "offered_by_interval"):
        doc.pop(key)
    return doc


def _alert(tile: dict[str, Any]) -> dict[str, Any]:
    red = [b for b in tile["breaches"] if b["level"] == "red"]
    return {"queue_id": tile["queue_id"], "name": tile["name"], "breaches": red}


async def wallboard(uow: UnitOfWork, view: DashboardView = EVERYONE) -> dict[str, Any]:
    """Every tile of the wallboard for one view, JSON-ready, read in one unit of work: per queue and
    overall, live and today's figures, agents by state, and each tile's colour with its reasons."""
    async with uow:
        now = uow.now()
        queues = [q for q in await uow.queues.list() if view.team is None or q.team == view.team]
        live = {f.queue_id: f for f in await queue_figures(uow, now, team=view.team)}
        today = await today_figures(uow, queues, now)
        agents = await agents_by_queue(uow, queues)
        overall_agents = await agents_by_state(uow, team=view.team)
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
                "agents": agents[qid],
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
            "today": _overall(today.values()),
            "agents": overall_agents,
        },
        "alerts": [_alert(t) for t in tiles if t["level"] == "red"],
    }
