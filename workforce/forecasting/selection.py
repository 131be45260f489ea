"""Automatic model choice by rolling-origin back-test, then the forecast with planner overrides.

Never trust a model's own fit statistic: on a few weeks of data an automatic ETS picks a
non-seasonal model, and in-sample errors favour whatever overfits. Each candidate instead
forecasts each of the last `origins` weeks from the history before it, and the one with the
lowest pooled WAPE over those weeks is refitted on the whole history. Ties go to the earlier
candidate, so list simpler models first.

A sparse queue (fewer contacts in its history than intervals) is the exception: most intervals hold
0 or 1 contacts, and which ones did last week is chance. The seasonal naive repeats that chance, a
whole agent on each of last week's contacts and none between, and WAPE favours it as often as not
(it wins about half of such back-tests by luck), so there it is scored but not chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workforce.forecasting.baselines import SeasonalMean, SeasonalNaive
from workforce.forecasting.holt_winters import HoltWinters
from workforce.forecasting.layout import (
    FloatArray,
    ForecastModel,
    SeasonalLayout,
    check_history,
    fill_missing,
)
from workforce.forecasting.overrides import Override, apply_overrides
from workforce.forecasting.profile import PooledProfile

DEFAULT_CANDIDATES: tuple[ForecastModel, ...] = (
    SeasonalNaive(),
    SeasonalMean(weeks=4),
    HoltWinters(),
    PooledProfile(weeks=8, decay=1.0),
    PooledProfile(weeks=8, decay=0.8, name="pooled_profile_recent"),
)


@dataclass(frozen=True, slots=True)
class BacktestScore:
    model: str
    wape: float
    origins: int


@dataclass(frozen=True, slots=True)
class Forecast:
    """values: the forecast after overrides; baseline: before them; scores: the back-test."""

    values: FloatArray
    baseline: FloatArray
    model: str
    scores: tuple[BacktestScore, ...]


def backtest(
    history: FloatArray,
    layout: SeasonalLayout,
    candidates: Sequence[ForecastModel] = DEFAULT_CANDIDATES,
    origins: int = 2,
) -> tuple[BacktestScore, ...]:
    """Pooled WAPE of each candidate over the last `origins` weeks, each forecast from the
    history before it; a candidate lacking history for an origin skips it (WAPE inf if all)."""
    y = fill_missing(check_history(history, layout, 1), layout)
    p = layout.period
    scores = []
    for model in candidates:
        error = actual = 0.0
        used = 0
        for k in range(1, origins + 1):
            cut = y.size - k * p
            if cut < model.min_weeks * p:
                continue
            truth = y[cut : cut + p]
            error += float(np.abs(model.forecast(y[:cut], p, layout) - truth).sum())
            actual += float(truth.sum())
            used += 1
        wape = error / actual if actual > 0 else (0.0 if used and error == 0 else float("inf"))
        scores.append(BacktestScore(model.name, wape, used))
    return tuple(scores)


def is_sparse(history: FloatArray, layout: SeasonalLayout) -> bool:
    """Fewer contacts than intervals over the whole history."""
    y = fill_missing(check_history(history, layout, 1), layout)
    return float(y.sum()) < y.size


def forecast_contacts(
    history: FloatArray,
    layout: SeasonalLayout,
    horizon: int | None = None,
    *,
    candidates: Sequence[ForecastModel] = DEFAULT_CANDIDATES,
    origins: int = 2,
    overrides: Sequence[Override] = (),
) -> Forecast:
    """Back-test the candidates, forecast `horizon` intervals (default one week) with the best,
    then apply the planner's overrides for special days."""
    if not candidates:
        raise ValueError("no candidate models")
    steps = layout.period if horizon is None else horizon
    scores = backtest(history, layout, candidates, origins)
    eligible = list(range(len(candidates)))
    if is_sparse(history, layout):
        eligible = [i for i in eligible if not isinstance(candidates[i], SeasonalNaive)] or eligible
    best = min(eligible, key=lambda i: (scores[i].wape, i))
    baseline = candidates[best].forecast(history, steps, layout)
    return Forecast(apply_overrides(baseline, overrides), baseline, candidates[best].name, scores)
