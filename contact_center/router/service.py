"""The router service: domain events in, routing engine in the middle, commands out.

Events are triggers, not state: for each one the service reads the current rows it needs, so an
event delivered twice or late (a consumer catching up after a takeover) cannot mislead the engine.
On becoming leader it rebuilds the engine from the database (queued interactions, open offers with
their original times, agents with their load) and only then consumes events. Each decision is a
command in its own unit of work, fenced by the leader's epoch.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from datetime import UTC, datetime
from typing import Any

from sqlmodel import select

from contact_center.bootstrap import Container
from contact_center.bus import RedisStreamBroker
from contact_center.domain import events as ev
from contact_center.domain.commands import CloseOffer, OfferInteraction, RecordDecision, SetPresence
from contact_center.domain.enums import InteractionState, Presence
from contact_center.domain.errors import ConflictError, FencedError, NotFoundError
from contact_center.domain.routing import Offer as OfferRow
from contact_center.domain.routing import OfferState
from contact_center.router.leadership import Leadership, RedisLeadership, SoleLeadership
from contact_center.router.mapping import (
    agent_state,
    build_snapshot,
    loads,
    policies_from,
    waiting_interaction,
)
from routing import (
    AgentId,
    AgentLoadChanged,
    AgentLoggedIn,
    AgentPresenceChanged,
    AgentSkillsChanged,
    Channel,
    Decision,
    InteractionId,
    InteractionQueued,
    InteractionRemoved,
    Offer,
    OfferAccepted,
    OfferExpired,
    OfferRejected,
    OfferWithdrawn,
    QueueId,
    RoutingEngine,
    SetAgentAway,
    Tick,
)
from routing import Event as RoutingEvent
from routing import (
    Presence as RoutingPresence,
)

log = logging.getLogger(__name__)

HANDLED = {
    InteractionState.ACTIVE,
    InteractionState.WRAP_UP,
    InteractionState.PENDING,
    InteractionState.CLOSED,
}
REMOVED = {
    "interaction.abandoned": "abandoned",
    "interaction.closed": "closed",
    "interaction.transferred": "transferred",
}


class LostLeadershipError(Exception):
    """A newer router took over; this one stops routing and stands by."""


class RouterService:
    def __init__(self, container: Container, leadership: Leadership | None = None) -> None:
        self.container = container
        if leadership is None:
            if container.redis is not None:
                namespace = f"{container.settings.redis.stream}:router"
                leadership = RedisLeadership(container.redis, container.uow, prefix=namespace)
            else:
                leadership = SoleLeadership(container.uow)
        self.leadership = leadership
        self.engine: RoutingEngine | None = None
        self.epoch = 0
        self._inbox: asyncio.Queue[ev.Event] = asyncio.Queue()
        self._lock = asyncio.Lock()
        self._wake_timer = asyncio.Event()
        self._leading = False
        self._rebuilt_at = 0.0
        self._stopping = False
        self._consumer: RedisStreamBroker | None = None
        if container.redis is None:
            container.broker.subscribe("router", self.on_event)
        else:
            self._consumer = RedisStreamBroker(container.redis, stream=container.settings.redis.stream)
            self._consumer.subscribe("router", self.on_event)

    # ---- running -----------------------------------------------------------------------------

    async def stop(self, task: asyncio.Task[None]) -> None:
        """Cancel the running `run()` task between two decisions, never in the middle of one."""
        self._stopping = True
        async with self._lock:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def run(self) -> None:
        """Lead when possible, route while leading, stand by when a newer router takes over."""
        while True:
            self.epoch = await self.leadership.acquire()
            try:
                await self._lead()
            except LostLeadershipError:
                log.warning("router.fenced", extra={"epoch": self.epoch})
                if isinstance(self.leadership, SoleLeadership):
                    log.error("router.stopped: another process routes this database")
                    return
            finally:
                self._leading = False
                if self._consumer is not None:
                    await self._consumer.stop()
                await self.leadership.release()

    async def _lead(self) -> None:
        await self.rebuild()
        self._leading = True
        if self._consumer is not None:
            await self._consumer.start()
        tasks = [
            asyncio.create_task(self._drain_inbox(), name="router-inbox"),
            asyncio.create_task(self._timer(), name="router-timer"),
            asyncio.create_task(self.leadership.hold(), name="router-lease"),
        ]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # re-raise LostLeadershipError or a bug
            raise LostLeadershipError("lease lost")
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, LostLeadershipError):
                    await task

    async def rebuild(self) -> None:
        """A fresh engine from the database, and the decisions that state calls for."""
        async with self._lock:
            async with self.container.uow() as uow:
                policies = await policies_from(uow)
                snapshot = await build_snapshot(uow, policies)
            self.engine = RoutingEngine(policies.values())
            self._rebuilt_at = self._now()
            decisions = self.engine.load(snapshot)
            gc.freeze()  # the engine's long-lived indexes need not be scanned by every collection
            log.info(
                "router.rebuilt",
                extra={"agents": len(snapshot.agents), "waiting": len(snapshot.interactions)},
            )
            await self._execute(decisions)

    async def on_event(self, event: ev.Event) -> None:
        if self._leading or self._consumer is None:
            await self._inbox.put(event)

    async def _drain_inbox(self) -> None:
        while not self._stopping:
            event = await self._inbox.get()
            if isinstance(event, ev.QueueCreated | ev.QueueUpdated):
                if event.at.timestamp() > self._rebuilt_at:  # older ones are in the last rebuild
                    await self.rebuild()
                continue
            async with self._lock:
                for routing_event in await self._translate(event):
                    await self._apply(routing_event)

    async def _timer(self) -> None:
        while True:
            self._wake_timer.clear()
            deadline = self.engine.next_deadline() if self.engine else None
            timeout = None if deadline is None else max(0.0, deadline - self._now())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake_timer.wait(), timeout=timeout)
            if deadline is not None and self._now() >= deadline and not self._stopping:
                async with self._lock:
                    await self._apply(Tick(self._now()))

    def _now(self) -> float:
        return self.container.clock().timestamp()

    async def _apply(self, event: RoutingEvent) -> None:
        assert self.engine is not None
        await self._execute(self.engine.handle(event))
        self._wake_timer.set()

    # ---- events in ---------------------------------------------------------------------------

    async def _translate(self, event: ev.Event) -> list[RoutingEvent]:
        now = self._now()
        async with self.container.uow() as uow:
            if isinstance(event, ev.InteractionChanged):
                return await self._interaction_events(uow, event, now)
            if isinstance(event, ev.OfferDeclined) and event.outcome == "rejected":
                return [OfferRejected(InteractionId(event.interaction_id), AgentId(event.agent_id), now)]
            if isinstance(event, ev.PresenceChanged | ev.AgentUpdated | ev.AgentCreated):
                try:
                    agent = await uow.agents.get(event.agent_id)
                except NotFoundError:
                    return []
                if isinstance(event, ev.AgentCreated):  # with its real load, should the event come late
                    load = (await loads(uow, event.agent_id)).get(event.agent_id, {})
                    return [AgentLoggedIn(agent_state(agent, load), now)]
                presence = RoutingPresence(agent.presence) if agent.is_active else RoutingPresence.OFFLINE
                out: list[RoutingEvent] = []
                if isinstance(event, ev.AgentUpdated):
                    capacity = {Channel(c): n for c, n in agent.capacity.items() if n > 0}
                    out.append(AgentSkillsChanged(AgentId(event.agent_id), now, dict(agent.skills), capacity))
                out.append(AgentPresenceChanged(AgentId(event.agent_id), presence, now))
                return out
        return []

    async def _interaction_events(
        self, uow: Any, event: ev.InteractionChanged, now: float
    ) -> list[RoutingEvent]:
        """What the interaction's current state means for the engine, whichever event woke us.

        Reading the state rather than trusting the event keeps a late event from undoing a newer
        fact: an old `offered` event for a call that is active by now must not free the agent.
        """
        iid = InteractionId(event.interaction_id)
        try:
            # Locked, so its offer rows read below belong to the same moment (READ COMMITTED).
            interaction = await uow.interactions.get(event.interaction_id, for_update=True)
        except NotFoundError:
            return []
        state = InteractionState(interaction.state)
        out: list[RoutingEvent] = []
        if state is InteractionState.QUEUED:
            assert self.engine is not None
            policy = self.engine.policies.get(QueueId(interaction.queue_id or 0))
            if policy is not None:
                out.append(InteractionQueued(await waiting_interaction(uow, interaction, policy), now))
            else:
                out.append(InteractionRemoved(iid, now, "in a queue the router does not know"))
        elif state is InteractionState.OFFERED:
            if not await _has_open_offer(uow, event.interaction_id):
                out.append(InteractionRemoved(iid, now, "offered outside routing"))
        else:
            if interaction.agent_id is not None and state in HANDLED:
                out.append(OfferAccepted(iid, AgentId(interaction.agent_id), now))  # stale unless it was ours
            out.append(InteractionRemoved(iid, now, REMOVED.get(event.type, f"now {state.value}")))
        for agent_id in {event.agent_id, interaction.agent_id} - {None}:
            assert agent_id is not None
            load = (await loads(uow, agent_id)).get(agent_id, {})
            out.append(AgentLoadChanged(AgentId(agent_id), {Channel(c): n for c, n in load.items()}, now))
        return out

    # ---- decisions out -----------------------------------------------------------------------

    async def _execute(self, decisions: list[Decision]) -> None:
        pending = list(decisions)
        while pending:
            decision = pending.pop(0)
            try:
                follow = await self._command(decision)
            except FencedError as exc:
                raise LostLeadershipError(str(exc)) from exc
            if follow is not None and self.engine is not None:
                pending.extend(self.engine.handle(follow))

    async def _command(self, decision: Decision) -> RoutingEvent | None:
        bus, actor = self.container.bus, "router"
        try:
            if isinstance(decision, Offer):
                await bus.handle(
                    OfferInteraction(
                        interaction_id=decision.interaction,
                        agent_id=decision.agent,
                        expires_at=datetime.fromtimestamp(decision.expires_at, UTC),
                        reason=decision.reason.text(),
                        epoch=self.epoch,
                        actor=actor,
                    )
                )
            elif isinstance(decision, OfferExpired | OfferWithdrawn):
                outcome = "expired" if isinstance(decision, OfferExpired) else "withdrawn"
                await bus.handle(
                    CloseOffer(
                        interaction_id=decision.interaction,
                        agent_id=decision.agent,
                        outcome=outcome,
                        reason=decision.reason,
                        epoch=self.epoch,
                        actor=actor,
                    )
                )
            elif isinstance(decision, SetAgentAway):
                await bus.handle(
                    RecordDecision(
                        kind="away",
                        text=decision.reason,
                        agent_id=decision.agent,
                        epoch=self.epoch,
                        actor=actor,
                    )
                )
                await bus.handle(
                    SetPresence(
                        agent_id=decision.agent, presence=Presence.AWAY, reason="missed offers", actor=actor
                    )
                )
        except (ConflictError, NotFoundError) as exc:
            if isinstance(exc, FencedError):
                raise
            log.info(
                "router.decision_refused", extra={"decision": type(decision).__name__, "error": exc.message}
            )
            if isinstance(decision, Offer):  # the interaction stopped waiting meanwhile
                return InteractionRemoved(decision.interaction, self._now(), "no longer queued")
        return None

    # ---- explain -----------------------------------------------------------------------------

    async def explain(self, interaction_id: int) -> dict[str, Any] | None:
        if self.engine is None or not self._leading:
            return None
        async with self._lock:
            explanation = self.engine.explain(InteractionId(interaction_id))
            return {
                "state": explanation.state,
                "summary": explanation.summary,
                "history": [
                    {
                        "at": datetime.fromtimestamp(e.at, UTC).isoformat(),
                        "kind": e.kind,
                        "agent_id": e.agent,
                        "text": e.text,
                    }
                    for e in explanation.history
                ],
            }


async def _has_open_offer(uow: Any, interaction_id: int) -> bool:
    stmt = select(OfferRow.id).where(
        OfferRow.interaction_id == interaction_id, OfferRow.state == OfferState.OPEN
    )
    return (await uow.session.exec(stmt)).first() is not None
