"""Offered contacts and handle time per interval, per channel, read from the transitions of a queue.

Counting rules (docs/metrics.md): an offer is a transition into the queue (`to_state = 'queued'` with
this queue), counted in the wall-clock interval of the queue's time zone it happened in; a
transfer into another queue is a new offer there. Handle time = time in `active` (talk or chat,
hold included) + time in `wrap_up`, and belongs to the offer it follows: the handling between one
entry into a queue and the next (or the close) is that offer's. An offer still being handled, or
abandoned, adds no handle time. One query reads the transitions of every interaction offered to
the queue in the window, ordered; the bucketing is done here in Python, identically on SQLite and
PostgreSQL (whose date functions differ).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlmodel import col, select

from contact_center.domain.enums import InteractionState
from contact_center.domain.interactions import Interaction, InteractionTransition
from contact_center.planning.weeks import WeekGrid
from contact_center.storage.uow import UnitOfWork

FloatArray = NDArray[np.float64]
HANDLING = frozenset({InteractionState.ACTIVE.value, InteractionState.WRAP_UP.value})
QUEUED = InteractionState.QUEUED.value
# Handling that ends this long after the window still belongs to an offer inside it.
HANDLING_TAIL = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class QueueHistory:
    """Arrays of grid.size values per channel: offers, handled offers, total handle seconds."""

    grid: WeekGrid
    offered: dict[str, FloatArray] = field(default_factory=dict)
    handled: dict[str, FloatArray] = field(default_factory=dict)
    handle_s: dict[str, FloatArray] = field(default_factory=dict)

    @property
    def channels(self) -> list[str]:
        return sorted(self.offered)

    def total(self) -> FloatArray:
        out = np.zeros(self.grid.size)
        for values in self.offered.values():
            out += values
        return out

    def aht(self, channel: str | None = None) -> FloatArray:
        """Average handle time per interval (NaN where nothing was handled)."""
        names = [channel] if channel is not None else self.channels
        handled = sum((self.handled[c] for c in names), np.zeros(self.grid.size))
        seconds = sum((self.handle_s[c] for c in names), np.zeros(self.grid.size))
        out: FloatArray = np.divide(seconds, handled, out=np.full(self.grid.size, np.nan), where=handled > 0)
        return out

    def _arrays(self, channel: str) -> tuple[FloatArray, FloatArray, FloatArray]:
        if channel not in self.offered:
            for store in (self.offered, self.handled, self.handle_s):
                store[channel] = np.zeros(self.grid.size)
        return self.offered[channel], self.handled[channel], self.handle_s[channel]


async def load_history(uow: UnitOfWork, queue_id: int, grid: WeekGrid) -> QueueHistory:
    """The queue's history over the grid (call inside an open unit of work)."""
    t, i = InteractionTransition, Interaction
    start, end = grid.start_utc, grid.end_utc
    offered_here = (
        select(t.interaction_id)
        .where(t.queue_id == queue_id, t.to_state == InteractionState.QUEUED)
        .where(t.at >= start, t.at < end)
    )
    stmt = (
        select(  # type: ignore[call-overload]
            col(t.interaction_id), col(t.to_state), col(t.at), col(t.queue_id), col(i.channel)
        )
        .join(i, col(i.id) == col(t.interaction_id))
        .where(col(t.interaction_id).in_(offered_here))
        .where(t.at >= start, t.at < end + HANDLING_TAIL)
        .order_by(col(t.interaction_id), col(t.at), col(t.id))
    )
    rows = (await uow.session.exec(stmt)).all()
    history = QueueHistory(grid)
    _bucket(history, queue_id, rows)
    return history


def _bucket(history: QueueHistory, queue_id: int, rows: Sequence[Any]) -> None:
    grid = history.grid
    current_iid: int | None = None
    previous: str | None = None
    offer: tuple[str, int] | None = None  # (channel, interval) of the offer being followed
    handle = 0.0
    entered: datetime | None = None  # when the interaction entered active or wrap-up
    is_done = False  # handling of the current offer ended (closed, pending or transferred)

    def settle() -> None:
        if offer is not None and is_done:
            _offered, handled, seconds = history._arrays(offer[0])
            handled[offer[1]] += 1
            seconds[offer[1]] += handle

    for iid, to_state, at, row_queue, channel in rows:
        state = _text(to_state)
        if iid != current_iid:
            settle()
            current_iid, previous, offer, handle, entered, is_done = iid, None, None, 0.0, None, False
        if entered is not None:
            handle += (at - entered).total_seconds()
            entered = None
        if previous in HANDLING and state not in HANDLING:
            is_done = True
        if state == QUEUED:
            settle()
            offer, handle, is_done = None, 0.0, False
            index = grid.index(at) if row_queue == queue_id else None
            if index is not None:
                name = _text(channel)
                history._arrays(name)[0][index] += 1
                offer = (name, index)
        elif state in HANDLING:
            entered = at
        previous = state
    settle()


def _text(value: Any) -> str:
    """An enum column's value, whether the driver hands back the member or its string."""
    return str(getattr(value, "value", value))
