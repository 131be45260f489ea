"""Whole weeks of wall-clock intervals in a queue's time zone, from a local Monday 00:00.

Contacts are counted in the interval they were offered in, on the queue's wall clock (docs/metrics.md):
interval k of day d is local time d + k·length. On a daylight-saving day the clock skips or
repeats an hour, so one interval gets no contacts or two hours' worth; the layout stays 7 ×
intervals_per_day long, which the forecasting layout needs. Schedules instead count elapsed time
(workforce.scheduling.Horizon); `wall_index` maps an elapsed interval back to its wall-clock slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from contact_center.domain.errors import InvalidInputError
from workforce.forecasting import SeasonalLayout
from workforce.scheduling import Horizon

MINUTES_PER_DAY = 24 * 60


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInputError(f"unknown time zone {name!r}") from exc


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def current_monday(now: datetime, tz: ZoneInfo) -> date:
    """The Monday of the week `now` falls in, on the queue's clock."""
    return monday_of(now.astimezone(tz).date())


@dataclass(frozen=True, slots=True)
class WeekGrid:
    tz: ZoneInfo
    interval_minutes: int
    first_day: date  # a Monday
    weeks: int

    def __post_init__(self) -> None:
        if self.first_day.weekday() != 0:
            raise ValueError("a week grid starts on a Monday")
        if self.weeks < 1 or MINUTES_PER_DAY % self.interval_minutes:
            raise ValueError("a week grid needs whole weeks and an interval dividing the day")

    @property
    def intervals_per_day(self) -> int:
        return MINUTES_PER_DAY // self.interval_minutes

    @property
    def period(self) -> int:
        return 7 * self.intervals_per_day

    @property
    def size(self) -> int:
        return self.weeks * self.period

    @property
    def layout(self) -> SeasonalLayout:
        return SeasonalLayout(self.intervals_per_day, 7, 0)

    @property
    def end_day(self) -> date:
        return self.first_day + timedelta(days=7 * self.weeks)

    @property
    def start_utc(self) -> datetime:
        return local_midnight(self.first_day, self.tz).astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        return local_midnight(self.end_day, self.tz).astimezone(UTC)

    def index(self, at: datetime) -> int | None:
        """The wall-clock interval `at` falls in, or None outside the grid."""
        local = at.astimezone(self.tz)
        day = (local.date() - self.first_day).days
        if not 0 <= day < 7 * self.weeks:
            return None
        return day * self.intervals_per_day + (local.hour * 60 + local.minute) // self.interval_minutes

    def starts(self) -> list[str]:
        """Each interval's local start as ISO text (wall clock, with the offset in force)."""
        out = []
        for i in range(self.size):
            day, slot = divmod(i, self.intervals_per_day)
            moment = datetime.combine(
                self.first_day + timedelta(days=day), time(0), tzinfo=self.tz
            ) + timedelta(minutes=slot * self.interval_minutes)
            out.append(moment.isoformat())
        return out

    def shifted(self, first_day: date, weeks: int) -> WeekGrid:
        return WeekGrid(self.tz, self.interval_minutes, first_day, weeks)


def week_horizon(grid: WeekGrid, days: int = 7) -> Horizon:
    """The elapsed-time horizon of the first `days` days of a one-week grid."""
    if not 1 <= days <= 7:
        raise InvalidInputError("a schedule covers 1 to 7 days")
    start = local_midnight(grid.first_day, grid.tz)
    end = local_midnight(grid.first_day + timedelta(days=days), grid.tz)
    minutes = int((end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() // 60)
    return Horizon(start, grid.interval_minutes, minutes // grid.interval_minutes)


def wall_index(grid: WeekGrid, horizon: Horizon, interval: int) -> int:
    """The wall-clock slot of the grid that elapsed interval `interval` of the horizon starts in."""
    index = grid.index(horizon.at(interval * horizon.interval_minutes))
    return min(index if index is not None else grid.size - 1, grid.size - 1)
