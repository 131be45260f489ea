"""Offered contacts and AHT per interval from the store, hand-checked on a small history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from contact_center.domain.enums import Channel, InteractionState
from contact_center.planning.history import load_history
from contact_center.planning.weeks import WeekGrid
from tests.contact_center.planning.conftest import Planning

MONDAY = date(2026, 3, 2)


def utc(hour: int, minute: int, day: int = 2, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)


async def test_offers_count_in_the_queue_time_zone_and_a_transfer_is_a_new_offer(planning: Planning) -> None:
    shanghai_id, shanghai = await planning.queue(timezone="Asia/Shanghai", interval=30)
    utc_id, utc_queue = await planning.queue(timezone="UTC", interval=15, channels=(Channel.CHAT,))
    agent = await planning.agent()
    await planning.offer(shanghai, utc(15, 50, day=1))  # Sunday 23:50 in Shanghai: the week before
    await planning.offer(shanghai, utc(16, 10, day=1))  # Monday 00:10 in Shanghai, Sunday in UTC
    await planning.offer(shanghai, utc(1, 59))  # 09:59: interval 19
    c3 = await planning.offer(shanghai, utc(2, 0))  # 10:00: interval 20
    await planning.handle(c3, utc(2, 0, second=5), agent, talk_s=180, wrap_s=30)
    c4 = await planning.offer(shanghai, utc(2, 5))
    await planning.handle(c4, utc(2, 6), agent, talk_s=100, wrap_s=20)
    c6 = await planning.offer(shanghai, utc(2, 10))
    await planning.move(c6, InteractionState.ABANDONED, utc(2, 11))
    c5 = await planning.offer(shanghai, utc(2, 20), Channel.CHAT)
    await planning.offer_to(c5, utc(2, 20), agent)
    await planning.accept(c5, utc(2, 20, second=10), agent)
    await planning.move(c5, InteractionState.TRANSFERRED, utc(2, 21, second=10), agent, queue=utc_queue)
    await planning.handle(c5, utc(2, 22), agent, talk_s=90, wrap_s=10)

    async with planning.container.uow() as uow:
        here = await load_history(uow, shanghai_id, WeekGrid(ZoneInfo("Asia/Shanghai"), 30, MONDAY, 1))
        there = await load_history(uow, utc_id, WeekGrid(ZoneInfo("UTC"), 15, MONDAY, 1))

    voice, chat = here.offered["voice"], here.offered["chat"]
    assert here.total().sum() == 6
    assert np.flatnonzero(voice).tolist() == [0, 19, 20]
    assert voice[20] == 3 and chat[20] == 1 and chat.sum() == 1
    assert here.handled["voice"][20] == 2 and here.handled["voice"][19] == 0
    assert here.aht("voice")[20] == (180 + 30 + 100 + 20) / 2
    assert here.aht("chat")[20] == 60  # handled in this queue until the transfer
    assert here.aht()[20] == (210 + 120 + 60) / 3
    assert np.isnan(here.aht()[19])
    # The transfer entered the UTC queue at 02:21:10: interval 9 of Monday in 15-minute intervals.
    assert np.flatnonzero(there.total()).tolist() == [9]
    assert there.offered["chat"][9] == 1 and there.aht("chat")[9] == 100


async def test_a_week_grid_places_wall_clock_intervals_across_a_daylight_saving_change() -> None:
    paris = ZoneInfo("Europe/Paris")
    grid = WeekGrid(paris, 30, date(2026, 3, 23), 1)  # clocks go forward on Sunday 29 March
    sunday = grid.first_day + timedelta(days=6)
    before = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 02:30 does not exist: 01:30 UTC is 03:30
    assert grid.index(before) == 6 * 48 + 7
    assert grid.index(datetime(2026, 3, 23, 0, 0, tzinfo=paris)) == 0
    assert grid.index(datetime(2026, 3, 30, 0, 0, tzinfo=paris)) is None
    assert grid.starts()[6 * 48].startswith(sunday.isoformat())
