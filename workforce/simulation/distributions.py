"""Random durations the simulation draws: handle times, wrap-up, patience, offer answer delays.

Each distribution is a frozen value with its parameters and one `sample(rng)` method, so a scenario
stays a plain, comparable value and every draw goes through the numpy `Generator` the caller
seeded (never a global random state). The exponential is the Erlang default; the lognormal and an
empirical sample "from history" are there because real handle times are skewed and heavy-tailed,
which is one of the reasons the simulation exists at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Exponential:
    """Exponential with the given mean (seconds): memoryless, what Erlang C and A assume."""

    mean: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.mean) and self.mean > 0):
            raise ValueError("an exponential needs a finite mean > 0")

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.exponential(self.mean))


@dataclass(frozen=True, slots=True)
class LogNormal:
    """Lognormal given by its own mean and standard deviation in seconds (not those of the log),
    since that is how a planner reads handle times off a report."""

    mean: float
    sd: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.mean) and self.mean > 0 and math.isfinite(self.sd) and self.sd > 0):
            raise ValueError("a lognormal needs a finite mean > 0 and sd > 0")

    def sample(self, rng: np.random.Generator) -> float:
        sigma2 = math.log1p((self.sd / self.mean) ** 2)
        return float(rng.lognormal(math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2)))


@dataclass(frozen=True, slots=True)
class Empirical:
    """Resample observed durations uniformly ("handle times from history")."""

    values: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.values or any(not (math.isfinite(v) and v >= 0) for v in self.values):
            raise ValueError("an empirical distribution needs at least one finite value >= 0")

    @classmethod
    def of(cls, values: Sequence[float]) -> Empirical:
        return cls(tuple(float(v) for v in values))

    @property
    def mean(self) -> float:
        return sum(self.values) / len(self.values)

    def sample(self, rng: np.random.Generator) -> float:
        return self.values[int(rng.integers(len(self.values)))]


@dataclass(frozen=True, slots=True)
class Fixed:
    """Always the same duration (an accept delay of 2 s, a 30 s wrap-up)."""

    value: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.value) and self.value >= 0):
            raise ValueError("a fixed duration must be finite and >= 0")

    @property
    def mean(self) -> float:
        return self.value

    def sample(self, rng: np.random.Generator) -> float:
        return self.value


Distribution = Exponential | LogNormal | Empirical | Fixed
