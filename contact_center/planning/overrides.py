"""Planner overrides of the forecast for special periods, stored per queue.

An override covers wall-clock time [starts_at, ends_at), for one channel or all of the queue's, and
either multiplies the model's forecast or replaces it with an absolute number of contacts per
interval. Later overrides win where they overlap. Adding and deleting them are commands
(services/planning.py); this module reads and applies them. A value for all channels is shared between the
channels in proportion to their forecast in each interval (equally where it is zero).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
from sqlmodel import col, select

from contact_center.domain.planning import ForecastOverride
from contact_center.planning.history import FloatArray
from contact_center.planning.weeks import WeekGrid
from contact_center.storage.uow import UnitOfWork


async def list_overrides(
    uow: UnitOfWork, queue_id: int, *, start: datetime | None = None, end: datetime | None = None
) -> Sequence[ForecastOverride]:
    """The queue's overrides in creation order (call inside an open unit of work)."""
    stmt = select(ForecastOverride).where(ForecastOverride.queue_id == queue_id)
    if start is not None:
        stmt = stmt.where(col(ForecastOverride.ends_at) > start)
    if end is not None:
        stmt = stmt.where(col(ForecastOverride.starts_at) < end)
    return (await uow.session.exec(stmt.order_by(col(ForecastOverride.id)))).all()


def apply_overrides(
    grid: WeekGrid, forecasts: dict[str, FloatArray], overrides: Sequence[ForecastOverride]
) -> dict[str, FloatArray]:
    """The per-channel forecasts of the week `grid` with the overrides applied, in order."""
    out = {name: values.copy() for name, values in forecasts.items()}
    for row in overrides:
        first, last = _span(grid, row.starts_at, row.ends_at)
        if first >= last:
            continue
        names = [row.channel] if row.channel is not None else sorted(out)
        names = [n for n in names if n in out]
        if row.multiplier is not None:
            for name in names:
                out[name][first:last] *= row.multiplier
        elif row.value is not None and names:
            block = np.array([out[n][first:last] for n in names])
            total = block.sum(axis=0)
            share = np.divide(block, total, out=np.full_like(block, 1 / len(names)), where=total > 0)
            for k, name in enumerate(names):
                out[name][first:last] = row.value * share[k]
    return out


def _span(grid: WeekGrid, start: datetime, end: datetime) -> tuple[int, int]:
    """Intervals [first, last) of the grid that [start, end) touches."""
    return _edge(grid, start, is_end=False), _edge(grid, end, is_end=True)


def _edge(grid: WeekGrid, at: datetime, *, is_end: bool) -> int:
    index = grid.index(at)
    if index is None:
        return 0 if at < grid.start_utc else grid.size
    local = at.astimezone(grid.tz)
    inside = (local.hour * 60 + local.minute) % grid.interval_minutes or local.second or local.microsecond
    return index + 1 if is_end and inside else index
