"""The wallboard's colours: amber and red limits, worst colour wins, reasons kept, checks on input."""

from __future__ import annotations

import pytest

from contact_center.domain.errors import InvalidInputError
from contact_center.domain.wallboard import Breach, Level, check_thresholds, judge

LIMITS = {
    "waiting_amber": 3.0,
    "waiting_red": 6.0,
    "longest_wait_amber_s": 60.0,
    "longest_wait_red_s": 120.0,
    "service_level_amber": 0.8,
    "service_level_red": 0.6,
}


def test_figures_under_their_limits_are_normal() -> None:
    verdict = judge(LIMITS, {"waiting": 2, "longest_wait_s": 59.9, "service_level": 0.8})
    assert verdict.level is Level.OK and verdict.breaches == () and not verdict.in_alert


def test_a_limit_reached_turns_amber_then_red() -> None:
    assert judge(LIMITS, {"waiting": 3}).breaches == (Breach("waiting", Level.AMBER, 3, 3),)
    assert judge(LIMITS, {"waiting": 6}).breaches == (Breach("waiting", Level.RED, 6, 6),)
    assert judge(LIMITS, {"longest_wait_s": 119}).level is Level.AMBER
    assert judge(LIMITS, {"longest_wait_s": 120}).in_alert


def test_service_level_is_bad_when_low_and_has_no_colour_before_any_contact() -> None:
    assert judge(LIMITS, {"service_level": 0.79}).breaches == (
        Breach("service_level", Level.AMBER, 0.79, 0.8),
    )
    assert judge(LIMITS, {"service_level": 0.59}).in_alert
    assert judge(LIMITS, {"service_level": None}).level is Level.OK


def test_the_worst_colour_wins_and_every_reason_is_kept() -> None:
    verdict = judge(LIMITS, {"waiting": 4, "longest_wait_s": 300, "service_level": 0.7})
    assert verdict.level is Level.RED and verdict.in_alert
    assert [(b.figure, b.level) for b in verdict.breaches] == [
        ("waiting", Level.AMBER),
        ("longest_wait_s", Level.RED),
        ("service_level", Level.AMBER),
    ]


def test_limits_left_out_colour_nothing() -> None:
    assert judge({}, {"waiting": 1000, "longest_wait_s": 1e6, "service_level": 0.0}).level is Level.OK
    assert judge({"waiting_red": 5}, {"waiting": 4}).level is Level.OK


@pytest.mark.parametrize(
    "wrong",
    [
        {"waiting_amber": 7, "waiting_red": 6},
        {"service_level_amber": 0.5, "service_level_red": 0.6},
        {"service_level_red": 1.2},
        {"longest_wait_red_s": -1},
        {"waiting_red": True},
        {"waiting_red": "5"},
        {"queue_length": 3},
    ],
)
def test_wrong_limits_are_refused(wrong: dict[str, object]) -> None:
    with pytest.raises(InvalidInputError):
        check_thresholds(wrong)


def test_limits_are_stored_as_numbers_in_order_without_the_empty_ones() -> None:
    assert check_thresholds({"waiting_red": 6, "waiting_amber": 3, "longest_wait_red_s": None}) == {
        "waiting_amber": 3.0,
        "waiting_red": 6.0,
    }
