"""Adherence and conformance against presence history, hand-computed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workforce.scheduling import (
    Activity,
    AgentContract,
    AgentId,
    Horizon,
    PlacedBreak,
    PresenceRecord,
    PresenceState,
    Requirement,
    ScheduledShift,
    ScheduleResult,
    SchedulingProblem,
    ShiftTemplate,
    adherence_report,
    build_result,
)

H = 60
HORIZON = Horizon(datetime(2026, 1, 5, tzinfo=UTC), 30, 48)
ANN = AgentId("ann")


def schedule() -> ScheduleResult:
    """Ann works 08:00-12:00 with a paid break 10:00-10:15: 240 scheduled minutes, 225 of work."""
    shift = ScheduledShift(
        ANN,
        0,
        "day",
        "default",
        8 * H,
        12 * H,
        4 * H,
        (PlacedBreak(Activity.BREAK, 10 * H, 10 * H + 15, True),),
    )
    problem = SchedulingProblem(
        HORIZON,
        (Requirement((1,) * 48),),
        (ShiftTemplate("day", (8 * H,), 4 * H),),
        (AgentContract(ANN),),
    )
    return build_result(problem, "OPTIMAL", 0.0, (shift,))


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 1, 5, hour, minute, second, tzinfo=UTC)


def presence(*spans: tuple[datetime, datetime, PresenceState], agent: str = "ann") -> list[PresenceRecord]:
    return [PresenceRecord(AgentId(agent), a, b, state) for a, b, state in spans]


HISTORY = presence(
    (at(7, 55), at(8, 10), PresenceState.OFFLINE),  # logs in 10 minutes late
    (at(8, 10), at(10), PresenceState.AVAILABLE),
    (at(10), at(10, 20), PresenceState.AWAY),  # break 5 minutes too long
    (at(10, 20), at(11), PresenceState.BUSY),
    (at(11), at(11, 10), PresenceState.WRAP_UP),
    (at(11, 10), at(12, 30), PresenceState.AVAILABLE),  # 30 minutes of overtime
)


def test_adherence_and_conformance_over_the_shift() -> None:
    (ann,) = adherence_report(schedule(), HORIZON, HISTORY)
    # In the scheduled activity: work 08:10-10:00 (110) + break 10:00-10:15 (15) + work 10:20-12:00 (100).
    assert ann.scheduled_minutes == 240
    assert ann.adherent_minutes == 225
    assert ann.adherence == pytest.approx(225 / 240)
    # Worked 08:10-10:00 and 10:20-12:30: 240 minutes against 225 scheduled for work.
    assert ann.scheduled_work_minutes == 225
    assert ann.worked_minutes == 240
    assert ann.conformance == pytest.approx(240 / 225)


def test_adherence_per_interval() -> None:
    (ann,) = adherence_report(schedule(), HORIZON, HISTORY)
    by_interval = {f.interval: f for f in ann.intervals}
    assert sorted(by_interval) == list(range(16, 25))  # 08:00 to 12:30
    assert by_interval[16].adherence == pytest.approx(20 / 30)
    assert by_interval[16].conformance == pytest.approx(20 / 30)
    ten = by_interval[20]  # 10:00-10:30: break until 10:15, away until 10:20, then busy
    assert (ten.scheduled_minutes, ten.adherent_minutes) == (30, 25)
    assert (ten.scheduled_work_minutes, ten.worked_minutes) == (15, 10)
    assert by_interval[22].adherence == 1.0  # wrap-up counts as in the shift
    overtime = by_interval[24]
    assert overtime.adherence is None and overtime.conformance is None
    assert overtime.worked_minutes == 30


def test_working_through_a_break_is_not_adherent_but_counts_as_worked() -> None:
    history = presence((at(8), at(12), PresenceState.AVAILABLE))
    (ann,) = adherence_report(schedule(), HORIZON, history)
    assert ann.adherent_minutes == 225
    assert ann.worked_minutes == 240
    assert ann.conformance == pytest.approx(240 / 225)


def test_offline_on_a_break_is_adherent_and_gaps_are_not() -> None:
    history = presence(
        (at(8), at(10), PresenceState.AVAILABLE),
        (at(10), at(10, 15), PresenceState.OFFLINE),
        (at(11), at(12), PresenceState.BUSY),  # nothing recorded 10:15-11:00
    )
    (ann,) = adherence_report(schedule(), HORIZON, history)
    assert ann.adherent_minutes == 120 + 15 + 60
    assert ann.worked_minutes == 180


def test_seconds_count_as_fractions_of_a_minute() -> None:
    history = presence((at(8, 0, 30), at(12), PresenceState.AVAILABLE))
    (ann,) = adherence_report(schedule(), HORIZON, history)
    assert ann.worked_minutes == pytest.approx(239.5)
    assert ann.adherent_minutes == pytest.approx(224.5)


def test_agent_without_a_schedule_has_no_ratio() -> None:
    history = presence((at(9), at(10), PresenceState.BUSY), agent="bob")
    report = adherence_report(schedule(), HORIZON, history)
    assert [a.agent_id for a in report] == ["ann", "bob"]
    ann, bob = report
    assert ann.adherence == 0 and ann.conformance == 0
    assert bob.adherence is None and bob.conformance is None and bob.worked_minutes == 60


def test_overlapping_presence_records_are_rejected() -> None:
    history = presence((at(8), at(10), PresenceState.BUSY), (at(9), at(11), PresenceState.AVAILABLE))
    with pytest.raises(ValueError, match="overlap"):
        adherence_report(schedule(), HORIZON, history)
