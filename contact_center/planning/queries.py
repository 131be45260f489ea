"""The planning reads the API and the pages share, each answering a JSON-ready document.

Each query reads its rows in one short unit of work and computes after it has ended, in a worker
thread (forecasts, staffing and accuracy take from tens of milliseconds to seconds of CPU): a
computation must neither stall the event loop nor hold a transaction open (on SQLite every
transaction takes the write lock). Horizons are bounded first, so no request can ask for years
of history or a week beyond the calendar: beyond a bound is a 422 that names it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from contact_center.domain.errors import UnprocessableError
from contact_center.planning import documents as docs
from contact_center.planning.adherence import schedule_adherence
from contact_center.planning.forecast import (
    DEFAULT_WEEKS,
    compute_forecast,
    compute_held_out,
    forecast_inputs,
    held_out_week,
    week_grid,
)
from contact_center.planning.history import load_history
from contact_center.planning.overrides import list_overrides
from contact_center.planning.published import export_csv, export_icalendar, my_schedule, usernames
from contact_center.planning.requirements import WhatIf, requirements
from contact_center.planning.schedules import list_schedules, load_schedule
from contact_center.planning.staff import contract_terms
from contact_center.planning.weeks import current_monday, zone
from contact_center.storage.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
#: Weeks of history shown, and weeks a forecast learns from.
MAX_HISTORY_WEEKS = 26
MAX_FORECAST_WEEKS = 16
#: How far from this week a forecast, a requirement or a schedule may be asked for.
MAX_WEEKS_AHEAD = 12
MAX_WEEKS_BACK = 52


def bounded_weeks(weeks: int, most: int, name: str = "weeks") -> int:
    if not 1 <= weeks <= most:
        raise UnprocessableError(f"{name} must be between 1 and {most}", code="horizon_too_long")
    return weeks


def bounded_week(week: date | None, this_monday: date) -> date:
    """The Monday of `week` (next week when None), refused beyond the planning window."""
    if week is None:
        return this_monday + timedelta(weeks=1)
    monday = week - timedelta(days=week.weekday())
    earliest = this_monday - timedelta(weeks=MAX_WEEKS_BACK)
    latest = this_monday + timedelta(weeks=MAX_WEEKS_AHEAD)
    if not earliest <= monday <= latest:
        raise UnprocessableError(
            f"week must be between {earliest} and {latest}: up to {MAX_WEEKS_BACK} weeks back "
            f"and {MAX_WEEKS_AHEAD} weeks ahead",
            code="horizon_too_long",
        )
    return monday


async def planning_week(uow_factory: UowFactory, queue_id: int, week: date | None) -> date:
    """The bounded week for a queue (404 for an unknown queue)."""
    async with uow_factory() as uow:
        queue = await uow.queues.get(queue_id)
        return bounded_week(week, current_monday(uow.now(), zone(queue.timezone)))


async def history(uow_factory: UowFactory, queue_id: int, weeks: int) -> dict[str, Any]:
    bounded_weeks(weeks, MAX_HISTORY_WEEKS)
    async with uow_factory() as uow:
        queue = await uow.queues.get(queue_id)
        monday = current_monday(uow.now(), zone(queue.timezone))
        grid = week_grid(queue, monday - timedelta(weeks=weeks), weeks)
        found = await load_history(uow, queue.id or 0, grid)
    return docs.history_doc(queue.id or 0, found)


async def forecast(uow_factory: UowFactory, queue_id: int, week: date | None, weeks: int) -> dict[str, Any]:
    bounded_weeks(weeks, MAX_FORECAST_WEEKS)
    async with uow_factory() as uow:
        queue = await uow.queues.get(queue_id)
        target = bounded_week(week, current_monday(uow.now(), zone(queue.timezone)))
        inputs = await forecast_inputs(uow, queue, target, weeks=weeks)
        held = await forecast_inputs(uow, queue, held_out_week(uow, queue), weeks=weeks, with_overrides=False)
    made = await asyncio.to_thread(compute_forecast, inputs)
    scored = await asyncio.to_thread(compute_held_out, held)
    return docs.forecast_doc(made, scored)


async def week_requirements(
    uow_factory: UowFactory, queue_id: int, week: date | None, what_if: WhatIf
) -> dict[str, Any]:
    async with uow_factory() as uow:
        queue = await uow.queues.get(queue_id)
        target = bounded_week(week, current_monday(uow.now(), zone(queue.timezone)))
        inputs = await forecast_inputs(uow, queue, target, weeks=DEFAULT_WEEKS)

    def compute() -> dict[str, Any]:
        made = compute_forecast(inputs)
        return docs.requirements_doc(made, requirements(made, what_if), what_if)

    return await asyncio.to_thread(compute)


async def overrides(uow_factory: UowFactory, queue_id: int) -> dict[str, Any]:
    async with uow_factory() as uow:
        queue = await uow.queues.get(queue_id)
        rows = await list_overrides(uow, queue.id or 0)
    return {"items": [docs.override_doc(r) for r in rows]}


async def schedules(uow_factory: UowFactory, queue_id: int) -> dict[str, Any]:
    async with uow_factory() as uow:
        queue = await uow.queues.get(queue_id)
        rows = await list_schedules(uow, queue.id or 0)
    return {"items": [docs.schedule_row_doc(r) for r in rows]}


async def schedule(uow_factory: UowFactory, schedule_id: int) -> dict[str, Any]:
    async with uow_factory() as uow:
        found = await load_schedule(uow, schedule_id)
        agents = await uow.agents.list()
    return docs.schedule_doc(found, agents)


async def schedule_csv(uow_factory: UowFactory, schedule_id: int) -> str:
    async with uow_factory() as uow:
        return await export_csv(uow, await load_schedule(uow, schedule_id))


async def schedule_ics(uow_factory: UowFactory, schedule_id: int) -> str:
    async with uow_factory() as uow:
        return await export_icalendar(uow, await load_schedule(uow, schedule_id))


async def adherence(uow_factory: UowFactory, schedule_id: int) -> dict[str, Any]:
    async with uow_factory() as uow:
        found = await load_schedule(uow, schedule_id)
        report = await schedule_adherence(uow, found, uow.now())
        names = await usernames(uow, {int(a.agent_id) for a in report})
    return docs.adherence_doc(found, report, names)


async def own_schedule(uow_factory: UowFactory, agent_id: int) -> dict[str, Any]:
    async with uow_factory() as uow:
        segments = await my_schedule(uow, agent_id, uow.now())
    items = [
        {
            "schedule_id": s.schedule_id,
            "queue_id": s.queue_id,
            "start": s.start.isoformat(),
            "end": s.end.isoformat(),
            "activity": s.activity,
        }
        for s in segments
    ]
    return {"agent_id": agent_id, "items": items}


async def contract(uow_factory: UowFactory, agent_id: int) -> dict[str, Any]:
    async with uow_factory() as uow:
        await uow.agents.get(agent_id)
        row = (await contract_terms(uow, [agent_id])).get(agent_id)
    return docs.terms_doc(agent_id, docs.terms_of(row), row is None)
