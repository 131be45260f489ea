"""Forecasts from the store: better than last week's figures, planner overrides, requirements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from contact_center.domain.enums import Channel
from contact_center.domain.planning_commands import AddOverride, DeleteOverride
from contact_center.domain.queues import Queue
from contact_center.planning.forecast import (
    ChannelForecast,
    WeekForecast,
    forecast_week,
    held_out_accuracy,
    week_grid,
)
from contact_center.planning.requirements import WhatIf, requirements
from tests.contact_center.planning.conftest import NEXT_MONDAY, Planning, seeded_queue
from workforce.erlang import StaffingTargets, required_agents, service_level, traffic_erlangs
from workforce.forecasting import BacktestScore


async def test_forecast_of_the_held_out_week_beats_the_seasonal_naive(
    planning: Planning, database_url: str
) -> None:
    seeded = await seeded_queue(planning, database_url)
    async with planning.container.uow() as uow:
        queue = await uow.queues.get(seeded.queue_id)
        held = await held_out_accuracy(uow, queue)
        nxt = await forecast_week(uow, queue, NEXT_MONDAY)
    assert held is not None and held.forecast.actual is not None
    assert held.forecast.grid.first_day == NEXT_MONDAY - timedelta(weeks=2)
    assert held.forecast.history_weeks == 7
    assert held.report.model.wape < held.report.baseline.wape
    assert held.report.wape_ratio < 0.9
    assert nxt.actual is None and nxt.history_weeks == 8
    assert set(nxt.channels) == {"voice", "chat"}
    assert nxt.total().size == 7 * 48 and 0.5 * 6 * 70 < nxt.total().sum() < 2 * 6 * 100
    assert np.all(nxt.aht() > 0)


async def test_overrides_multiply_or_replace_the_forecast_and_can_be_deleted(
    planning: Planning, database_url: str
) -> None:
    seeded = await seeded_queue(planning, database_url)
    week = NEXT_MONDAY + timedelta(weeks=1)  # a week no other test plans
    monday = datetime(week.year, week.month, week.day, tzinfo=UTC)
    bus = planning.container.bus
    doubled = AddOverride(
        seeded.queue_id, monday, monday + timedelta(days=1), multiplier=2.0, reason="campaign"
    )
    fixed = AddOverride(
        seeded.queue_id,
        monday + timedelta(hours=10),
        monday + timedelta(hours=11, minutes=10),
        value=9.0,
        channel=Channel.VOICE,
    )
    first = await bus.handle(doubled)
    second = await bus.handle(fixed)
    try:
        async with planning.container.uow() as uow:
            made = await forecast_week(uow, await uow.queues.get(seeded.queue_id), week)
        voice, chat = made.channels["voice"], made.channels["chat"]
        np.testing.assert_allclose(chat.contacts[:48], 2 * chat.baseline[:48])
        np.testing.assert_allclose(voice.contacts[20:23], 9.0)  # 10:00 to 11:10 touches 3 intervals
        np.testing.assert_allclose(voice.contacts[:20], 2 * voice.baseline[:20])
        np.testing.assert_allclose(voice.contacts[48:], voice.baseline[48:])
    finally:
        await bus.handle(DeleteOverride(first.id or 0))
        await bus.handle(DeleteOverride(second.id or 0))


def _flat_forecast(contacts: float, aht_s: float) -> WeekForecast:
    queue = Queue(id=1, name="hand", sl_target=0.8, sl_threshold_s=20, interval_minutes=30, timezone="UTC")
    grid = week_grid(queue, NEXT_MONDAY)
    values = np.full(grid.size, contacts)
    made = ChannelForecast(
        values, values, np.full(grid.size, aht_s), "hand", (BacktestScore("hand", 0.0, 0),)
    )
    return WeekForecast(queue, grid, 1, {"voice": made}, None, values)


def test_requirements_are_erlang_c_for_a_hand_case() -> None:
    need = requirements(_flat_forecast(100, 180))
    # 100 calls of 180 s in 30 minutes: 10 erlangs; 80 % answered within 20 s needs 14 agents.
    assert traffic_erlangs(100, 180, 1800) == 10
    assert required_agents(10, 180, StaffingTargets(0.8, 20)).agents == 14
    assert service_level(13, 10, 180, 20) < 0.8 <= service_level(14, 10, 180, 20)
    assert set(need.agents) == {14}
    assert need.agent_hours == 14 * 336 / 2


def test_what_if_moves_requirements_the_right_way() -> None:
    made = _flat_forecast(100, 180)
    base = requirements(made).agents[0]
    assert requirements(made, WhatIf(sl_target=0.95)).agents[0] > base
    assert requirements(made, WhatIf(sl_target=0.5)).agents[0] < base
    assert requirements(made, WhatIf(aht_s=360)).agents[0] > base
    assert requirements(made, WhatIf(sl_threshold_s=60)).agents[0] < base
