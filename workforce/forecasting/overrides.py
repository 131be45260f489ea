"""Planner overrides for special days: a holiday, a campaign, a product launch.

Statistics cannot know that next Tuesday is a bank holiday; the planner can. An override covers
forecast intervals [start, stop) (offsets from the first forecast interval) and either multiplies
the model's forecast or replaces it with an absolute value. Overrides apply in the order given, so
a later one wins where they overlap. To keep a past special day from teaching the model, mark its
history intervals NaN (see layout.fill_missing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workforce.forecasting.layout import FloatArray


@dataclass(frozen=True, slots=True)
class Override:
    start: int
    stop: int
    multiplier: float | None = None
    value: float | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.stop:
            raise ValueError("an override needs 0 <= start < stop")
        if (self.multiplier is None) == (self.value is None):
            raise ValueError("give exactly one of multiplier and value")
        amount = self.multiplier if self.multiplier is not None else self.value
        if amount is None or not np.isfinite(amount) or amount < 0:
            raise ValueError("multiplier or value must be finite and >= 0")


def apply_overrides(forecast: FloatArray, overrides: Sequence[Override]) -> FloatArray:
    out = np.asarray(forecast, dtype=np.float64).copy()
    for o in overrides:
        if o.stop > out.size:
            raise ValueError(f"override {o.reason or (o.start, o.stop)} runs past the forecast")
        if o.multiplier is not None:
            out[o.start : o.stop] *= o.multiplier
        else:
            out[o.start : o.stop] = o.value
    return out
