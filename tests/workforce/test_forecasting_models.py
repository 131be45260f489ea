"""Each forecasting model on series whose right answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from workforce.accuracy import wape
from workforce.forecasting import (
    HoltWinters,
    PooledProfile,
    SeasonalLayout,
    SeasonalMean,
    SeasonalNaive,
    fill_missing,
)
from workforce.forecasting.layout import day_slot_order
from workforce.forecasting.synthetic import synthetic_counts, weekly_mean

SMALL = SeasonalLayout(intervals_per_day=2, days_per_week=2)  # a "week" of 4 intervals
HALF_HOURS = SeasonalLayout()


def test_seasonal_naive_repeats_last_week() -> None:
    history = np.arange(12, dtype=np.float64)
    assert SeasonalNaive().forecast(history, 6, SMALL).tolist() == [8, 9, 10, 11, 8, 9]


def test_seasonal_mean_averages_the_last_k_weeks() -> None:
    history = np.array([100, 100, 100, 100, 1, 2, 3, 4, 3, 4, 5, 6], dtype=np.float64)
    assert SeasonalMean(weeks=2).forecast(history, 4, SMALL).tolist() == [2, 3, 4, 5]
    assert SeasonalMean(weeks=9).forecast(history, 4, SMALL).tolist() == pytest.approx(
        [104 / 3, 106 / 3, 36, 110 / 3]
    )


def test_history_may_start_mid_week() -> None:
    layout = SeasonalLayout(intervals_per_day=48, start_phase=100)
    # last whole week of a history of 8 weeks + 10 intervals starts at phase 100 + 10
    assert day_slot_order(8 * 336 + 10, 8, layout).tolist() == ((110 + np.arange(336)) % 336).tolist()
    truth = weekly_mean(HALF_HOURS)
    history = truth[(100 + np.arange(4 * 336 + 10)) % 336]
    expected = truth[(100 + 4 * 336 + 10 + np.arange(336)) % 336]
    for model in (PooledProfile(), HoltWinters(), SeasonalMean(), SeasonalNaive()):
        assert model.forecast(history, 336, layout) == pytest.approx(expected, abs=1e-9)


def test_holt_winters_follows_a_level_shift() -> None:
    week = weekly_mean(HALF_HOURS)
    history = np.concatenate([np.tile(week, 4), np.tile(week + 20.0, 2)])
    forecast = HoltWinters(alpha=0.05).forecast(history, 336, HALF_HOURS)
    assert 10 < float((forecast - week).mean()) <= 20.5


def test_pooled_profile_is_within_five_percent_of_the_noise_floor() -> None:
    counts, mean = synthetic_counts(9, seed=2026, layout=HALF_HOURS)
    history, actual = counts[:-336], counts[-336:]
    floor = wape(actual, mean[-336:])
    pooled = wape(actual, PooledProfile().forecast(history, 336, HALF_HOURS))
    assert pooled <= 1.05 * floor
    assert pooled < wape(actual, SeasonalNaive().forecast(history, 336, HALF_HOURS))
    assert pooled < wape(actual, SeasonalMean(4).forecast(history, 336, HALF_HOURS))
    assert pooled < wape(actual, SeasonalMean(8).forecast(history, 336, HALF_HOURS))


def test_pooled_profile_keeps_a_day_with_its_own_shape() -> None:
    shape = weekly_mean(HALF_HOURS).reshape(7, 48)
    shape[6] = shape[6][::-1].copy()  # Sunday busiest at night
    mean = np.tile(shape.reshape(-1), 9)
    counts = np.random.default_rng(11).poisson(mean).astype(np.float64)
    history, actual = counts[:-336], counts[-336:]
    forecast = PooledProfile().forecast(history, 336, HALF_HOURS)
    sunday = slice(288, 336)
    assert wape(actual[sunday], forecast[sunday]) <= 1.1 * wape(actual[sunday], mean[-336:][sunday])
    assert wape(actual, forecast) <= 1.05 * wape(actual, mean[-336:])


def test_missing_intervals_are_filled_from_the_same_interval_in_other_weeks() -> None:
    history = np.array([1, 2, 3, 4, np.nan, 6, 7, 8, 5, 6, 7, np.nan])
    assert fill_missing(history, SMALL).tolist() == [1, 2, 3, 4, 3, 6, 7, 8, 5, 6, 7, 6]
    assert SeasonalNaive().forecast(history, 4, SMALL).tolist() == [5, 6, 7, 6]


def test_models_refuse_bad_histories() -> None:
    with pytest.raises(ValueError):
        SeasonalNaive().forecast(np.ones(3), 4, SMALL)
    with pytest.raises(ValueError):
        PooledProfile().forecast(-np.ones(8), 4, SMALL)
    with pytest.raises(ValueError):
        HoltWinters().forecast(np.ones(4), 4, SMALL)  # needs two weeks
