"""Presence that tells the truth: an agent whose desk closed is taken out of routing.

The agent's desk holds `/ws/events?desk=1` open. When an agent's last desk closes (tab closed,
network lost, laptop asleep) a timer starts in the process that saw it close. If no desk of
theirs is open anywhere when `disconnect_grace_s` has passed, they are set away or offline
(`SetPresence`, reason "desk disconnected"), so the router offers nothing more to a closed tab;
if still none is open `orphaned_chat_after_s` after the close, their active chats are requeued
or flagged (`HandleOrphanedChats`). A reload or a short network cut reconnects within the grace
and changes nothing.

"Open anywhere" is what every web process can see (`desk_registry.py`): a desk that reconnects to
another process keeps the agent available. A process killed with desks open sees none of them
close; its word for them lapses within `DESK_TTL_S`, and the process that finds it lapsed starts
the timer instead, so those agents too are taken out of routing unless their desks came back
elsewhere. While Redis or the database does not answer, nothing is decided on a
guess (a wrong "away" costs an agent their offers): the step waits, logged once, and asks again
once they answer, when the desk may have come back. Another refusal leaves the agent as they are.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from redis.exceptions import RedisError

from agent_ui.desk_registry import DESK_TTL_S, DeskRegistry
from contact_center.bus import MessageBus
from contact_center.domain.commands import HandleOrphanedChats, SetPresence
from contact_center.domain.enums import Presence
from contact_center.domain.errors import ContactCenterError
from contact_center.outage import Outage, is_outage
from contact_center.settings import DeskSettings
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

REASON = "desk disconnected"
ACTOR = "desk"


class DeskWatch:
    """Starts a timer when an agent's last desk in this process closes, and acts when it runs out."""

    def __init__(
        self,
        bus: MessageBus,
        uow: Callable[[], UnitOfWork],
        settings: DeskSettings,
        registry: DeskRegistry,
        *,
        sweep_every_s: float = DESK_TTL_S / 3,
    ) -> None:
        """`sweep_every_s`: how often the registry is asked for desks whose process died."""
        self._bus = bus
        self._uow = uow
        self._settings = settings
        self.registry = registry
        self._timers: dict[int, asyncio.Task[None]] = {}
        self._stopping = False
        self._sweep_every = sweep_every_s
        self._sweeper: asyncio.Task[None] | None = None
        #: Shared by the timers, so an outage is logged once; not listed as degraded, since a
        #: timer cancelled mid-outage (the desk came back) leaves no one to end it.
        self._outage = Outage(log, "desk.presence", registered=False)

    async def opened(self, agent_id: int) -> None:
        timer = self._timers.pop(agent_id, None)
        if timer is not None:
            timer.cancel()
        await self.registry.opened(agent_id)

    async def closed(self, agent_id: int) -> None:
        """A desk socket ended. While the process stops, its sockets close with it: that says
        nothing of the agents, whose desks reconnect to the process that replaces it."""
        if not await self.registry.closed(agent_id) or self._stopping:
            return
        self._start_timer(agent_id)

    def _start_timer(self, agent_id: int) -> None:
        previous = self._timers.pop(agent_id, None)
        if previous is not None:
            previous.cancel()
        timer = asyncio.create_task(self._after_close(agent_id), name=f"desk-closed-{agent_id}")
        self._timers[agent_id] = timer
        timer.add_done_callback(lambda done: self._forget(agent_id, done))

    async def _sweep(self) -> None:
        """Desks of a process that died: nobody saw them close, so start their timers here."""
        outage = Outage(log, "desk.sweep")
        while True:
            await asyncio.sleep(self._sweep_every)
            try:
                lapsed = await self.registry.lapsed()
            except Exception as exc:
                if not is_outage(exc):
                    log.exception("desk.sweep_failed")
                outage.failed(exc)
                continue
            outage.recovered()
            for agent_id in lapsed:
                if agent_id not in self._timers and not self._stopping:
                    log.info("desk.lapsed", extra={"agent_id": agent_id})
                    self._start_timer(agent_id)

    def _forget(self, agent_id: int, timer: asyncio.Task[None]) -> None:
        if self._timers.get(agent_id) is timer:
            del self._timers[agent_id]

    def attach(self, app: web.Application) -> None:
        """Start and stop with `app`; call it before the desk sockets' shutdown is registered,
        so no timer starts for the sockets the shutdown closes."""
        app.on_startup.append(self._on_startup)
        app.on_shutdown.append(self._on_shutdown)
        app.on_cleanup.append(self._on_cleanup)

    async def _on_startup(self, _app: web.Application) -> None:
        await self.start()

    async def _on_shutdown(self, _app: web.Application) -> None:
        self._stopping = True

    async def _on_cleanup(self, _app: web.Application) -> None:
        await self.stop()

    async def start(self) -> None:
        await self.registry.start()
        self._sweeper = asyncio.create_task(self._sweep(), name="desk-sweep")

    async def stop(self) -> None:
        self._stopping = True
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        for timer in list(self._timers.values()):
            timer.cancel()
        for timer in list(self._timers.values()):
            with contextlib.suppress(asyncio.CancelledError):
                await timer
        self._timers.clear()
        await self.registry.stop()

    async def _after_close(self, agent_id: int) -> None:
        steps: list[tuple[float, Callable[[int], Awaitable[None]]]] = sorted(
            [
                (self._settings.disconnect_grace_s, self._take_out_of_routing),
                (self._settings.orphaned_chat_after_s, self._handle_chats),
            ],
            key=lambda step: step[0],
        )
        started = time.monotonic()
        for at, step in steps:
            await asyncio.sleep(max(0.0, started + at - time.monotonic()))
            while True:
                try:
                    if await self.registry.alive(agent_id):
                        return
                    await step(agent_id)
                except Exception as exc:
                    if not is_outage(exc):
                        self._refused(agent_id, exc)
                        return  # leave the agent as they are
                    # The database or Redis away: ask again once it answers (the desk may have
                    # come back meanwhile), so a closed desk is not forgotten for good.
                    self._outage.failed(exc)
                    await self._outage.pause()
                    continue
                self._outage.recovered()
                break

    @staticmethod
    def _refused(agent_id: int, exc: Exception) -> None:
        if isinstance(exc, RedisError | ContactCenterError):
            log.warning("desk.step_failed", extra={"agent_id": agent_id, "error": str(exc)})
        else:
            log.exception("desk.step_failed", extra={"agent_id": agent_id})

    async def _take_out_of_routing(self, agent_id: int) -> None:
        target = Presence(self._settings.disconnect_presence)
        async with self._uow() as uow:
            agent = await uow.agents.get(agent_id)
        if Presence(agent.presence) in (Presence.OFFLINE, target):
            return  # they left by themselves: their own reason stays
        await self._bus.handle(SetPresence(agent_id=agent_id, presence=target, reason=REASON, actor=ACTOR))
        log.info("desk.presence_set", extra={"agent_id": agent_id, "presence": target.value})

    async def _handle_chats(self, agent_id: int) -> None:
        action = self._settings.orphaned_chat_action
        handled = await self._bus.handle(
            HandleOrphanedChats(agent_id=agent_id, action=action, reason=REASON, actor=ACTOR)
        )
        if handled:
            log.info(
                "desk.orphaned_chats", extra={"agent_id": agent_id, "action": action, "count": len(handled)}
            )
