"""A router pass's decisions written in one transaction, and what the database refused told back.

Each decision becomes its steps (`OfferInteraction`, `CloseOffer`, `RecordDecision`,
`SetPresence`), all handed to `ApplyRoutingPass` at once. A step the database refuses (the
customer hung up meanwhile) goes back to the engine as `InteractionRemoved`, whose own decisions
make the next round; a pass refused as a whole (a unique key taken) is written decision by
decision. The events these writes will bring back are remembered as echoes, so the router need
not read them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from contact_center.bus import MessageBus
from contact_center.domain import events as ev
from contact_center.domain.commands import (
    ApplyRoutingPass,
    CloseOffer,
    OfferInteraction,
    RecordDecision,
    RoutingStep,
    SetPresence,
)
from contact_center.domain.enums import Presence
from contact_center.domain.errors import ConflictError, FencedError, NotFoundError
from routing import (
    Decision,
    InteractionRemoved,
    Offer,
    OfferExpired,
    OfferWithdrawn,
    RoutingEngine,
    SetAgentAway,
)
from routing import Event as RoutingEvent

log = logging.getLogger(__name__)


class PassWriter:
    def __init__(self, bus: MessageBus, now: Callable[[], float]) -> None:
        self._bus = bus
        self._now = now
        #: Events this router's own writes will bring back, which need no reading: (interaction, type).
        self._echoes: dict[tuple[int, str], int] = {}
        self.engine: RoutingEngine | None = None
        self.epoch = 0

    async def write(self, engine: RoutingEngine, epoch: int, decisions: list[Decision]) -> None:
        """Write the decisions in one transaction; raises `FencedError` when a newer router leads."""
        self.engine = engine
        self.epoch = epoch
        await self._execute(decisions)

    async def _execute(self, decisions: list[Decision]) -> None:
        pending = list(decisions)
        while pending:
            steps = [(d, step) for d in pending for step in self._steps(d)]
            pending = []
            if not steps:
                return
            try:
                outcomes = await self._bus.handle(
                    ApplyRoutingPass(epoch=self.epoch, steps=tuple(s for _, s in steps))
                )
            except IntegrityError:  # the pass as a whole was refused: write decision by decision
                log.info("router.pass_refused", extra={"steps": len(steps)})
                await self._one_by_one(list(dict.fromkeys(d for d, _ in steps)))
                return
            for (decision, step), refusal in zip(steps, outcomes, strict=True):
                if refusal is None:
                    self._expect_echo(step)
                    continue
                log.info(
                    "router.decision_refused", extra={"decision": type(decision).__name__, "error": refusal}
                )
                if isinstance(decision, Offer) and self.engine is not None:  # it stopped waiting meanwhile
                    removed = InteractionRemoved(decision.interaction, self._now(), "no longer queued")
                    pending += self.engine.handle(removed)

    def _expect_echo(self, step: RoutingStep) -> None:
        if isinstance(step, OfferInteraction):
            key = (step.interaction_id, ev.InteractionOffered.type)
        elif isinstance(step, CloseOffer):
            key = (step.interaction_id, ev.InteractionQueued.type)
        else:
            return
        self._echoes[key] = self._echoes.get(key, 0) + 1

    def _steps(self, decision: Decision) -> list[RoutingStep]:
        actor = "router"
        if isinstance(decision, Offer):
            return [
                OfferInteraction(
                    interaction_id=decision.interaction,
                    agent_id=decision.agent,
                    expires_at=datetime.fromtimestamp(decision.expires_at, UTC),
                    reason=decision.reason.text(),
                    epoch=self.epoch,
                    actor=actor,
                )
            ]
        if isinstance(decision, OfferExpired | OfferWithdrawn):
            outcome = "expired" if isinstance(decision, OfferExpired) else "withdrawn"
            return [
                CloseOffer(
                    interaction_id=decision.interaction,
                    agent_id=decision.agent,
                    outcome=outcome,
                    reason=decision.reason,
                    epoch=self.epoch,
                    actor=actor,
                )
            ]
        if isinstance(decision, SetAgentAway):
            return [
                RecordDecision(
                    kind="away", text=decision.reason, agent_id=decision.agent, epoch=self.epoch, actor=actor
                ),
                SetPresence(
                    agent_id=decision.agent, presence=Presence.AWAY, reason="missed offers", actor=actor
                ),
            ]
        return []

    async def _one_by_one(self, decisions: list[Decision]) -> None:
        pending = list(decisions)
        while pending:
            decision = pending.pop(0)
            follow = await self._command(decision)
            if follow is not None and self.engine is not None:
                pending.extend(self.engine.handle(follow))

    async def _command(self, decision: Decision) -> RoutingEvent | None:
        try:
            for step in self._steps(decision):
                await self._bus.handle(step)
                self._expect_echo(step)
        except (ConflictError, NotFoundError) as exc:
            if isinstance(exc, FencedError):
                raise
            log.info(
                "router.decision_refused", extra={"decision": type(decision).__name__, "error": exc.message}
            )
            if isinstance(decision, Offer):  # the interaction stopped waiting meanwhile
                return InteractionRemoved(decision.interaction, self._now(), "no longer queued")
        return None

    def is_echo(self, event: ev.Event) -> bool:
        if not isinstance(event, ev.InteractionChanged):
            return False
        key = (event.interaction_id, event.type)
        count = self._echoes.get(key, 0)
        if count == 0:
            return False
        if count == 1:
            del self._echoes[key]
        else:
            self._echoes[key] = count - 1
        return True
