"""The desk's effects on routing, with a router leading over a real database: a transfer to one
agent is offered to that agent only, a transfer to a queue to anyone, and an interaction the
wrap-up time limit closes frees its agent for the next offer."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from contact_center.domain.commands import AcceptOffer, TransitionInteraction
from contact_center.domain.desk import WRAP_UP_TIMEOUT
from contact_center.domain.desk_commands import CloseExpiredWrapUps, TransferInteraction
from contact_center.domain.enums import InteractionState, Role
from contact_center.domain.principal import Principal
from contact_center.domain.routing import Offer, OfferState
from tests.contact_center.router.conftest import Routed, polled


async def _open_offer(routed: Routed, interaction_id: int) -> int | None:
    async with routed.container.uow() as uow:
        stmt = select(Offer).where(Offer.interaction_id == interaction_id, Offer.state == OfferState.OPEN)
        offer = (await uow.session.exec(stmt.order_by(col(Offer.id)))).first()
        return None if offer is None else offer.agent_id


async def _taken_by(routed: Routed, agent: int | None = None) -> tuple[int, int]:
    """A new chat, offered and accepted: (interaction, agent who took it)."""
    iid = await routed.inbound()
    offered = await polled(lambda: _open_offer(routed, iid))
    assert agent is None or offered == agent
    await routed.container.bus.handle(AcceptOffer(interaction_id=iid, agent_id=offered))
    return iid, offered


def as_agent(agent_id: int) -> Principal:
    return Principal(agent_id, f"agent{agent_id}", Role.AGENT)


async def test_a_transfer_to_an_agent_is_offered_to_that_agent_though_another_waited_longer(
    routed: Routed,
) -> None:
    first = await routed.agent(capacity={"chat": 1})
    iid, _ = await _taken_by(routed, first)
    idle_longer = await routed.agent(capacity={"chat": 1})
    target = await routed.agent(capacity={"chat": 1})
    await routed.container.bus.handle(
        TransferInteraction(principal=as_agent(first), interaction_id=iid, to_agent_id=target, note="billing")
    )
    assert await polled(lambda: _open_offer(routed, iid)) == target
    await routed.container.bus.handle(AcceptOffer(interaction_id=iid, agent_id=target))
    async with routed.container.uow() as uow:
        interaction = await uow.interactions.get(iid)
        messages = await uow.messages.for_interaction(iid)
    assert (interaction.agent_id, interaction.transfer_agent_id) == (target, None)
    assert [m.body for m in messages] == ["hello"]  # the conversation stays on the interaction
    assert idle_longer != target


async def test_a_transfer_to_a_queue_goes_to_the_free_agent(routed: Routed) -> None:
    first = await routed.agent(capacity={"chat": 1})
    iid, _ = await _taken_by(routed, first)
    other = await routed.agent(capacity={"chat": 1})
    await routed.container.bus.handle(
        TransferInteraction(principal=as_agent(first), interaction_id=iid, to_queue=routed.queue)
    )
    assert await polled(lambda: _open_offer(routed, iid)) == other


async def test_the_wrap_up_limit_closes_the_interaction_and_the_agent_gets_the_next_offer(
    routed: Routed,
) -> None:
    agent = await routed.agent(capacity={"chat": 1})
    iid, _ = await _taken_by(routed, agent)
    bus = routed.container.bus
    await bus.handle(
        TransitionInteraction(
            interaction_id=iid, target=InteractionState.WRAP_UP, principal=as_agent(agent), actor="t"
        )
    )
    waiting = await routed.inbound()
    assert await _open_offer(routed, waiting) is None  # the agent is full while in wrap-up
    async with routed.container.uow() as uow:  # the limit ran out
        interaction = await uow.interactions.get(iid)
        assert interaction.wrap_up_deadline is not None
        interaction.wrap_up_deadline = uow.now() - timedelta(seconds=1)
        uow.session.add(interaction)
        await uow.commit()
    assert iid in await bus.handle(CloseExpiredWrapUps())  # (with any other test's overdue ones)
    async with routed.container.uow() as uow:
        closed = await uow.interactions.get(iid)
    assert (closed.state, closed.wrap_up_code) == (InteractionState.CLOSED, WRAP_UP_TIMEOUT)
    assert await polled(lambda: _open_offer(routed, waiting)) == agent
