"""Pooled weekly profile: the multi-seasonal model chosen for accuracy with few weeks of history.

Averaging each (day, interval) cell over the last weeks uses only 4–8 observations per cell, and
their Poisson noise goes straight into the forecast. Most of a week's shape is shared: a
time-of-day profile common to the days, scaled by a day-of-week level. So:

1. m[d, s]: the (optionally decayed) weighted mean of each cell over the last `weeks` weeks.
2. f[d, s] = row[d] · col[s] / total: the multiplicative day × time-of-day fit of m (the Poisson
   maximum-likelihood independence fit), estimated from every cell, so nearly noise-free.
3. Shrink m towards f, cell by cell, by empirical Bayes: the sampling variance of m is
   v = φ · f · Σw² (φ the dispersion measured across weeks, 1 for Poisson); the genuine
   departure of day d from the shared shape is σ²_d · f² with σ²_d estimated from what m − f has
   beyond v. The estimate is f + λ·(m − f), λ = σ²_d f² / (σ²_d f² + v).

When the days share one shape, σ² ≈ 0 and the forecast is the pooled fit; when a day differs
(Sunday's shape, a late-opening Saturday), σ²_d grows and that day keeps its own cell means.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workforce.forecasting.baselines import repeat_week
from workforce.forecasting.layout import (
    FloatArray,
    SeasonalLayout,
    check_history,
    day_slot_order,
    fill_missing,
    last_weeks,
)


@dataclass(frozen=True, slots=True)
class PooledProfile:
    """decay < 1 weights recent weeks more (a level that drifts); 1 weights weeks equally."""

    weeks: int = 8
    decay: float = 1.0
    name: str = "pooled_profile"
    min_weeks: int = 2

    def __post_init__(self) -> None:
        if self.weeks < 1 or not 0.0 < self.decay <= 1.0:
            raise ValueError("weeks must be >= 1 and decay in (0, 1]")

    def forecast(self, history: FloatArray, horizon: int, layout: SeasonalLayout) -> FloatArray:
        y = fill_missing(check_history(history, layout, 1), layout)
        count = min(self.weeks, y.size // layout.period)
        block = last_weeks(y, layout, count)
        order = day_slot_order(y.size, count, layout)
        cells = np.empty_like(block)
        cells[:, order] = block  # columns into phase order: day-major, then slot
        cube = cells.reshape(count, layout.days_per_week, layout.intervals_per_day)
        weights = self.decay ** np.arange(count - 1, -1, -1, dtype=np.float64)
        estimate = shrunk_cell_means(cube, weights / weights.sum())
        return repeat_week(estimate.reshape(-1)[order], horizon)


def shrunk_cell_means(cube: FloatArray, weights: FloatArray) -> FloatArray:
    """(weeks, days, slots) counts and week weights summing to 1 → (days, slots) estimates."""
    means = np.tensordot(weights, cube, axes=1)
    total = means.sum()
    if total <= 0:
        return means
    weeks = cube.shape[0]  # dispersion φ across weeks; a single week cannot show it: Poisson
    dispersion = float(cube.var(axis=0, ddof=1).sum() / total) if weeks >= 2 else 1.0
    noise_scale = max(dispersion, 1e-9) * float((weights**2).sum())
    fit = shared_shape_fit(means, noise_scale)
    noise = noise_scale * fit
    fit_sq = (fit**2).sum(axis=1)
    excess = ((means - fit) ** 2 - noise).sum(axis=1)
    spread = np.divide(excess, fit_sq, out=np.zeros_like(excess), where=fit_sq > 0)
    signal = np.maximum(spread, 0.0)[:, None] * fit**2
    denominator = signal + noise
    keep = np.divide(signal, denominator, out=np.ones_like(signal), where=denominator > 0)
    out: FloatArray = fit + keep * (means - fit)
    return out


def shared_shape_fit(means: FloatArray, noise_scale: float) -> FloatArray:
    """Each day's level times the time-of-day shape of the days that share its shape.

    Days d and e share a shape unless the Pearson χ² of their 2 × slots table (cell variance
    noise_scale × expected) exceeds its mean by three standard deviations: then a Sunday with
    its own curve neither bends the weekdays' profile nor is forced onto it.
    """
    days, slots = means.shape
    limit = (slots - 1) + 3.0 * np.sqrt(2.0 * (slots - 1))
    same = np.eye(days, dtype=bool)
    for d in range(days):
        for e in range(d + 1, days):
            pair = means[[d, e]]
            total = pair.sum()
            if total <= 0:
                continue
            expected = np.outer(pair.sum(axis=1), pair.sum(axis=0)) / total
            variance = noise_scale * expected
            chi2 = np.divide((pair - expected) ** 2, variance, out=np.zeros_like(pair), where=variance > 0)
            same[d, e] = same[e, d] = float(chi2.sum()) <= limit
    fit = np.zeros_like(means)
    for d in range(days):
        shape = means[same[d]].sum(axis=0)
        if shape.sum() > 0:
            fit[d] = means[d].sum() * shape / shape.sum()
    return fit
