"""Dates, times and numbers as a person of a language reads them, in their own time zone.

Babel knows each locale's patterns (`2026年12月7日 18:44` against `Dec 7, 2026, 6:44 PM`); the
time zone is the user's (`agent.timezone`, UTC when unset or unknown), so a supervisor in
Shanghai and one in London read the same instant each at their own clock.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import dates, numbers

from contact_center.i18n import DEFAULT_LANGUAGE, LANGUAGES, babel_locale


def zone(name: str | None) -> ZoneInfo:
    """The zone of an IANA name; UTC for none or one this machine does not know."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _locale(language: str) -> str:
    return babel_locale(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)  # stored times are UTC


def format_datetime(value: datetime, language: str, timezone: str | None, fmt: str = "medium") -> str:
    return dates.format_datetime(_aware(value), fmt, tzinfo=zone(timezone), locale=_locale(language))


def format_time(value: datetime, language: str, timezone: str | None, fmt: str = "short") -> str:
    return dates.format_time(_aware(value), fmt, tzinfo=zone(timezone), locale=_locale(language))


def format_date(value: date | datetime, language: str, timezone: str | None, fmt: str = "medium") -> str:
    if isinstance(value, datetime):
        value = _aware(value).astimezone(zone(timezone)).date()
    return dates.format_date(value, fmt, locale=_locale(language))


def format_number(value: float, language: str) -> str:
    return numbers.format_decimal(value, locale=_locale(language))


def format_money(value: float, currency: str, language: str) -> str:
    return numbers.format_currency(value, currency, locale=_locale(language))


def format_percent(value: float, language: str) -> str:
    return numbers.format_percent(value, "#,##0.0%", locale=_locale(language))


def pad(text: str, width: int) -> str:
    """`text` left-aligned to `width` columns of a terminal, where a Chinese character takes two
    (str.ljust would count it as one, and a table of Chinese names would not line up)."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - shown)
