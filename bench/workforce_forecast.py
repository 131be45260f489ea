"""Forecast accuracy on the synthetic series: 8 weeks of half-hourly Poisson counts around a
daily × weekly shape (fixed seed), forecasting the 9th week.

Prints WAPE and MASE of the automatically chosen model beside last-week naive, the 4-week
seasonal mean, our Holt-Winters, statsforecast MSTL(season_length=[48, 336]) and the noise floor
(WAPE of the true mean), with ms per queue-week; then the same over more seeds and on a variant
whose weekend days have their own shapes. Run alone:
    .venv/bin/python bench/workforce_forecast.py
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from workforce.accuracy import mase, wape
from workforce.forecasting import HoltWinters, PooledProfile, SeasonalLayout, SeasonalMean, SeasonalNaive
from workforce.forecasting.layout import FloatArray
from workforce.forecasting.selection import forecast_contacts
from workforce.forecasting.synthetic import synthetic_counts, weekly_mean

LAYOUT = SeasonalLayout(intervals_per_day=48)
P = LAYOUT.period
SEED = 2026


def mstl(history: FloatArray) -> FloatArray:
    from statsforecast.models import MSTL

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = MSTL(season_length=[48, 336]).forecast(y=history, h=P)["mean"]
    return np.asarray(out, dtype=np.float64)


def timed(work: object, history: FloatArray, runs: int = 5) -> tuple[FloatArray, float]:
    best, result = float("inf"), np.empty(0)
    for _ in range(runs):
        start = time.perf_counter()
        result = work(history)  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return result, best


def contenders() -> dict[str, object]:
    return {
        "chosen (back-test)": lambda h: forecast_contacts(h, LAYOUT).values,
        "pooled profile (fit only)": lambda h: PooledProfile().forecast(h, P, LAYOUT),
        "last-week naive": lambda h: SeasonalNaive().forecast(h, P, LAYOUT),
        "4-week seasonal mean": lambda h: SeasonalMean(4).forecast(h, P, LAYOUT),
        "Holt-Winters (ours)": lambda h: HoltWinters().forecast(h, P, LAYOUT),
        "statsforecast MSTL": mstl,
    }


def one_run(counts: FloatArray, mean: FloatArray, runs: int) -> dict[str, tuple[float, float, float]]:
    history, actual = counts[:-P], counts[-P:]
    rows = {"noise floor (true mean)": (wape(actual, mean[-P:]), mase(actual, mean[-P:], history, P), 0.0)}
    for name, work in contenders().items():
        forecast, seconds = timed(work, history, 1 if name == "statsforecast MSTL" else runs)
        rows[name] = (wape(actual, forecast), mase(actual, forecast, history, P), seconds)
    return rows


def main() -> None:
    counts, mean = synthetic_counts(9, SEED, LAYOUT)
    mstl(counts[: P * 3])  # warm up numba JIT before timing
    chosen = forecast_contacts(counts[:-P], LAYOUT)
    print(
        f"seed {SEED}: 8 weeks of history, {counts[:-P].sum() / 8:.0f} contacts/week; chosen: {chosen.model}"
    )
    print("back-test WAPE (last 2 weeks): " + ", ".join(f"{s.model} {s.wape:.4f}" for s in chosen.scores))
    rows = one_run(counts, mean, runs=5)
    floor = rows["noise floor (true mean)"][0]
    print(f"\n{'model':28} {'WAPE':>7} {'/floor':>7} {'MASE':>6} {'ms/week':>9}")
    for name, (w, m, s) in rows.items():
        print(f"{name:28} {w:7.4f} {w / floor:7.3f} {m:6.3f} {s * 1e3:9.2f}")

    for label, shape in (
        ("same seed family, 8 seeds", None),
        ("weekend with own shapes, 8 seeds", "weekend"),
    ):
        totals: dict[str, list[float]] = {}
        for seed in range(8):
            if shape is None:
                c, mu = synthetic_counts(9, 100 + seed, LAYOUT)
            else:
                week = weekly_mean(LAYOUT).reshape(7, 48)
                week[5] = np.roll(week[5], 6)  # Saturday opens three hours later
                week[6] = week[6][::-1].copy()  # Sunday busiest in the evening
                mu = np.tile(week.reshape(-1), 9)
                c = np.random.default_rng(100 + seed).poisson(mu).astype(np.float64)
            for name, (w, _, _) in one_run(c, mu, runs=1).items():
                totals.setdefault(name, []).append(w)
        floors = np.asarray(totals["noise floor (true mean)"])
        print(f"\n{label}: mean WAPE and mean ratio to the noise floor")
        for name, values in totals.items():
            print(f"  {name:28} {np.mean(values):7.4f} {np.mean(np.asarray(values) / floors):7.3f}")


if __name__ == "__main__":
    main()
