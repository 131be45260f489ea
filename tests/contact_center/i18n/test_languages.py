"""Which language a person reads, and dates and numbers as they read them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contact_center import i18n
from contact_center.i18n import formatting


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,zh;q=0.5", "zh-CN"),  # the best of ours, not the first of theirs
        ("de, en;q=0.1, zh-TW;q=0.2", "zh-CN"),  # any Chinese reads the Simplified better than English
        ("zh-Hans-CN", "zh-CN"),
        ("zh;q=0, en", "en"),  # q=0: not wanted
        ("fr", "en"),
        ("", "en"),
        (None, "en"),
        ("zh;q=abc,,;;=", "en"),  # malformed: no failure, English
    ],
)
def test_accept_language_picks_one_of_ours(header: str | None, language: str) -> None:
    assert i18n.negotiate(header) == language


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"CC_LANGUAGE": "zh-CN", "LANG": "en_US.UTF-8"}, "zh-CN"),
        ({"LANG": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LANGUAGE": "fr:zh_CN", "LANG": "C.UTF-8"}, "zh-CN"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_cli_reads_its_language_from_the_environment(environ: dict[str, str], language: str) -> None:
    assert i18n.from_environment(environ) == language


AT = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)


def test_times_are_shown_in_the_users_zone_and_locale() -> None:
    assert formatting.format_time(AT, "zh-CN", "Asia/Shanghai") == "19:00"
    assert formatting.format_time(AT, "en", "Asia/Shanghai") == "7:00\u202fPM"
    assert formatting.format_datetime(AT, "zh-CN", "Asia/Shanghai") == "2026年12月7日 19:00:00"
    assert formatting.format_date(AT, "zh-CN", "America/Los_Angeles") == "2026年12月7日"
    assert formatting.format_time(AT.replace(tzinfo=None), "en", None) == "11:00\u202fAM"  # stored: UTC
    assert formatting.format_time(AT, "en", "Not/AZone") == "11:00\u202fAM"  # unknown zone: UTC


def test_numbers_and_money_per_locale() -> None:
    assert formatting.format_number(1234567.5, "en") == "1,234,567.5"
    assert formatting.format_percent(0.805, "zh-CN") == "80.5%"
    assert formatting.format_money(39, "CNY", "zh-CN") == "¥39.00"
    assert formatting.format_money(39, "CNY", "en") == "CN¥39.00"
