"""Offer handlers: the router reserves an agent, the agent accepts or rejects, the router expires.

The database is the arbiter: one open offer per interaction is a unique index, a router writes only
while its fencing epoch is the newest one recorded, and an answer to an offer that is no longer open
is a 409. So a late accept after an expiry, or two routers during a takeover, cannot double-book.
"""

from __future__ import annotations

from datetime import datetime

from contact_center.domain.commands import (
    CloseOffer,
    OfferInteraction,
    RecordDecision,
    RejectOffer,
)
from contact_center.domain.enums import InteractionState
from contact_center.domain.errors import ConflictError, ContactCenterError, FencedError
from contact_center.domain.events import Event, InteractionOffered, OfferDeclined
from contact_center.domain.interactions import Interaction
from contact_center.domain.routing import Offer, OfferState, RouterLease, RoutingDecision
from contact_center.services.interactions import transition
from contact_center.storage.offer_batch import store_offers
from contact_center.storage.routing import LEASE_ID, RoutingRepository
from contact_center.storage.uow import UnitOfWork


async def check_epoch(uow: UnitOfWork, epoch: int) -> None:
    """Refuse the write of a router that is no longer the newest leader (the row lock serialises)."""
    lease = await RoutingRepository(uow.session).lease(for_update=True)
    if lease is None or lease.epoch != epoch:
        raise FencedError(f"router epoch {epoch} is not current ({lease.epoch if lease else 'none'})")


async def claim_epoch(uow: UnitOfWork, epoch: int, holder: str) -> None:
    """Record a new leader's epoch; an older or equal epoch than the stored one is refused."""
    async with uow:
        lease = await RoutingRepository(uow.session).lease(for_update=True)
        if lease is None:
            lease = RouterLease(id=LEASE_ID, epoch=0)
        if epoch <= lease.epoch:
            raise FencedError(f"epoch {epoch} is not newer than {lease.epoch}")
        lease.epoch, lease.holder, lease.renewed_at = epoch, holder[:200], uow.now()
        uow.session.add(lease)
        uow.audit(holder, "router", LEASE_ID, "lead", {"epoch": epoch})
        await uow.commit()


async def current_epoch(uow: UnitOfWork) -> int:
    async with uow:
        lease = await RoutingRepository(uow.session).lease()
        return lease.epoch if lease else 0


async def offer_interaction(cmd: OfferInteraction, uow: UnitOfWork) -> int:
    """One offer alone (a router writing decision by decision): an unknown agent is refused here,
    before anything is written, where a whole pass leaves it to the foreign key."""
    async with uow:
        await check_epoch(uow, cmd.epoch)
        await uow.agents.get(cmd.agent_id)
        [refusal] = await offer_all(uow, [cmd])
        if refusal is not None:
            raise refusal
        offer_id = next(e.offer_id for e in uow.events if isinstance(e, InteractionOffered))
        await uow.commit()
        return offer_id or 0


async def offer_all(uow: UnitOfWork, steps: list[OfferInteraction]) -> list[ContactCenterError | None]:
    """Offers inside the caller's transaction (whose epoch was checked), written set-wise
    (`storage/offer_batch.py`); per step None, or why it was refused before anything was written."""
    recorded: list[tuple[int, Event]] = []
    outcomes = await store_offers(await uow.connection(), steps, uow.now(), recorded)
    uow.written(recorded)
    for loaded in list(uow.session.identity_map.values()):
        if isinstance(loaded, Interaction):  # changed under the session by the statements above
            uow.session.expire(loaded)
    return outcomes


async def close_offer(cmd: CloseOffer, uow: UnitOfWork) -> None:
    async with uow:
        await check_epoch(uow, cmd.epoch)
        await close_step(uow, cmd)
        await uow.commit()


async def close_step(uow: UnitOfWork, cmd: CloseOffer) -> None:
    """Expire or withdraw: the interaction waits again; an expiry counts as the agent's miss."""
    outcome = OfferState(cmd.outcome)
    offer, interaction = await _open_offer(uow, cmd.interaction_id, cmd.agent_id)
    now = uow.now()
    offer.state, offer.closed_at = outcome, now
    uow.session.add(offer)
    if outcome is OfferState.EXPIRED:
        agent = await uow.agents.get(cmd.agent_id)
        agent.missed_offers += 1
        uow.session.add(agent)
    await transition(uow, interaction, InteractionState.QUEUED, actor=cmd.actor)
    _log(uow, now, outcome.value, cmd.interaction_id, cmd.agent_id, cmd.reason, cmd.epoch)
    uow.emit(
        OfferDeclined(interaction_id=cmd.interaction_id, agent_id=cmd.agent_id, outcome=outcome.value, at=now)
    )
    # Written now, so a new offer for the same interaction later in the transaction finds it closed
    # (one open offer per interaction is a unique index).
    await uow.session.flush()


async def reject_offer(cmd: RejectOffer, uow: UnitOfWork) -> None:
    async with uow:
        offer, interaction = await _open_offer(uow, cmd.interaction_id, cmd.agent_id)
        now = uow.now()
        offer.state, offer.closed_at = OfferState.REJECTED, now
        uow.session.add(offer)
        await transition(uow, interaction, InteractionState.QUEUED, actor=cmd.actor)
        _log(
            uow,
            now,
            "rejected",
            cmd.interaction_id,
            cmd.agent_id,
            cmd.reason or "agent rejected the offer",
            0,
        )
        uow.emit(
            OfferDeclined(
                interaction_id=cmd.interaction_id, agent_id=cmd.agent_id, outcome="rejected", at=now
            )
        )
        await uow.commit()


async def record_decision(cmd: RecordDecision, uow: UnitOfWork) -> None:
    async with uow:
        await check_epoch(uow, cmd.epoch)
        await decision_step(uow, cmd)
        await uow.commit()


async def decision_step(uow: UnitOfWork, cmd: RecordDecision) -> None:
    _log(uow, uow.now(), cmd.kind, cmd.interaction_id, cmd.agent_id, cmd.text, cmd.epoch)


async def _open_offer(uow: UnitOfWork, interaction_id: int, agent_id: int) -> tuple[Offer, Interaction]:
    interaction = await uow.interactions.get(interaction_id, for_update=True)
    offer = await RoutingRepository(uow.session).open_offer(interaction_id, agent_id)
    if offer is None or interaction.state != InteractionState.OFFERED:
        raise ConflictError(f"interaction {interaction_id} has no open offer for agent {agent_id}")
    return offer, interaction


def _log(
    uow: UnitOfWork,
    at: datetime,
    kind: str,
    interaction_id: int | None,
    agent_id: int | None,
    text: str,
    epoch: int,
) -> None:
    uow.session.add(
        RoutingDecision(
            at=at, kind=kind, interaction_id=interaction_id, agent_id=agent_id, text=text, router_epoch=epoch
        )
    )
