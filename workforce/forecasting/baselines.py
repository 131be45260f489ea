"""Baseline forecasts every other model must beat: the same interval last week (seasonal naive)
and the mean of the same interval over the last k weeks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workforce.forecasting.layout import FloatArray, SeasonalLayout, check_history, fill_missing, last_weeks


def repeat_week(week: FloatArray, horizon: int) -> FloatArray:
    """Continue a one-week pattern (column j = offset j) over `horizon` intervals."""
    out: FloatArray = week[np.arange(horizon) % week.size]
    return out


@dataclass(frozen=True, slots=True)
class SeasonalNaive:
    """Same interval one week earlier: the MASE scale and the baseline of the accuracy report."""

    name: str = "seasonal_naive"
    min_weeks: int = 1

    def forecast(self, history: FloatArray, horizon: int, layout: SeasonalLayout) -> FloatArray:
        y = fill_missing(check_history(history, layout, 1), layout)
        return repeat_week(last_weeks(y, layout, 1)[0], horizon)


@dataclass(frozen=True, slots=True)
class SeasonalMean:
    """Mean of the same interval over the last `weeks` weeks (fewer if the history is shorter)."""

    weeks: int = 4
    name: str = "seasonal_mean"
    min_weeks: int = 1

    def __post_init__(self) -> None:
        if self.weeks < 1:
            raise ValueError("weeks must be >= 1")

    def forecast(self, history: FloatArray, horizon: int, layout: SeasonalLayout) -> FloatArray:
        y = fill_missing(check_history(history, layout, 1), layout)
        weeks = min(self.weeks, y.size // layout.period)
        return repeat_week(last_weeks(y, layout, weeks).mean(axis=0), horizon)
