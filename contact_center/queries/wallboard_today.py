"""Today's figures per queue (docs/metrics.md), counted by the database from today's transitions.

An offer is an entry into a queue (`to_state = 'queued'` from anything but `offered`: a contact
an agent let pass goes back, it is not offered again), counted on the day and in the interval of
the queue's clock it entered. It is answered by its first move from waiting (`queued`, `offered`)
to `active`, abandoned by a move to `abandoned`; its wait runs from the entry to that move. Its
handle time is its time in `active` and `wrap_up`, counted once the handling has ended (closed,
pending, transferred): an offer still in handling adds none yet.

One statement does it, whatever the history: it reads today's rows of `interaction_transition`
through an index covering them (from the earliest midnight of the queues read to now), gives each row
its offer with window functions (the latest entry before it, per interaction), folds the rows into
one per offer and those into one per queue and quarter of an hour (UTC). A few hundred rows come
back however busy the day; Python drops the quarters before each queue's own midnight and places
the rest in the queue's wall-clock intervals (every zone's midnight falls on a UTC quarter).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, literal_column, select
from sqlalchemy.sql import ColumnElement

from contact_center.domain.enums import InteractionState
from contact_center.domain.queues import Queue
from contact_center.planning.weeks import local_midnight, zone
from contact_center.settings import SlFormula
from contact_center.storage.tables import QUEUE, TRANSITION
from contact_center.storage.uow import UnitOfWork

#: docs/metrics.md: an abandon within this many seconds is counted but left out of service level.
SHORT_ABANDON_S = 5.0
QUARTER_S = 900
#: Float seconds from the database's date arithmetic are compared with this much slack.
EPSILON_S = 0.001
WAITING = (InteractionState.QUEUED.value, InteractionState.OFFERED.value)
HANDLING = (InteractionState.ACTIVE.value, InteractionState.WRAP_UP.value)


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
    #: What the service level divides by (`Settings.service_level_formula`, docs/metrics.md):
    #: "offered" (offered less short abandons) or "answered".
    formula: SlFormula = "offered"

    @property
    def service_level(self) -> float | None:
        counted = self.answered if self.formula == "answered" else self.offered - self.short_abandoned
        return self.answered_in_threshold / counted if counted > 0 else None

    @property
    def asa_s(self) -> float | None:
        return self.wait_s / self.answered if self.answered else None

    @property
    def aht_s(self) -> float | None:
        return self.handle_s / self.handled if self.handled else None

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "service_level": self.service_level, "asa_s": self.asa_s, "aht_s": self.aht_s}


COUNTS = ("offered", "answered", "abandoned", "short_abandoned", "answered_in_threshold", "handled")
SUMS = ("wait_s", "handle_s")


def queue_midnight(queue: Queue, now: datetime) -> tuple[date, datetime]:
    """The queue's date at `now` and the instant its day began (00:00 on its clock)."""
    day = now.astimezone(zone(queue.timezone)).date()
    return day, local_midnight(day, zone(queue.timezone))


def _seconds(dialect: str, later: Any, earlier: Any) -> ColumnElement[Any]:
    """Seconds from `earlier` to `later`, to the millisecond (SQLite's julianday) or exact."""
    if dialect == "sqlite":
        return func.round((func.julianday(later) - func.julianday(earlier)) * 86400.0, 3)
    return func.extract("epoch", later - earlier)


def _quarter(dialect: str, at: Any) -> ColumnElement[Any]:
    """The UTC quarter hour `at` falls in: seconds since 1970 // 900."""
    quarter: ColumnElement[Any] = literal_column(str(QUARTER_S), Integer)
    if dialect == "sqlite":
        return cast(func.strftime("%s", at), Integer) // quarter
    return cast(func.floor(func.extract("epoch", at) / quarter), Integer)


