"""Schedules from the store: build with CP-SAT, publish, each agent's own view, exports, adherence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contact_center.domain.commands import SetPresence
from contact_center.domain.enums import Presence
from contact_center.domain.planning import Schedule, ScheduleShift
from contact_center.domain.planning_commands import PublishSchedule
from contact_center.planning.adherence import schedule_adherence
from contact_center.planning.published import export_csv, export_icalendar, my_schedule
from contact_center.planning.schedules import (
    BuildRequest,
    build_schedule,
    load_schedule,
    stored,
)
from tests.contact_center.planning.conftest import NEXT_MONDAY, NOW, Planning, seeded_queue
from workforce.scheduling import Activity, AgentId


async def test_a_built_schedule_covers_the_day_is_published_and_exported(
    planning: Planning, database_url: str
) -> None:
    seeded = await seeded_queue(planning, database_url)
    # Time for a good solution on a busy machine too: the day covered is a judgement of its quality.
    request = BuildRequest(NEXT_MONDAY, days=2, time_limit_s=8.0)
    schedule_id = await build_schedule(
        planning.container.bus, planning.container.uow, seeded.queue_id, request, "test"
    )
    async with planning.container.uow() as uow:
        built = await load_schedule(uow, schedule_id)
    assert built.row.status == "draft" and built.row.solver_status in ("OPTIMAL", "FEASIBLE")
    assert built.horizon.num_intervals == 96 and len(built.row.required) == 96
    shifts = built.result.shifts
    assert shifts and {int(s.agent_id) for s in shifts} <= set(seeded.agent_ids)
    daytime = [c for c in built.result.coverage if 9 <= c.start.hour < 18]
    assert all(c.required >= 1 for c in daytime)
    # Six agents, one shift a day each, cannot staff 18 hours at 2-3 agents with breaks: the day is
    # covered first (nights fall outside every shift template).
    assert all(c.scheduled >= 1 for c in daytime)
    covered = sum(min(c.scheduled, c.required) for c in daytime) / sum(c.required for c in daytime)
    assert covered > 0.85
    assert built.result.shortfall_pct < 50

    await planning.container.bus.handle(PublishSchedule(schedule_id))
    worker = int(shifts[0].agent_id)
    outsider = await planning.agent()  # in no queue, so certainly without a shift (all six may have one)
    idle = [a for a in seeded.agent_ids if a not in {int(s.agent_id) for s in shifts}] + [outsider]
    async with planning.container.uow() as uow:
        mine = await my_schedule(uow, worker, NOW)
        csv_text = await export_csv(uow, await load_schedule(uow, schedule_id))
        ics = await export_icalendar(uow, await load_schedule(uow, schedule_id))
        for agent in idle:
            assert [s for s in await my_schedule(uow, agent, NOW) if s.schedule_id == schedule_id] == []
    own = [s for s in mine if s.schedule_id == schedule_id]
    segments = sum(len(s.minute_segments()) for s in shifts if int(s.agent_id) == worker)
    assert len(own) == segments and {s.activity for s in own} >= {"shift", "break"}
    assert all(built.horizon.start <= s.start < s.end for s in own)
    lines = csv_text.strip().splitlines()
    assert lines[0] == "agent,date,start,end,activity"
    assert len(lines) - 1 == sum(len(s.minute_segments()) for s in shifts)
    assert ics.startswith("BEGIN:VCALENDAR") and ics.count("BEGIN:VEVENT") == len(lines) - 1


async def test_adherence_compares_presence_changes_with_the_schedule(planning: Planning) -> None:
    agent = await planning.agent()
    day = datetime(2026, 3, 9, tzinfo=UTC)
    row = Schedule(
        id=1,
        queue_id=1,
        starts_at=day,
        timezone="UTC",
        interval_minutes=30,
        num_intervals=48,
        status="published",
        solver_status="OPTIMAL",
        required=[0] * 48,
        created_at=day,
    )
    shift = ScheduleShift(
        schedule_id=1,
        agent_id=agent,
        day=0,
        template="t",
        skill="queue:1",
        start_minute=9 * 60,
        end_minute=11 * 60,
        paid_minutes=120,
        breaks=[{"activity": "break", "start": 600, "end": 615, "is_paid": True}],
    )
    changes = [
        (day - timedelta(days=1), Presence.AWAY),  # before the horizon: away from midnight
        (day + timedelta(hours=8, minutes=50), Presence.AVAILABLE),
        (day + timedelta(hours=10, minutes=5), Presence.AWAY),
        (day + timedelta(hours=10, minutes=15), Presence.AVAILABLE),
        (day + timedelta(hours=10, minutes=50), Presence.OFFLINE),
    ]
    for at, presence in changes:
        planning.clock.at = at
        await planning.container.bus.handle(SetPresence(agent_id=agent, presence=presence))
    schedule = stored(row, [shift])
    async with planning.container.uow() as uow:
        (report,) = await schedule_adherence(uow, schedule, NOW)
    # Scheduled 120 min: work 09:00-10:00 (60 adherent), break 10:00-10:15 (away from 10:05: 10),
    # work 10:15-11:00 (available until 10:50: 35). Worked: 08:50-10:05 and 10:15-10:50 = 110.
    assert report.agent_id == AgentId(str(agent))
    assert report.scheduled_minutes == 120 and report.adherent_minutes == 105
    assert report.adherence == 105 / 120
    assert report.worked_minutes == 110 and report.conformance == 110 / 105
    by_interval = {i.interval: i for i in report.intervals}
    assert by_interval[20].adherent_minutes == 10 + 15 and by_interval[20].scheduled_minutes == 30
    assert by_interval[17].worked_minutes == 10 and by_interval[17].scheduled_minutes == 0
    assert [s for s in schedule.result.shifts[0].minute_segments() if s[2] is Activity.BREAK]
