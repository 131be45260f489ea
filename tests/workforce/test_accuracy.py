"""Accuracy metrics hand-computed on small arrays."""

from __future__ import annotations

import math

import pytest

from workforce.accuracy import accuracy_report, bias, mape, mase, seasonal_naive, smape, wape

ACTUAL = [10.0, 0.0, 5.0, 5.0]
FORECAST = [8.0, 2.0, 5.0, 10.0]
HISTORY = [4.0, 6.0, 8.0, 6.0]


def test_wape_and_bias() -> None:
    assert wape(ACTUAL, FORECAST) == pytest.approx(9 / 20)
    assert bias(ACTUAL, FORECAST) == pytest.approx(5 / 20)
    assert bias(ACTUAL, [0.0] * 4) == -1.0


def test_mape_skips_zero_actuals_and_smape_counts_them() -> None:
    assert mape(ACTUAL, FORECAST) == pytest.approx((0.2 + 0 + 1.0) / 3)
    assert smape(ACTUAL, FORECAST) == pytest.approx((4 / 18 + 2 + 0 + 10 / 15) / 4)
    assert smape([0.0, 1.0], [0.0, 1.0]) == 0.0


def test_mase_scales_by_in_sample_seasonal_naive() -> None:
    # season 2: |8 − 4| and |6 − 6| → scale 2; MAE 9/4
    assert mase(ACTUAL, FORECAST, HISTORY, 2) == pytest.approx(1.125)


def test_report_compares_with_last_season() -> None:
    assert seasonal_naive(HISTORY, 4, 2).tolist() == [8.0, 6.0, 8.0, 6.0]
    report = accuracy_report(ACTUAL, FORECAST, HISTORY, 2)
    assert report.baseline.wape == pytest.approx(12 / 20)
    assert report.wape_ratio == pytest.approx(0.45 / 0.6)
    assert report.model.mase == pytest.approx(1.125)


def test_undefined_metrics_are_nan() -> None:
    assert math.isnan(wape([0.0, 0.0], [1.0, 1.0]))
    assert math.isnan(mape([0.0], [1.0]))
    with pytest.raises(ValueError):
        wape([1.0], [1.0, 2.0])
