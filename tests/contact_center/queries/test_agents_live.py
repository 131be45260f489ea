"""The agents view's figures (`queries/agents_live.py`), hand-checked, on SQLite and PostgreSQL.

One team agent's day on 2026-03-18 (UTC), NOW 10:00:
- available from 23:40 the day before; chat 0 answered 23:50:10, wrap-up 00:05:10, closed 00:10:10;
  offline 00:15;
- available 08:00; chat 1 answered 08:10:10, closed 08:45:10; chat 2 (at the same time) answered
  08:20:10, closed 08:55:10; away (lunch) 09:00; available 09:40; chat 3 answered 09:40:10, open.

Logged in and not away today: 00:00-00:15, 08:00-09:00, 09:40-10:00 = 15 + 60 + 20 = 95 min.
Handling today, each second once: 00:00-00:10:10 (610 s), 08:10:10-08:55:10 (2,700 s, chats 1 and 2
merged), 09:40:10-10:00 (1,190 s) = 4,500 s. Occupancy = 4,500 / 5,700 = 15/19. Handled today: chats
0, 1 and 2 (their handling ended today); chat 3 goes on.

The published schedule: work 08:00-10:30 with a break 09:00-09:30. Today's ended intervals (until
10:00): work 08:00-09:00 available (60 adherent), break 09:00-09:30 away (30), work 09:30-10:00
available from 09:40 (20): adherence = 110 / 120. 10:00-10:30 has not ended and is left out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contact_center.domain.commands import CreateAgent, CreateQueue, SetPresence
from contact_center.domain.enums import Channel, InteractionState, Presence
from contact_center.domain.planning import Schedule, ScheduleShift
from contact_center.queries.agent_day import Handling, handlings, merged, overlap_s
from contact_center.queries.agents_live import agents_live, day_start
from contact_center.services.policy import EVERYTHING, Scope
from tests.conftest import unique
from tests.contact_center.planning.conftest import Planning

DAY = datetime(2026, 3, 18, tzinfo=UTC)
NOW = DAY + timedelta(hours=10)


def at(hours: int, minutes: int = 0, seconds: int = 0) -> datetime:
    return DAY + timedelta(hours=hours, minutes=minutes, seconds=seconds)


async def presence(planning: Planning, agent: int, when: datetime, state: Presence, reason: str = "") -> None:
    planning.clock.at = when
    await planning.container.bus.handle(SetPresence(agent_id=agent, presence=state, reason=reason))


async def chat(planning: Planning, queue: str, agent: int, answered: datetime, ended: datetime | None) -> int:
    interaction = await planning.offer(queue, answered - timedelta(seconds=10), Channel.CHAT)
    await planning.offer_to(interaction, answered - timedelta(seconds=10), agent)
    await planning.accept(interaction, answered, agent)
    if ended is not None:
        await planning.move(interaction, InteractionState.WRAP_UP, ended - timedelta(minutes=5), agent)
        await planning.move(interaction, InteractionState.CLOSED, ended, agent)
    return interaction


async def test_a_team_agents_day_so_far(planning: Planning) -> None:
    bus = planning.container.bus
    team = unique("team")
    planning.clock.at = DAY - timedelta(days=2)
    queue = unique("live_q")
    queue_id = int(await bus.handle(CreateQueue(name=queue, channels=(Channel.CHAT,), team=team)))
    agent = int(await bus.handle(CreateAgent(username=unique("live_a"), display_name="Ada", team=team)))
    idle = int(await bus.handle(CreateAgent(username=unique("live_b"), display_name="Bo", team=team)))
    other = int(await bus.handle(CreateAgent(username=unique("live_c"), team=unique("other"))))

    await presence(planning, agent, DAY - timedelta(minutes=20), Presence.AVAILABLE)
    await chat(planning, queue, agent, DAY - timedelta(minutes=9, seconds=50), at(0, 10, 10))
    await presence(planning, agent, at(0, 15), Presence.OFFLINE)
    await presence(planning, agent, at(8), Presence.AVAILABLE)
    await chat(planning, queue, agent, at(8, 10, 10), at(8, 45, 10))
    await chat(planning, queue, agent, at(8, 20, 10), at(8, 55, 10))
    await presence(planning, agent, at(9), Presence.AWAY, "lunch")
    await presence(planning, agent, at(9, 40), Presence.AVAILABLE)
    open_chat = await chat(planning, queue, agent, at(9, 40, 10), None)
    async with planning.container.uow() as uow:
        schedule = Schedule(
            queue_id=queue_id,
            starts_at=DAY,
            timezone="UTC",
            interval_minutes=30,
            num_intervals=48,
            status="published",
            solver_status="OPTIMAL",
            required=[0] * 48,
            created_at=DAY,
        )
        uow.session.add(schedule)
        await uow.session.flush()
        uow.session.add(
            ScheduleShift(
                schedule_id=schedule.id or 0,
                agent_id=agent,
                day=0,
                template="t",
                skill="queue",
                start_minute=8 * 60,
                end_minute=10 * 60 + 30,
                paid_minutes=150,
                breaks=[{"activity": "break", "start": 540, "end": 570, "is_paid": True}],
            )
        )
        await uow.commit()
    planning.clock.at = NOW

    found = await agents_live(planning.container.uow(), Scope(team=team))
    assert found.at == NOW.isoformat() and found.day_start == DAY.isoformat()
    by_id = {a.agent_id: a for a in found.agents}
    assert set(by_id) == {agent, idle}  # the other team's agent is not listed
    ada = by_id[agent]
    assert ada.name == "Ada" and ada.state == "busy"  # available, but handling a chat
    assert ada.state_since == at(9, 40).isoformat()
    assert [(i.id, i.channel, i.state, i.queue) for i in ada.interactions] == [
        (open_chat, "chat", "active", queue)
    ]
    assert ada.interactions[0].since == at(9, 40, 10).isoformat()
    assert ada.handled_today == 3
    assert ada.occupancy_today is not None and abs(ada.occupancy_today - 15 / 19) < 1e-9
    assert ada.adherence_today is not None and abs(ada.adherence_today - 110 / 120) < 1e-9
    bo = by_id[idle]
    assert (bo.state, bo.interactions, bo.handled_today) == ("offline", (), 0)
    assert bo.occupancy_today is None and bo.adherence_today is None

    everyone = await agents_live(planning.container.uow(), EVERYTHING)
    assert {agent, idle, other} <= {a.agent_id for a in everyone.agents}
    # In Shanghai (UTC+8) the day began at 16:00 UTC the day before: chat 0 counts whole.
    shanghai = await agents_live(planning.container.uow(), Scope(team=team), timezone="Asia/Shanghai")
    assert shanghai.day_start == "2026-03-18T00:00:00+08:00"
    assert {a.agent_id: a.handled_today for a in shanghai.agents}[agent] == 3


def test_midnight_is_the_readers() -> None:
    now = datetime(2026, 3, 18, 17, 30, tzinfo=UTC)
    assert day_start(now, None) == DAY
    assert day_start(now, "Asia/Shanghai").isoformat() == "2026-03-19T00:00:00+08:00"
    assert day_start(now, "No/Such_Zone") == DAY


def test_handlings_follow_the_agent_who_held_the_interaction() -> None:
    t0 = DAY
    rows = [
        (1, "queued", t0, None),
        (1, "active", t0 + timedelta(minutes=1), 7),
        (1, "wrap_up", t0 + timedelta(minutes=5), 7),
        (1, "transferred", t0 + timedelta(minutes=6), 7),  # a take over: 7's handling ends
        (1, "queued", t0 + timedelta(minutes=6), None),
        (1, "active", t0 + timedelta(minutes=6), 9),
        (2, "active", t0 + timedelta(minutes=2), 7),
    ]
    now = t0 + timedelta(minutes=10)
    assert handlings(rows, now) == [
        Handling(7, t0 + timedelta(minutes=1), t0 + timedelta(minutes=6), True),
        Handling(9, t0 + timedelta(minutes=6), now, False),
        Handling(7, t0 + timedelta(minutes=2), now, False),
    ]


def test_spans_merge_and_overlap() -> None:
    m = lambda a, b: (DAY + timedelta(minutes=a), DAY + timedelta(minutes=b))  # noqa: E731
    assert merged([m(5, 10), m(0, 6), m(20, 30), m(30, 31)]) == [m(0, 10), m(20, 31)]
    assert overlap_s([m(0, 10), m(20, 31)], [m(5, 25)]) == (5 + 5) * 60
