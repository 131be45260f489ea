"""AHT per interval, forecast as handle time per contact, weighted by contacts.

An interval's AHT is total handle time / contacts, so the right average over past weeks weights
each week by its contacts (a quiet night with 2 calls must not count as much as a busy morning).
Cells with few contacts are noisy, so each (day, interval) estimate is shrunk towards the same
time of day over all days, and that towards the overall AHT, with `prior_contacts` as the weight
of the prior: (Σ c·aht + κ·prior) / (Σ c + κ).
"""

from __future__ import annotations

import numpy as np

from workforce.forecasting.baselines import repeat_week
from workforce.forecasting.layout import FloatArray, SeasonalLayout, day_slot_order, last_weeks


def forecast_aht(
    contacts: FloatArray,
    aht_s: FloatArray,
    layout: SeasonalLayout,
    horizon: int | None = None,
    *,
    weeks: int = 8,
    prior_contacts: float = 20.0,
) -> FloatArray:
    """AHT in seconds for each of `horizon` intervals (default one week) after the history.

    contacts and aht_s are aligned histories; AHT is ignored where contacts are 0 or NaN.
    """
    c = np.asarray(contacts, dtype=np.float64)
    h = np.asarray(aht_s, dtype=np.float64)
    if c.shape != h.shape or c.ndim != 1 or c.size < layout.period:
        raise ValueError("contacts and aht_s must be aligned 1-D histories of at least one week")
    if prior_contacts <= 0 or weeks < 1:
        raise ValueError("prior_contacts and weeks must be > 0")
    usable = np.isfinite(c) & np.isfinite(h) & (c > 0)
    c, h = np.where(usable, c, 0.0), np.where(usable, h, 0.0)
    if c.sum() == 0:
        raise ValueError("no contacts in the history: AHT unknown")
    count = min(weeks, c.size // layout.period)
    order = day_slot_order(c.size, count, layout)
    shape = (layout.days_per_week, layout.intervals_per_day)
    volume = np.empty(layout.period)
    handled = np.empty(layout.period)
    volume[order] = last_weeks(c, layout, count).sum(axis=0)
    handled[order] = last_weeks(c * h, layout, count).sum(axis=0)
    volume_ds, handled_ds = volume.reshape(shape), handled.reshape(shape)
    overall = handled.sum() / volume.sum() if volume.sum() > 0 else float((c * h).sum() / c.sum())
    k = prior_contacts
    by_slot = (handled_ds.sum(axis=0) + k * overall) / (volume_ds.sum(axis=0) + k)
    cells = (handled_ds + k * by_slot) / (volume_ds + k)
    return repeat_week(cells.reshape(-1)[order], layout.period if horizon is None else horizon)
