"""One router pass, one transaction: every offer, expiry, withdrawal and away-setting it decided.

The epoch is checked once, under the lease row's lock, for the whole pass. Offers, by far the most
common step, are written set-wise (`storage/offer_batch.py`); the rarer steps one by one. A step
the database refuses (the customer hung up, so the interaction is no longer queued) is skipped and
named in the answer, and the others commit: the router then tells the engine the interaction is
gone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from contact_center.domain.commands import (
    ApplyRoutingPass,
    CloseOffer,
    OfferInteraction,
    RecordDecision,
    SetPresence,
)
from contact_center.domain.errors import ConflictError, FencedError, NotFoundError
from contact_center.services.agents import presence_step
from contact_center.services.offers import check_epoch, close_step, decision_step, offer_all
from contact_center.storage.uow import UnitOfWork

Step = Callable[[UnitOfWork, Any], Awaitable[object]]
STEPS: dict[type, Step] = {
    CloseOffer: close_step,
    RecordDecision: decision_step,
    SetPresence: presence_step,
}


async def apply_routing_pass(cmd: ApplyRoutingPass, uow: UnitOfWork) -> tuple[str | None, ...]:
    """Per step: None when it was written, else why it was refused."""
    outcomes: list[str | None] = []
    async with uow:
        await check_epoch(uow, cmd.epoch)
        await uow.interactions.lock(
            [s.interaction_id for s in cmd.steps if isinstance(s, OfferInteraction | CloseOffer)]
        )
        offers: list[OfferInteraction] = []  # consecutive offers, written together
        for step in cmd.steps:
            if isinstance(step, OfferInteraction):
                offers.append(step)
                continue
            if offers:
                outcomes += [None if r is None else r.message for r in await offer_all(uow, offers)]
                offers = []
            try:
                await STEPS[type(step)](uow, step)
            except FencedError:
                raise
            except (ConflictError, NotFoundError) as exc:  # refused before the step wrote anything
                outcomes.append(exc.message)
            else:
                outcomes.append(None)
        if offers:
            outcomes += [None if r is None else r.message for r in await offer_all(uow, offers)]
        await uow.commit()
    return tuple(outcomes)
