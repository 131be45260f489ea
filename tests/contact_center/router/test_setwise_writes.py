"""Accepts and a router pass's offers are written set-wise; each keeps the rules of the one-at-a-time
path: a refusal is the item's own, rows, transitions and events are all written, nothing half."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from contact_center.domain.agents import Agent
from contact_center.domain.commands import AcceptOffer, ApplyRoutingPass, CloseOffer, OfferInteraction
from contact_center.domain.enums import Presence
from contact_center.domain.errors import ConflictError, NotFoundError
from contact_center.domain.interactions import Interaction, InteractionTransition
from contact_center.domain.routing import Offer, OfferState, RouterLease, RoutingDecision
from contact_center.storage.outbox import OutboxEvent
from tests.contact_center.router.conftest import Routed, polled


async def _open_offer(routed: Routed, iid: int) -> Offer | None:
    async with routed.container.uow() as uow:
        stmt = select(Offer).where(Offer.interaction_id == iid, Offer.state == OfferState.OPEN)
        return (await uow.session.exec(stmt)).first()


async def _events(routed: Routed, iid: int, kind: str) -> list[dict[str, object]]:
    async with routed.container.uow() as uow:
        rows = (
            await uow.session.exec(
                select(OutboxEvent).where(OutboxEvent.event_type == kind).order_by(col(OutboxEvent.id))
            )
        ).all()
    payloads = [json.loads(r.payload) for r in rows]
    return [p for p in payloads if p["interaction_id"] == iid]


async def test_accepts_answered_together_each_get_their_own_outcome(routed: Routed) -> None:
    agents = [await routed.agent(capacity={"chat": 1}) for _ in range(3)]
    async with routed.container.uow() as uow:  # a miss counted before: an accept clears it
        await uow.session.exec(update(Agent).where(col(Agent.id).in_(agents)).values(missed_offers=2))  # type: ignore[call-overload]
        await uow.commit()
    chats = [await routed.inbound() for _ in range(3)]
    offers = [await polled(lambda iid=iid: _open_offer(routed, iid)) for iid in chats]
    first, second, third = offers
    assert first and second and third
    bus = routed.container.bus
    outcomes = await asyncio.gather(
        bus.handle(AcceptOffer(interaction_id=first.interaction_id, agent_id=first.agent_id, actor="a")),
        bus.handle(AcceptOffer(interaction_id=first.interaction_id, agent_id=first.agent_id, actor="a")),
        bus.handle(AcceptOffer(interaction_id=second.interaction_id, agent_id=first.agent_id, actor="b")),
        bus.handle(AcceptOffer(interaction_id=third.interaction_id, agent_id=third.agent_id, actor="c")),
        bus.handle(AcceptOffer(interaction_id=999_999_999, agent_id=third.agent_id, actor="c")),
        return_exceptions=True,
    )
    accepted, repeated, wrong_agent, other, unknown = outcomes
    assert isinstance(accepted, Interaction) and accepted.state == "active"
    assert accepted.agent_id == first.agent_id and accepted.answered_at is not None
    assert isinstance(repeated, ConflictError)
    assert isinstance(wrong_agent, ConflictError)  # the second chat is offered to someone else
    assert isinstance(other, Interaction) and other.state == "active"
    assert isinstance(unknown, NotFoundError)
    async with routed.container.uow() as uow:
        rows = {i: await uow.interactions.get(i) for i in chats}
        assert [rows[i].state for i in chats] == ["active", "offered", "active"]
        offer_rows = {
            o.interaction_id: o
            for o in (await uow.session.exec(select(Offer).where(col(Offer.interaction_id).in_(chats)))).all()
        }
        assert offer_rows[first.interaction_id].state == OfferState.ACCEPTED
        assert offer_rows[first.interaction_id].closed_at is not None
        assert offer_rows[second.interaction_id].state == OfferState.OPEN
        missed = {a.id: a.missed_offers for a in await uow.agents.list() if a.id in agents}
        assert missed[first.agent_id] == 0 and missed[third.agent_id] == 0
        assert missed[second.agent_id] == 2  # refused: nothing of it written
        moved = (
            await uow.session.exec(
                select(InteractionTransition).where(
                    InteractionTransition.interaction_id == first.interaction_id,
                    InteractionTransition.to_state == "active",
                )
            )
        ).all()
    assert [(t.from_state, t.actor, t.agent_id) for t in moved] == [("offered", "a", first.agent_id)]
    assert len(await _events(routed, first.interaction_id, "interaction.accepted")) == 1
    assert await _events(routed, second.interaction_id, "interaction.accepted") == []


async def test_a_pass_offers_together_and_refuses_only_what_is_no_longer_queued(routed: Routed) -> None:
    # An away agent: the running router offers them nothing, so only the passes below write offers.
    agent = await routed.agent(presence=Presence.AWAY, capacity={"chat": 3})
    taken = await routed.inbound()
    async with routed.container.uow() as uow:
        lease = (await uow.session.exec(select(RouterLease))).one()
    epoch, later = lease.epoch, datetime.now(UTC) + timedelta(seconds=30)

    def offer(iid: int, reason: str) -> OfferInteraction:
        return OfferInteraction(
            interaction_id=iid, agent_id=agent, expires_at=later, reason=reason, epoch=epoch
        )

    assert await routed.container.bus.handle(ApplyRoutingPass(epoch=epoch, steps=(offer(taken, "x"),))) == (
        None,
    )
    # Offered already (refused); withdrawn, then offered again in the same pass (queued by then);
    # offered by the step before (refused); unknown (refused).
    outcomes = await routed.container.bus.handle(
        ApplyRoutingPass(
            epoch=epoch,
            steps=(
                offer(taken, "y"),
                CloseOffer(
                    interaction_id=taken, agent_id=agent, outcome="withdrawn", reason="w", epoch=epoch
                ),
                offer(taken, "z"),
                offer(taken, "v"),
                offer(999_999_999, "u"),
            ),
        )
    )
    assert outcomes[0] is not None and "not queued" in outcomes[0]
    assert outcomes[1] is None and outcomes[2] is None
    assert outcomes[3] is not None and "not queued" in outcomes[3]  # offered by the step before it
    assert outcomes[4] is not None and "not found" in outcomes[4]
    async with routed.container.uow() as uow:
        offers = (
            await uow.session.exec(select(Offer).where(Offer.interaction_id == taken).order_by(col(Offer.id)))
        ).all()
        interaction = await uow.interactions.get(taken)
        log = (
            await uow.session.exec(
                select(RoutingDecision.kind, RoutingDecision.text)
                .where(RoutingDecision.interaction_id == taken)
                .order_by(col(RoutingDecision.id))
            )
        ).all()
    assert [o.state for o in offers] == [OfferState.WITHDRAWN, OfferState.OPEN]
    assert offers[0].reason == "x"
    assert offers[1].reason == "z" and offers[1].expires_at == later
    assert interaction.state == "offered" and interaction.agent_id == agent
    assert log == [("offer", "x"), ("withdrawn", "w"), ("offer", "z")]
    offered = await _events(routed, taken, "interaction.offered")
    assert offered[-1]["offer_id"] == offers[1].id and offered[-1]["reason"] == "z"


async def test_an_offer_to_an_unknown_agent_fails_the_pass_as_a_whole(routed: Routed) -> None:
    """The router then writes it decision by decision, each checked alone (`PassWriter`)."""
    waiting = await routed.inbound()  # nobody is available: it stays queued
    async with routed.container.uow() as uow:
        epoch = (await uow.session.exec(select(RouterLease))).one().epoch
    later = datetime.now(UTC) + timedelta(seconds=30)
    unknown = OfferInteraction(
        interaction_id=waiting, agent_id=999_999_999, expires_at=later, reason="x", epoch=epoch
    )
    with pytest.raises(IntegrityError):
        await routed.container.bus.handle(ApplyRoutingPass(epoch=epoch, steps=(unknown,)))
    with pytest.raises(NotFoundError):
        await routed.container.bus.handle(unknown)  # alone, it is refused before it writes
    assert await _open_offer(routed, waiting) is None
    async with routed.container.uow() as uow:
        assert (await uow.interactions.get(waiting)).state == "queued"
