"""The router's rows: offers, the decision log and the fencing lease, over one session.

Like the other repositories it never commits. The router's service, the offer handlers, the
`/routing` endpoint and the simulator read offers only through here.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from contact_center.domain.agents import Agent
from contact_center.domain.customers import Customer
from contact_center.domain.enums import Channel
from contact_center.domain.interactions import Interaction
from contact_center.domain.routing import Offer, OfferState, RouterLease, RoutingDecision
from contact_center.domain.states import WAITING

LEASE_ID = 1  # one lease row: there is one routing authority per database


class RoutingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lease(self, *, for_update: bool = False) -> RouterLease | None:
        """The newest leader's epoch; locked, it serialises router writes against a takeover."""
        stmt = select(RouterLease).where(RouterLease.id == LEASE_ID)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.exec(stmt)).first()

    async def open_offer(self, interaction_id: int, agent_id: int) -> Offer | None:
        stmt = select(Offer).where(
            Offer.interaction_id == interaction_id, Offer.state == OfferState.OPEN, Offer.agent_id == agent_id
        )
        return (await self.session.exec(stmt.order_by(col(Offer.id).desc()))).first()

    async def open_offer_of(self, interaction_id: int) -> Offer | None:
        """The interaction's open offer, whoever it is for (there is at most one)."""
        stmt = select(Offer).where(Offer.interaction_id == interaction_id, Offer.state == OfferState.OPEN)
        return (await self.session.exec(stmt)).first()

    async def has_open_offer(self, interaction_id: int) -> bool:
        stmt = select(Offer.id).where(Offer.interaction_id == interaction_id, Offer.state == OfferState.OPEN)
        return (await self.session.exec(stmt)).first() is not None

    async def open_offers(self) -> Sequence[Offer]:
        return (await self.session.exec(select(Offer).where(Offer.state == OfferState.OPEN))).all()

    async def open_offers_to_simulated(self) -> list[tuple[Offer, Channel]]:
        """Open offers to simulated agents (the demo's), each with its interaction's channel; an
        offer to a person is theirs to answer."""
        stmt = (
            select(Offer, Interaction.channel)
            .join(Agent, col(Agent.id) == col(Offer.agent_id))
            .join(Interaction, col(Interaction.id) == col(Offer.interaction_id))
            .where(Offer.state == OfferState.OPEN, col(Agent.simulated).is_(True))
        )
        return [(offer, Channel(channel)) for offer, channel in (await self.session.exec(stmt)).all()]

    async def declined(self, interaction_ids: Sequence[int]) -> list[tuple[int, int]]:
        """(interaction, agent) for every offer of these interactions rejected or let expire."""
        if not interaction_ids:
            return []
        stmt = select(Offer.interaction_id, Offer.agent_id).where(
            col(Offer.interaction_id).in_(interaction_ids),
            col(Offer.state).in_([OfferState.REJECTED.value, OfferState.EXPIRED.value]),
        )
        return [(iid, aid) for iid, aid in (await self.session.exec(stmt)).all()]

    async def with_customers(
        self, interaction_ids: Collection[int]
    ) -> dict[int, tuple[Interaction, Customer]]:
        """These interactions as they are now, each with its customer, by id."""
        if not interaction_ids:
            return {}
        stmt = (
            select(Interaction, Customer)
            .join(Customer, col(Customer.id) == col(Interaction.customer_id))
            .where(col(Interaction.id).in_(list(interaction_ids)))
        )
        return {i.id or 0: (i, c) for i, c in (await self.session.exec(stmt)).all()}

    async def with_open_offer(self, interaction_ids: Collection[int]) -> set[int]:
        """Those of these interactions that have an open offer."""
        if not interaction_ids:
            return set()
        stmt = select(Offer.interaction_id).where(
            col(Offer.interaction_id).in_(list(interaction_ids)), Offer.state == OfferState.OPEN
        )
        return set((await self.session.exec(stmt)).all())

    async def waiting(self) -> list[tuple[Interaction, Customer]]:
        """Queued and offered interactions, oldest first, each with its customer."""
        stmt = (
            select(Interaction, Customer)
            .join(Customer, col(Customer.id) == col(Interaction.customer_id))
            .where(col(Interaction.state).in_([s.value for s in WAITING]))
            .order_by(col(Interaction.id))
        )
        return [(i, c) for i, c in (await self.session.exec(stmt)).all()]

    async def offers_for(self, interaction_id: int) -> Sequence[Offer]:
        stmt = select(Offer).where(Offer.interaction_id == interaction_id).order_by(col(Offer.id))
        return (await self.session.exec(stmt)).all()

    async def decisions_for(self, interaction_id: int) -> Sequence[RoutingDecision]:
        stmt = (
            select(RoutingDecision)
            .where(RoutingDecision.interaction_id == interaction_id)
            .order_by(col(RoutingDecision.id))
        )
        return (await self.session.exec(stmt)).all()
