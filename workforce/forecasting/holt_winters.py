"""Double-seasonal Holt-Winters (Taylor 2003), additive, in error-correction (ETS) form.

Level ℓ, optional damped-free trend b, a daily seasonal d (period: intervals per day) and a weekly
seasonal w (period: intervals per week) that carries what differs between days of the week:

    ŷ_t = ℓ + b + d[t mod S] + w[t mod P],   e_t = y_t − ŷ_t
    ℓ ← ℓ + b + α·e,  b ← b + α·β·e,  d[t mod S] += γ_d·e,  w[t mod P] += γ_w·e

Additive because contact counts have zeros at night that a multiplicative seasonal would divide
by. Initialised from the first week (level = its mean, daily = mean profile of its days, weekly =
what is left), then smoothed through the rest. Smoothing constants are fixed, not fitted by
in-sample error: automatic fitting on a few weeks overfits, and the back-test decides whether this
model is used at all. Forecasts are clipped at zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workforce.forecasting.layout import FloatArray, SeasonalLayout, check_history, fill_missing


@dataclass(frozen=True, slots=True)
class HoltWinters:
    alpha: float = 0.02
    beta: float = 0.0
    gamma_day: float = 0.05
    gamma_week: float = 0.15
    name: str = "holt_winters"
    min_weeks: int = 2

    def __post_init__(self) -> None:
        for value in (self.alpha, self.beta, self.gamma_day, self.gamma_week):
            if not 0.0 <= value <= 1.0:
                raise ValueError("smoothing constants must be in [0, 1]")

    def forecast(self, history: FloatArray, horizon: int, layout: SeasonalLayout) -> FloatArray:
        y = fill_missing(check_history(history, layout, self.min_weeks), layout)
        s, p = layout.intervals_per_day, layout.period
        phase0 = layout.start_phase
        first = y[:p]
        level = float(first.mean())
        by_phase = np.empty(p)
        by_phase[(phase0 + np.arange(p)) % p] = first - level
        daily = by_phase.reshape(layout.days_per_week, s).mean(axis=0)
        weekly = by_phase - np.tile(daily, layout.days_per_week)
        trend = 0.0
        d, w = daily.tolist(), weekly.tolist()  # plain floats: the loop is scalar
        a, ab, gd, gw = self.alpha, self.alpha * self.beta, self.gamma_day, self.gamma_week
        for t, value in enumerate(y[p:].tolist(), start=p + phase0):
            i, j = t % s, t % p
            e = value - (level + trend + d[i] + w[j])
            level += trend + a * e
            trend += ab * e
            d[i] += gd * e
            w[j] += gw * e
        ahead = np.arange(y.size, y.size + horizon) + phase0
        steps = np.arange(1, horizon + 1)
        out: FloatArray = np.maximum(
            level + steps * trend + np.asarray(d)[ahead % s] + np.asarray(w)[ahead % p], 0.0
        )
        return out
