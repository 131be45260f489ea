"""Where each interval of a history sits in the day and the week, and the model interface.

A history is a 1-D array of counts per interval (15 or 30 minutes), oldest first. Its first value
sits at `start_phase` of the week (0 = first interval of the first day of the week, in the queue's
time zone), so a model can tell Monday 09:00 from Sunday 09:00 without reading a clock. A forecast
continues right after the last value. NaN marks an interval to ignore (a holiday, an outage):
`fill_missing` replaces it by the mean of the same interval in the other weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class SeasonalLayout:
    intervals_per_day: int = 48
    days_per_week: int = 7
    start_phase: int = 0

    def __post_init__(self) -> None:
        if self.intervals_per_day < 1 or self.days_per_week < 1:
            raise ValueError("intervals_per_day and days_per_week must be >= 1")
        if not 0 <= self.start_phase < self.period:
            raise ValueError("start_phase must be within one week")

    @property
    def period(self) -> int:
        """Intervals per week."""
        return self.intervals_per_day * self.days_per_week

    def phases(self, start: int, count: int) -> NDArray[np.int64]:
        """Phase in the week of positions start .. start + count − 1 of the history."""
        return (self.start_phase + start + np.arange(count, dtype=np.int64)) % self.period


class ForecastModel(Protocol):
    """A forecasting method: fitted on a history, returns `horizon` values following it."""

    @property
    def name(self) -> str: ...

    @property
    def min_weeks(self) -> int: ...

    def forecast(self, history: FloatArray, horizon: int, layout: SeasonalLayout) -> FloatArray: ...


def check_history(history: FloatArray, layout: SeasonalLayout, weeks: int) -> FloatArray:
    """The history as float64, checked: 1-D, non-negative, at least `weeks` whole weeks."""
    y = np.asarray(history, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError("history must be one-dimensional")
    if y.size < weeks * layout.period:
        raise ValueError(f"need at least {weeks} week(s) of history")
    if np.any(y[~np.isnan(y)] < 0) or np.any(np.isinf(y)):
        raise ValueError("history must be finite and >= 0 (NaN marks an ignored interval)")
    return y


def last_weeks(history: FloatArray, layout: SeasonalLayout, weeks: int) -> FloatArray:
    """The last `weeks` whole weeks as a (weeks, period) array; column j continues the history at
    offsets h ≡ j (mod period), so a forecast for offset h reads column h % period."""
    p = layout.period
    return np.asarray(history[history.size - weeks * p :], dtype=np.float64).reshape(weeks, p)


def fill_missing(history: FloatArray, layout: SeasonalLayout) -> FloatArray:
    """Replace NaN by the mean of the same phase in the other weeks (0 if there is none)."""
    y = np.asarray(history, dtype=np.float64).copy()
    gaps = np.isnan(y)
    if not gaps.any():
        return y
    phase = layout.phases(0, y.size)
    sums = np.bincount(phase[~gaps], weights=y[~gaps], minlength=layout.period)
    counts = np.bincount(phase[~gaps], minlength=layout.period)
    means = np.divide(sums, counts, out=np.zeros(layout.period), where=counts > 0)
    y[gaps] = means[phase[gaps]]
    return y


def day_slot_order(history_size: int, weeks: int, layout: SeasonalLayout) -> NDArray[np.int64]:
    """Phase of each column of last_weeks(...): reorders columns into (day, slot) order."""
    return layout.phases(history_size - weeks * layout.period, layout.period)
