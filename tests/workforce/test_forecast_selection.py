"""Back-test selection, planner overrides and the AHT forecast."""

from __future__ import annotations

import numpy as np
import pytest

from workforce.forecasting import (
    Override,
    PooledProfile,
    SeasonalLayout,
    SeasonalMean,
    SeasonalNaive,
    apply_overrides,
    backtest,
    forecast_aht,
    forecast_contacts,
)
from workforce.forecasting.synthetic import synthetic_counts, weekly_mean

SMALL = SeasonalLayout(intervals_per_day=2, days_per_week=2)
HALF_HOURS = SeasonalLayout()


def test_backtest_scores_each_origin_by_pooled_wape() -> None:
    # weeks: [1,1,1,1] [2,2,2,2] [4,4,4,4]; naive forecasts week 3 with 2s (WAPE 0.5) and week 2
    # with 1s (WAPE 0.5): pooled (8 + 4) / (16 + 8)
    history = np.repeat([1.0, 2.0, 4.0], 4)
    scores = backtest(history, SMALL, [SeasonalNaive(), SeasonalMean(weeks=2)], origins=2)
    assert scores[0].wape == pytest.approx(0.5) and scores[0].origins == 2
    # the 2-week mean forecasts week 3 with 1.5s (error 10) and week 2 from week 1 alone (error 4)
    assert scores[1].wape == pytest.approx(14 / 24) and scores[1].origins == 2


def test_selection_prefers_the_pooled_profile_on_a_stable_series() -> None:
    counts, _ = synthetic_counts(8, seed=5, layout=HALF_HOURS)
    result = forecast_contacts(counts, HALF_HOURS)
    assert result.model.startswith("pooled_profile")
    assert result.values.shape == (336,)
    naive = next(s for s in result.scores if s.model == "seasonal_naive")
    assert min(s.wape for s in result.scores) < naive.wape


def test_selection_prefers_recent_weeks_after_a_step_change() -> None:
    week = weekly_mean(HALF_HOURS)
    mean = np.concatenate([np.tile(week, 5), np.tile(2 * week, 3)])
    counts = np.random.default_rng(3).poisson(mean).astype(np.float64)
    candidates = [SeasonalMean(weeks=8, name="mean_8"), SeasonalNaive(), PooledProfile(weeks=8)]
    assert forecast_contacts(counts, HALF_HOURS, candidates=candidates).model == "seasonal_naive"


def test_ties_go_to_the_first_candidate() -> None:
    history = np.tile([1.0, 2.0, 3.0, 4.0], 4)
    result = forecast_contacts(
        history, SMALL, candidates=[SeasonalMean(weeks=3, name="first"), SeasonalNaive()]
    )
    assert result.model == "first"
    assert result.values.tolist() == [1, 2, 3, 4]


def test_overrides_multiply_or_replace_and_later_ones_win() -> None:
    forecast = np.array([10.0, 10.0, 10.0, 10.0])
    out = apply_overrides(
        forecast,
        [
            Override(0, 2, multiplier=0.5, reason="bank holiday"),
            Override(1, 3, value=40.0, reason="campaign"),
        ],
    )
    assert out.tolist() == [5.0, 40.0, 40.0, 10.0]
    assert forecast.tolist() == [10.0] * 4


def test_forecast_keeps_the_model_figures_beside_the_overridden_ones() -> None:
    history = np.tile([1.0, 2.0, 3.0, 4.0], 3)
    result = forecast_contacts(history, SMALL, horizon=4, overrides=[Override(2, 4, multiplier=2.0)])
    assert result.baseline.tolist() == [1, 2, 3, 4]
    assert result.values.tolist() == [1, 2, 6, 8]


def test_bad_overrides_are_refused() -> None:
    with pytest.raises(ValueError):
        Override(0, 2)
    with pytest.raises(ValueError):
        Override(0, 2, multiplier=2.0, value=3.0)
    with pytest.raises(ValueError):
        Override(2, 2, value=3.0)
    with pytest.raises(ValueError):
        apply_overrides(np.ones(4), [Override(2, 5, value=1.0)])


def test_aht_is_weighted_by_contacts_and_shrunk_where_contacts_are_few() -> None:
    # one slot with 100 contacts at 200 s one week and 100 at 300 s the next: 250 s.
    contacts = np.array([100.0, 0.0, 100.0, 0.0, 100.0, 0.0, 100.0, 0.0])
    aht = np.array([200.0, 0.0, 200.0, 0.0, 300.0, 0.0, 300.0, 0.0])
    out = forecast_aht(contacts, aht, SMALL, prior_contacts=1e-9)
    assert out[0] == pytest.approx(250.0)
    # the empty slot borrows the overall AHT through its time-of-day prior
    assert out[1] == pytest.approx(250.0)
    weighted = forecast_aht(np.array([90.0, 10.0, 90.0, 10.0]), np.array([100.0, 500.0, 100.0, 500.0]), SMALL)
    assert 100.0 < weighted[1] < 500.0  # 10 contacts are pulled towards the busier slot's AHT


@pytest.mark.parametrize("seed", range(12))
def test_a_sparse_queue_is_not_forecast_by_repeating_last_weeks_few_contacts(seed: int) -> None:
    """16 contacts a week over 336 half hours: last week's exact times are chance, and the naive
    won five of these twelve back-tests by WAPE. It is still scored, for the planner to see."""
    week = weekly_mean(HALF_HOURS)
    counts = np.random.default_rng(seed).poisson(np.tile(week / week.sum() * 16, 8)).astype(np.float64)
    result = forecast_contacts(counts, HALF_HOURS)
    assert result.model != "seasonal_naive"
    assert "seasonal_naive" in {s.model for s in result.scores}
