"""Forecast one week of a queue per channel (contacts and AHT), and score a held-out week.

The history is the `weeks` whole weeks (Monday to Sunday, queue time zone) before the current
week, or before the target week when that is already over; weeks before the queue's first contact
are dropped, as they are not zero traffic but no data. Between the history and the target week
there may be a gap (the current week, not yet complete): the forecast runs over the gap and the
target week is its last week. Contacts come from workforce.forecasting.forecast_contacts (model
chosen by rolling-origin back-test), AHT from forecast_aht; then the planner's overrides apply.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from contact_center.domain.errors import UnprocessableError
from contact_center.domain.planning import ForecastOverride
from contact_center.domain.queues import Queue
from contact_center.planning.history import FloatArray, QueueHistory, load_history
from contact_center.planning.overrides import apply_overrides, list_overrides
from contact_center.planning.weeks import WeekGrid, current_monday, monday_of, zone
from contact_center.storage.uow import UnitOfWork
from workforce.accuracy import AccuracyReport, accuracy_report
from workforce.forecasting import BacktestScore, forecast_aht, forecast_contacts

DEFAULT_WEEKS = 8
# Handle time assumed for a channel with no handled contacts yet (seconds).
DEFAULT_AHT_S = {"voice": 240.0, "chat": 420.0, "email": 360.0, "sms": 180.0}


@dataclass(frozen=True, slots=True)
class ChannelForecast:
    contacts: FloatArray  # after overrides
    baseline: FloatArray  # the model's, before overrides
    aht_s: FloatArray
    model: str
    scores: tuple[BacktestScore, ...]


@dataclass(frozen=True, slots=True)
class WeekForecast:
    queue: Queue
    grid: WeekGrid  # the target week
    history_weeks: int
    channels: dict[str, ChannelForecast]
    actual: FloatArray | None  # offered contacts, when the week is over
    history: FloatArray  # total offered per interval over the history weeks used

    def total(self) -> FloatArray:
        return sum((c.contacts for c in self.channels.values()), np.zeros(self.grid.size))

    def baseline(self) -> FloatArray:
        return sum((c.baseline for c in self.channels.values()), np.zeros(self.grid.size))

    def aht(self) -> FloatArray:
        """Contact-weighted AHT per interval over the channels (the plain mean where none)."""
        contacts = self.total()
        work = sum((c.contacts * c.aht_s for c in self.channels.values()), np.zeros(self.grid.size))
        plain = np.mean([c.aht_s for c in self.channels.values()], axis=0)
        return np.divide(work, contacts, out=np.asarray(plain, dtype=np.float64), where=contacts > 0)


def week_grid(queue: Queue, first_day: date, weeks: int = 1) -> WeekGrid:
    return WeekGrid(zone(queue.timezone), queue.interval_minutes, monday_of(first_day), weeks)


@dataclass(frozen=True, slots=True)
class ForecastInputs:
    """The rows a week's forecast needs, read in one unit of work and computed on outside it."""

    queue: Queue
    target: WeekGrid
    gap: int  # whole weeks between the history and the target week
    history: QueueHistory
    actual: FloatArray | None
    overrides: tuple[ForecastOverride, ...] | None  # None: the model's forecast alone


async def forecast_inputs(
    uow: UnitOfWork,
    queue: Queue,
    week_start: date,
    *,
    weeks: int = DEFAULT_WEEKS,
    with_overrides: bool = True,
) -> ForecastInputs:
    """Read what the forecast of the week of `week_start` needs (inside an open unit of work)."""
    target = week_grid(queue, week_start)
    this_monday = current_monday(uow.now(), target.tz)
    history_end = min(target.first_day, this_monday)
    gap = (target.first_day - history_end).days // 7
    history = await load_history(
        uow, queue.id or 0, target.shifted(history_end - timedelta(weeks=weeks), weeks)
    )
    actual = None
    if target.end_day <= this_monday:
        actual = (await load_history(uow, queue.id or 0, target)).total()
    overrides = None
    if with_overrides:
        found = await list_overrides(uow, queue.id or 0, start=target.start_utc, end=target.end_utc)
        overrides = tuple(found)
    return ForecastInputs(queue, target, gap, history, actual, overrides)


