"""Publishing a schedule: segments, CSV and iCalendar (RFC 5545) content."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from workforce.scheduling import (
    Activity,
    AgentContract,
    AgentId,
    Horizon,
    PlacedBreak,
    Requirement,
    ScheduledShift,
    ScheduleResult,
    SchedulingProblem,
    Segment,
    ShiftTemplate,
    agent_segments,
    build_result,
    schedule_csv,
    schedule_icalendar,
)
from workforce.scheduling.export import fold

H = 60
PARIS = ZoneInfo("Europe/Paris")
HORIZON = Horizon(datetime(2026, 1, 5, tzinfo=PARIS), 30, 2 * 48)  # Monday and Tuesday, UTC+1
LONG_NAME = AgentId("Zoë Ångström-Łukasiewicz, senior agent; voice & chat team, night rota")


def shift(
    agent: str, day: int, start_h: float, hours: float, *breaks: tuple[Activity, float, int]
) -> ScheduledShift:
    """A shift by hand: breaks are (activity, hours after the start, minutes); lunches unpaid."""
    start, length = day * 1440 + int(start_h * H), int(hours * H)
    placed = tuple(
        PlacedBreak(activity, start + int(h * H), start + int(h * H) + minutes, activity is Activity.BREAK)
        for activity, h, minutes in breaks
    )
    unpaid = sum(b.end - b.start for b in placed if not b.is_paid)
    return ScheduledShift(
        AgentId(agent), day, "day", "default", start, start + length, length - unpaid, placed
    )


def result_of(*shifts: ScheduledShift) -> ScheduleResult:
    problem = SchedulingProblem(
        HORIZON,
        (Requirement((1,) * HORIZON.num_intervals),),
        (ShiftTemplate("day", (8 * H,), 8 * H),),
        tuple(AgentContract(a) for a in sorted({s.agent_id for s in shifts})),
    )
    return build_result(problem, "OPTIMAL", 0.0, shifts)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, 5 + day, hour, minute, tzinfo=PARIS)


def test_agent_schedule_is_cut_into_shift_break_and_lunch_segments() -> None:
    result = result_of(shift("ann", 0, 8, 8.5, (Activity.BREAK, 2, 15), (Activity.LUNCH, 4, 30)))
    assert agent_segments(result, HORIZON, AgentId("ann")) == (
        Segment(at(0, 8), at(0, 10), Activity.SHIFT),
        Segment(at(0, 10), at(0, 10, 15), Activity.BREAK),
        Segment(at(0, 10, 15), at(0, 12), Activity.SHIFT),
        Segment(at(0, 12), at(0, 12, 30), Activity.LUNCH),
        Segment(at(0, 12, 30), at(0, 16, 30), Activity.SHIFT),
    )
    assert result.shifts[0].paid_minutes == 8 * H


def test_csv_has_one_row_per_segment_with_the_shift_date() -> None:
    result = result_of(
        shift("bob", 0, 22, 8, (Activity.LUNCH, 4, 30)),
        shift("ann", 1, 9, 4),
    )
    text = schedule_csv(result, HORIZON)
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["agent", "date", "start", "end", "activity"],
        ["ann", "2026-01-06", "2026-01-06T09:00:00+01:00", "2026-01-06T13:00:00+01:00", "shift"],
        ["bob", "2026-01-05", "2026-01-05T22:00:00+01:00", "2026-01-06T02:00:00+01:00", "shift"],
        ["bob", "2026-01-05", "2026-01-06T02:00:00+01:00", "2026-01-06T02:30:00+01:00", "lunch"],
        ["bob", "2026-01-05", "2026-01-06T02:30:00+01:00", "2026-01-06T06:00:00+01:00", "shift"],
    ]


def unfold(text: str) -> list[str]:
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in physical)
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return logical


def events(text: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            found.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return found


def test_icalendar_has_one_event_per_segment_in_utc() -> None:
    result = result_of(shift("ann", 0, 8, 8.5, (Activity.LUNCH, 4, 30)), shift("bob", 1, 9, 4))
    stamp = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    text = schedule_icalendar(result, HORIZON, stamp)
    lines = unfold(text)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert any(line.startswith("PRODID:") for line in lines)
    assert lines[-1] == "END:VCALENDAR"
    found = events(text)
    assert [(e["DTSTART"], e["DTEND"], e["CATEGORIES"]) for e in found] == [
        ("20260105T070000Z", "20260105T110000Z", "SHIFT"),
        ("20260105T110000Z", "20260105T113000Z", "LUNCH"),
        ("20260105T113000Z", "20260105T153000Z", "SHIFT"),
        ("20260106T080000Z", "20260106T120000Z", "SHIFT"),
    ]
    assert all(e["DTSTAMP"] == "20260101T120000Z" for e in found)
    assert len({e["UID"] for e in found}) == 4
    assert found[1]["SUMMARY"] == "Lunch: ann"


def test_icalendar_for_one_agent_and_stable_uids() -> None:
    result = result_of(shift("ann", 0, 8, 4), shift("bob", 1, 9, 4))
    first = schedule_icalendar(result, HORIZON, datetime(2026, 1, 1, tzinfo=UTC), agent_id=AgentId("bob"))
    again = schedule_icalendar(result, HORIZON, datetime(2026, 1, 2, tzinfo=UTC), agent_id=AgentId("bob"))
    (event,) = events(first)
    assert "bob" in event["UID"] and event["UID"].endswith("@workforce.invalid")
    assert [e["UID"] for e in events(again)] == [event["UID"]]


def test_long_lines_fold_at_75_octets_without_splitting_characters() -> None:
    result = result_of(shift(LONG_NAME, 0, 8, 4))
    text = schedule_icalendar(result, HORIZON, datetime(2026, 1, 1, tzinfo=UTC))
    physical = text[:-2].split("\r\n")
    assert max(len(line.encode("utf-8")) for line in physical) <= 75
    assert any(line.startswith(" ") for line in physical)  # something was folded
    (event,) = events(text)
    # TEXT values escape commas and semicolons; unfolding restores the exact value.
    assert (
        event["SUMMARY"]
        == "Shift: Zoë Ångström-Łukasiewicz\\, senior agent\\; voice & chat team\\, night rota"
    )


def test_fold_counts_octets_not_characters() -> None:
    line = "SUMMARY:x" + "é" * 71  # 9 + 142 octets
    folded = fold(line).split("\r\n")
    assert [len(part.encode("utf-8")) for part in folded] == [75, 75, 1 + 2]
    assert "".join(part[1:] if k else part for k, part in enumerate(folded)) == line
    assert fold("SHORT:line") == "SHORT:line"
