"""Forecast accuracy on a held-out period, beside the seasonal-naive baseline.

Definitions (shared metrics, "Planning"): WAPE = Σ|actual − forecast| / Σ actual; bias =
Σ(forecast − actual) / Σ actual (positive = over-forecast, i.e. overstaffing); MASE = mean
absolute error / mean absolute error of the seasonal naive (same interval one week earlier) over
the training history, the usual scaled error of Hyndman & Koehler. MAPE skips intervals with no
actual contacts, where it is undefined (nights would otherwise dominate it: prefer WAPE);
sMAPE = mean of 2|a − f| / (|a| + |f|), counting 0 where both are 0. A metric with a zero
denominator is NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ForecastScores:
    wape: float
    bias: float
    mase: float
    mape: float
    smape: float


@dataclass(frozen=True, slots=True)
class AccuracyReport:
    """The model's scores, the seasonal-naive baseline's on the same period, and WAPE model /
    baseline (below 1 means the model beats last week's figures)."""

    model: ForecastScores
    baseline: ForecastScores
    wape_ratio: float


def wape(actual: ArrayLike, forecast: ArrayLike) -> float:
    a, f = _pair(actual, forecast)
    return _ratio(float(np.abs(a - f).sum()), float(a.sum()))


def bias(actual: ArrayLike, forecast: ArrayLike) -> float:
    a, f = _pair(actual, forecast)
    return _ratio(float((f - a).sum()), float(a.sum()))


def mape(actual: ArrayLike, forecast: ArrayLike) -> float:
    a, f = _pair(actual, forecast)
    seen = a > 0
    return float(np.mean(np.abs(a[seen] - f[seen]) / a[seen])) if seen.any() else float("nan")


def smape(actual: ArrayLike, forecast: ArrayLike) -> float:
    a, f = _pair(actual, forecast)
    scale = np.abs(a) + np.abs(f)
    terms = np.divide(2 * np.abs(a - f), scale, out=np.zeros_like(scale), where=scale > 0)
    return float(terms.mean())


def mase(actual: ArrayLike, forecast: ArrayLike, history: ArrayLike, season: int) -> float:
    a, f = _pair(actual, forecast)
    y = np.asarray(history, dtype=np.float64)
    if season < 1 or y.size <= season:
        raise ValueError("the history must be longer than one season")
    scale = float(np.mean(np.abs(y[season:] - y[:-season])))
    return _ratio(float(np.mean(np.abs(a - f))), scale)


def seasonal_naive(history: ArrayLike, horizon: int, season: int) -> FloatArray:
    """The baseline forecast: the same interval one season (week) earlier, repeated."""
    y = np.asarray(history, dtype=np.float64)
    if y.size < season:
        raise ValueError("the history must hold one season")
    out: FloatArray = y[y.size - season + np.arange(horizon) % season]
    return out


def scores(actual: ArrayLike, forecast: ArrayLike, history: ArrayLike, season: int) -> ForecastScores:
    return ForecastScores(
        wape(actual, forecast),
        bias(actual, forecast),
        mase(actual, forecast, history, season),
        mape(actual, forecast),
        smape(actual, forecast),
    )


def accuracy_report(
    actual: ArrayLike, forecast: ArrayLike, history: ArrayLike, season: int
) -> AccuracyReport:
    """Scores of `forecast` for the period right after `history`, and of the seasonal naive."""
    a = np.asarray(actual, dtype=np.float64)
    model = scores(a, forecast, history, season)
    baseline = scores(a, seasonal_naive(history, a.size, season), history, season)
    return AccuracyReport(model, baseline, _ratio(model.wape, baseline.wape))


def _pair(actual: ArrayLike, forecast: ArrayLike) -> tuple[FloatArray, FloatArray]:
    a = np.asarray(actual, dtype=np.float64)
    f = np.asarray(forecast, dtype=np.float64)
    if a.shape != f.shape or a.ndim != 1:
        raise ValueError("actual and forecast must be 1-D arrays of the same length")
    return a, f


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator != 0 else float("nan")
