"""Pushes the console's figures to every open dashboard page soon after each event.

Waiting now, longest wait and agents by state come from a board kept in memory and moved on by
each event (`queries.live_floor.LiveBoard`), so a push costs no query and follows its event
within `min_interval_s`. The rest of a push (today's counts, the latest and flagged contacts,
the queues themselves) comes from a read of the database about every `read_every_s` while
events flow, which also reads the board afresh; pushes go on from the board while it runs. So
everything on the page is at most about a second behind, and the live figures a few hundredths
(bench/console_fanout.py). Without events, waits still grow: a push, with a read, every `tick_s`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from contact_center.domain.events import Event, QueueCreated, QueueUpdated
from contact_center.domain.queues import Queue
from contact_center.outage import Outage, is_outage
from contact_center.queries.dashboard import (
    FlaggedInteraction,
    RecentInteraction,
    dashboard_payload,
    flagged_interactions,
    recent_interactions,
)
from contact_center.queries.live_floor import LiveBoard, read_live
from contact_center.queries.wallboard import TodayCache, board_payload, console_figures
from contact_center.queries.wallboard_forecast import ForecastCache
from contact_center.queries.wallboard_today import TodayFigures, today_figures
from contact_center.services.policy import DashboardView
from contact_center.settings import SlFormula
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ViewRead:
    """What the last read gave one view besides the live figures."""

    queues: Sequence[Queue]
    recent: Sequence[RecentInteraction]
    flagged: Sequence[FlaggedInteraction]
    today: dict[int, TodayFigures]


class DashboardHub:
    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        *,
        min_interval_s: float = 0.02,
        tick_s: float = 5.0,
        read_every_s: float = 1.0,
        formula: SlFormula = "offered",
    ) -> None:
        self._uow = uow
        self._formula = formula
        self._sockets: weakref.WeakKeyDictionary[web.WebSocketResponse, DashboardView] = (
            weakref.WeakKeyDictionary()
        )
        self._dirty = asyncio.Event()
        self._min_interval = min_interval_s
        self._tick = tick_s
        self._read_every = read_every_s
        self._task: asyncio.Task[None] | None = None
        self._reading: asyncio.Task[None] | None = None
        self.forecasts = ForecastCache(uow, self._dirty.set)
        self.board = LiveBoard()
        self._reads: dict[DashboardView, ViewRead] = {}
        self._read_at = float("-inf")
        #: Events came since the last read began: the lists and today's counts may lack them.
        self._owed = False
        #: The events delivered while a read runs, applied again over what it read.
        self._crossing: list[Event] | None = None
        #: For the first page of a view: today's counts kept a moment, as pages open in bursts.
        self._today = TodayCache(read_every_s)

    async def on_event(self, event: Event) -> None:
        self.board.apply(event)
        if self._crossing is not None:
            self._crossing.append(event)
        if isinstance(event, QueueCreated | QueueUpdated):
            self._today.forget()
        self._owed = True
        self._dirty.set()

    def add(self, ws: web.WebSocketResponse, view: DashboardView) -> None:
        self._sockets[ws] = view

    def discard(self, ws: web.WebSocketResponse) -> None:
        self._sockets.pop(ws, None)

    async def figures(self, view: DashboardView) -> dict[str, Any]:
        """A page's first figures, read now (the pushes after it come from the board)."""
        data = await console_figures(self._uow(), view, today_cache=self._today, formula=self._formula)
        data["wallboard"] = self.forecasts.attach(data["wallboard"])
        return data

    async def start(self, _app: web.Application) -> None:
        self._task = asyncio.create_task(self._run(), name="dashboard-hub")

    async def stop(self, _app: web.Application) -> None:
        for task in (self._task, self._reading):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        await self.forecasts.close()
        for ws in list(self._sockets):
            await ws.close()

    def _next_wake(self) -> float:
        if not self._owed:
            return self._tick
        return max(0.0, self._read_at + self._read_every - time.monotonic())

    async def _run(self) -> None:
        outage = Outage(log, "dashboard")
        while True:
            # Not `wait_for`: on Python 3.11 it drops a cancel that lands as the wait ends (an
            # event just before the server stops), and `stop` would wait for this loop forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._next_wake()):
                    await self._dirty.wait()
            self._dirty.clear()
            try:
                await self._push()
            except Exception as exc:  # the database away: read again once it answers
                if not is_outage(exc):
                    log.exception("dashboard.refresh_failed")
                outage.failed(exc)
                await outage.pause()
                self._dirty.set()
                continue
            outage.recovered()
            await asyncio.sleep(self._min_interval)

    async def _push(self) -> None:
        """Push from the board; start a read when one is due, without waiting for it (its end
        pushes again)."""
        if self._reading is not None and self._reading.done():
            finished, self._reading = self._reading, None
            finished.result()  # a read that failed: the outage path of `_run`
        views = set(self._sockets.values())
        if not views:
            return
        unread = not views <= self._reads.keys()
        due = time.monotonic() - self._read_at >= self._read_every
        if (due or unread or self.board.needs_read) and self._reading is None:
            self._reading = asyncio.create_task(self._read(views), name="dashboard-read")
            self._reading.add_done_callback(lambda _task: self._dirty.set())
        now = self._uow().now()
        payloads: dict[DashboardView, str] = {}
        for ws, view in list(self._sockets.items()):
            if view not in self._reads:
                continue  # its page got its first figures when it opened; the read under way is its next
            if view not in payloads:
                payloads[view] = json.dumps(self._payload(view, now), ensure_ascii=False)
            with contextlib.suppress(ConnectionError, RuntimeError):
                await ws.send_str(payloads[view])

    def _payload(self, view: DashboardView, now: Any) -> dict[str, Any]:
        read = self._reads[view]
        live = self.board.queue_figures(read.queues, now)
        agents = self.board.floor()
        data = dashboard_payload(view, now, live, agents, read.recent, read.flagged)
        board = board_payload(view, now, read.queues, live, agents, read.today)
        data["wallboard"] = self.forecasts.attach(board)
        return data

    async def _read(self, views: set[DashboardView]) -> None:
        """The database's figures for every open view, and the board afresh, in one read."""
        self._crossing, self._owed = [], False
        started = time.monotonic()
        try:
            reads: dict[DashboardView, ViewRead] = {}
            uow = self._uow()
            async with uow:
                now = uow.now()
                snapshot = await read_live(uow)
                queues = await uow.queues.list()
                today_by_team: dict[str | None, dict[int, TodayFigures]] = {}
                for view in views:
                    mine = [q for q in queues if view.team is None or q.team == view.team]
                    if view.team not in today_by_team:
                        today_by_team[view.team] = await today_figures(uow, mine, now, self._formula)
                    contacts = view.with_contacts
                    reads[view] = ViewRead(
                        mine,
                        await recent_interactions(uow, team=view.team) if contacts else [],
                        await flagged_interactions(uow, team=view.team) if contacts else [],
                        today_by_team[view.team],
                    )
            self.board.load(snapshot, self._crossing)
            self._reads = reads
            self._read_at = started
        except BaseException:
            self._owed = True  # what came meanwhile is still to be read
            raise
        finally:
            self._crossing = None
