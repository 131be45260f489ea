"""Publish a schedule: CSV for spreadsheets and payroll, iCalendar (RFC 5545) for agents' calendars.

Pure functions returning strings; writing them anywhere is the caller's business. Each segment of a
shift (work, break, lunch) is one row or one event, so a calendar shows the breaks where the agent
must take them. iCalendar times are in UTC, which needs no VTIMEZONE block and means the same instant
in every client.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from workforce.scheduling.model import Activity, AgentId, Horizon
from workforce.scheduling.result import ScheduleResult, shift_segments

CSV_HEADER = ("agent", "date", "start", "end", "activity")
PRODID = "-//Open Contact Center//Workforce Scheduling//EN"
_FOLD_OCTETS = 75


def schedule_csv(result: ScheduleResult, horizon: Horizon) -> str:
    """One row per segment, ordered by agent and time; times are ISO 8601 with their UTC offset, and
    the date is the day the shift starts on, even for the part after midnight."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for shift in sorted(result.shifts, key=lambda s: (s.agent_id, s.start)):
        day = horizon.day_date(shift.day).isoformat()
        for seg in shift_segments(shift, horizon):
            row = (shift.agent_id, day, seg.start.isoformat(), seg.end.isoformat(), seg.activity.value)
            writer.writerow(row)
    return out.getvalue()


def schedule_icalendar(
    result: ScheduleResult,
    horizon: Horizon,
    dtstamp: datetime,
    *,
    agent_id: AgentId | None = None,
    domain: str = "workforce.invalid",
) -> str:
    """A VCALENDAR with one VEVENT per segment, for one agent or all of them.

    `dtstamp` is when the calendar is published (passed in: this package reads no clock). UIDs are
    stable across republishing the same schedule, so a client updates events instead of duplicating.
    """
    if dtstamp.tzinfo is None:
        raise ValueError("dtstamp must be time-zone aware")
    stamp = _utc(dtstamp)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    shifts = [s for s in result.shifts if agent_id is None or s.agent_id == agent_id]
    for shift in sorted(shifts, key=lambda s: (s.agent_id, s.start)):
        for seg in shift_segments(shift, horizon):
            summary = _SUMMARY[seg.activity]
            details = f"{summary} for {shift.agent_id}, template {shift.template}, skill {shift.skill}"
            lines += [
                "BEGIN:VEVENT",
                f"UID:{_text(f'{shift.agent_id}-{_utc(seg.start)}-{seg.activity.value}@{domain}')}",
                f"DTSTAMP:{stamp}",
                f"DTSTART:{_utc(seg.start)}",
                f"DTEND:{_utc(seg.end)}",
                f"SUMMARY:{_text(f'{summary}: {shift.agent_id}')}",
                f"DESCRIPTION:{_text(details)}",
                f"CATEGORIES:{seg.activity.value.upper()}",
                "TRANSP:OPAQUE" if seg.activity is Activity.SHIFT else "TRANSP:TRANSPARENT",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


_SUMMARY = {Activity.SHIFT: "Shift", Activity.BREAK: "Break", Activity.LUNCH: "Lunch"}


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character; each
    continuation line starts with one space, which counts toward its 75."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > _FOLD_OCTETS:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)
