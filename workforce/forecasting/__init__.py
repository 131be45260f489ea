"""Forecasting contacts and AHT per interval from a history of counts (design: docs/workforce.md)."""

from __future__ import annotations

from workforce.forecasting.aht import forecast_aht
from workforce.forecasting.baselines import SeasonalMean, SeasonalNaive
from workforce.forecasting.holt_winters import HoltWinters
from workforce.forecasting.layout import ForecastModel, SeasonalLayout, fill_missing
from workforce.forecasting.overrides import Override, apply_overrides
from workforce.forecasting.profile import PooledProfile
from workforce.forecasting.selection import (
    DEFAULT_CANDIDATES,
    BacktestScore,
    Forecast,
    backtest,
    forecast_contacts,
)

__all__ = [
    "DEFAULT_CANDIDATES",
    "BacktestScore",
    "Forecast",
    "ForecastModel",
    "HoltWinters",
    "Override",
    "PooledProfile",
    "SeasonalLayout",
    "SeasonalMean",
    "SeasonalNaive",
    "apply_overrides",
    "backtest",
    "fill_missing",
    "forecast_aht",
    "forecast_contacts",
]