def _statement(dialect: str, queue_ids: list[int], since: datetime, until: datetime) -> Any:
    """Dates are compared and ordered as stored (fixed-width text on SQLite) and turned into
    seconds only where a wait or a handling ends: most rows cost no date arithmetic."""
    t = TRANSITION.c
    entry = and_(t.to_state == InteractionState.QUEUED.value, t.from_state != InteractionState.OFFERED.value)
    # The transitions of one interaction are written one after another (its row is locked, or
    # SQLite's one writer), so their ids are in time order: sorting by the integer is far cheaper.
    order = (t.id,)
    rows = (
        select(
            t.interaction_id,
            t.queue_id,
            t.from_state,
            t.to_state,
            t.at,
            func.lag(t.at).over(partition_by=t.interaction_id, order_by=order).label("prev_at"),
            func.max(case((entry, t.at)))
            .over(partition_by=t.interaction_id, order_by=order, rows=(None, 0))
            .label("offer_at"),
        )
        .where(t.queue_id.in_(queue_ids), t.at >= since, t.at <= until)
        .subquery("today_rows")
    )
    r = rows.c
    wait = _seconds(dialect, r.at, r.offer_at)
    answer = and_(r.to_state == InteractionState.ACTIVE.value, r.from_state.in_(WAITING))
    abandon = r.to_state == InteractionState.ABANDONED.value
    in_handling = r.from_state.in_(HANDLING)
    offers = (
        select(
            r.queue_id,
            _quarter(dialect, r.offer_at).label("quarter"),
            func.min(case((answer, wait))).label("answer_wait"),
            func.min(case((abandon, wait))).label("abandon_wait"),
            func.sum(case((in_handling, _seconds(dialect, r.at, r.prev_at)), else_=0)).label("handle_s"),
            func.max(case((and_(in_handling, r.to_state.not_in(HANDLING)), 1), else_=0)).label("handled"),
        )
        .where(r.offer_at.is_not(None))
        .group_by(r.interaction_id, r.offer_at, r.queue_id)
        .subquery("offers")
    )
    o = offers.c
    threshold = QUEUE.c.sl_threshold_s + EPSILON_S
    answered = o.answer_wait.is_not(None)
    abandoned = and_(o.answer_wait.is_(None), o.abandon_wait.is_not(None))
    return (
        select(
            o.queue_id,
            o.quarter,
            func.count().label("offered"),
            func.sum(case((answered, 1), else_=0)).label("answered"),
            func.sum(case((abandoned, 1), else_=0)).label("abandoned"),
            func.sum(case((and_(abandoned, o.abandon_wait < SHORT_ABANDON_S - EPSILON_S), 1), else_=0)).label(
                "short_abandoned"
            ),
            func.sum(case((and_(answered, o.answer_wait <= threshold), 1), else_=0)).label("in_threshold"),
            func.sum(o.handled).label("handled"),
            func.sum(case((answered, o.answer_wait), else_=0)).label("wait_s"),
            func.sum(case((o.handled == 1, o.handle_s), else_=0)).label("handle_s"),
        )
        .join(QUEUE, QUEUE.c.id == o.queue_id)
        .group_by(o.queue_id, o.quarter)
    )


async def today_figures(
    uow: UnitOfWork, queues: Sequence[Queue], now: datetime, formula: SlFormula = "offered"
) -> dict[int, TodayFigures]:
    """Offered, answered, abandoned, service level (by `formula`), ASA, AHT and offers per
    interval today, for each of `queues` on its own clock (call inside an open unit of work)."""
    if not queues:
        return {}
    days = {q.id or 0: queue_midnight(q, now) for q in queues}
    since = min(midnight for _day, midnight in days.values())
    conn = await uow.connection()
    stmt = _statement(conn.dialect.name, sorted(days), since, now)
    totals = {qid: dict.fromkeys((*COUNTS, *SUMS), 0) for qid in days}
    intervals = {q.id or 0: [0] * (24 * 60 // q.interval_minutes) for q in queues}
    by_id = {q.id or 0: q for q in queues}
    for queue_id, quarter, *values in (await conn.execute(stmt)).all():
        start = datetime.fromtimestamp(int(quarter) * QUARTER_S, UTC)
        if start < days[queue_id][1]:
            continue  # before the queue's own midnight
        for key, value in zip((*COUNTS, *SUMS), values, strict=True):
            totals[queue_id][key] += value or 0
        queue = by_id[queue_id]
        local = start.astimezone(zone(queue.timezone))
        index = (local.hour * 60 + local.minute) // queue.interval_minutes
        per_day = intervals[queue_id]
        per_day[min(index, len(per_day) - 1)] += int(values[0])
    return {qid: _figures(by_id[qid], days[qid][0], totals[qid], intervals[qid], formula) for qid in days}


def _figures(
    queue: Queue, day: date, totals: dict[str, Any], intervals: list[int], formula: SlFormula
) -> TodayFigures:
    return TodayFigures(
        queue.id or 0,
        day.isoformat(),
        queue.timezone,
        queue.interval_minutes,
        offered=int(totals["offered"]),
        answered=int(totals["answered"]),
        abandoned=int(totals["abandoned"]),
        short_abandoned=int(totals["short_abandoned"]),
        answered_in_threshold=int(totals["answered_in_threshold"]),
        handled=int(totals["handled"]),
        wait_s=float(totals["wait_s"]),
        handle_s=float(totals["handle_s"]),
        offered_by_interval=intervals,
        formula=formula,
    )