def compute_forecast(inputs: ForecastInputs) -> WeekForecast:
    """The forecast itself: CPU only (model selection by back-test), so callers run it in a thread."""
    history, target, gap = _trim(inputs.history), inputs.target, inputs.gap
    horizon = (gap + 1) * target.period
    channels: dict[str, ChannelForecast] = {}
    for name in history.channels:
        made = forecast_contacts(history.offered[name], history.grid.layout, horizon)
        handled = history.handled[name]
        if handled.sum() > 0:
            aht = forecast_aht(handled, np.nan_to_num(history.aht(name)), history.grid.layout, horizon)
        else:
            aht = np.full(horizon, DEFAULT_AHT_S.get(name, 300.0))
        week = slice(gap * target.period, horizon)
        channels[name] = ChannelForecast(
            made.values[week], made.baseline[week], aht[week], made.model, made.scores
        )
    if inputs.overrides is not None:
        adjusted = apply_overrides(target, {n: c.contacts for n, c in channels.items()}, inputs.overrides)
        channels = {
            n: ChannelForecast(adjusted[n], c.baseline, c.aht_s, c.model, c.scores)
            for n, c in channels.items()
        }
    return WeekForecast(inputs.queue, target, history.grid.weeks, channels, inputs.actual, history.total())


async def forecast_week(
    uow: UnitOfWork,
    queue: Queue,
    week_start: date,
    *,
    weeks: int = DEFAULT_WEEKS,
    with_overrides: bool = True,
) -> WeekForecast:
    """Forecast the week starting on the Monday of `week_start` (inside an open unit of work; the
    computation runs in a worker thread)."""
    inputs = await forecast_inputs(uow, queue, week_start, weeks=weeks, with_overrides=with_overrides)
    return await asyncio.to_thread(compute_forecast, inputs)


def _trim(history: QueueHistory) -> QueueHistory:
    """Drop whole weeks before the first contact; at least one week must remain."""
    total = history.total().reshape(history.grid.weeks, history.grid.period).sum(axis=1)
    seen = np.flatnonzero(total > 0)
    if seen.size == 0:
        raise UnprocessableError(
            "this queue has no offered contacts in the history weeks: nothing to forecast"
        )
    first = int(seen[0])
    if first == 0:
        return history
    p = history.grid.period
    grid = history.grid.shifted(history.grid.first_day + timedelta(weeks=first), history.grid.weeks - first)
    cut = first * p
    return QueueHistory(
        grid,
        {k: v[cut:] for k, v in history.offered.items()},
        {k: v[cut:] for k, v in history.handled.items()},
        {k: v[cut:] for k, v in history.handle_s.items()},
    )


@dataclass(frozen=True, slots=True)
class HeldOut:
    forecast: WeekForecast
    report: AccuracyReport


def held_out_week(uow: UnitOfWork, queue: Queue, week_start: date | None = None) -> date:
    """The week the accuracy is scored on: the last complete one, unless another is asked for."""
    tz = zone(queue.timezone)
    return monday_of(week_start) if week_start else current_monday(uow.now(), tz) - timedelta(weeks=1)


def compute_held_out(inputs: ForecastInputs) -> HeldOut | None:
    """Forecast the held-out week from the weeks before it and score it against what came (WAPE,
    bias, MASE beside the seasonal naive); None without two weeks of history before it."""
    try:
        made = compute_forecast(inputs)
    except UnprocessableError:
        return None
    if made.actual is None or made.history_weeks < 2:
        return None
    report = accuracy_report(made.actual, made.total(), made.history, made.grid.period)
    return HeldOut(made, report)


async def held_out_accuracy(
    uow: UnitOfWork, queue: Queue, *, weeks: int = DEFAULT_WEEKS, week_start: date | None = None
) -> HeldOut | None:
    """compute_held_out over the rows read here (inside an open unit of work)."""
    held = held_out_week(uow, queue, week_start)
    inputs = await forecast_inputs(uow, queue, held, weeks=weeks, with_overrides=False)
    return await asyncio.to_thread(compute_held_out, inputs)
