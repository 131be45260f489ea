"""A synthetic contact series with a known mean, for tests, benchmarks and demos.

Half-hourly (by default) Poisson counts around a daily × weekly shape: a two-peak working-day
profile scaled by a day-of-week level. Knowing the true mean gives the noise floor: the WAPE of
forecasting with the truth itself, which no model can beat on average.
"""

from __future__ import annotations

import numpy as np

from workforce.forecasting.layout import FloatArray, SeasonalLayout

DAY_LEVELS = (1.0, 0.92, 0.88, 0.9, 0.85, 0.45, 0.3)


def weekly_mean(layout: SeasonalLayout, peak: float = 270.0) -> FloatArray:
    """Expected contacts for each interval of one week, in phase order (week starts at phase 0)."""
    hours = (np.arange(layout.intervals_per_day) + 0.5) * 24.0 / layout.intervals_per_day
    shape = (
        np.exp(-0.5 * ((hours - 10.5) / 1.8) ** 2)
        + 0.8 * np.exp(-0.5 * ((hours - 15.0) / 2.2) ** 2)
        + 0.25 * np.exp(-0.5 * ((hours - 20.0) / 1.5) ** 2)
        + 0.02
    )
    shape *= peak / shape.max()
    levels = np.resize(np.asarray(DAY_LEVELS), layout.days_per_week)
    week: FloatArray = np.outer(levels, shape).reshape(-1)
    return week


def synthetic_counts(
    weeks: int, seed: int, layout: SeasonalLayout, peak: float = 270.0
) -> tuple[FloatArray, FloatArray]:
    """(counts, true mean) for `weeks` weeks starting at layout.start_phase."""
    mean = weekly_mean(layout, peak)[layout.phases(0, weeks * layout.period)]
    counts = np.random.default_rng(seed).poisson(mean).astype(np.float64)
    return counts, mean
