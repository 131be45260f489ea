"""A returning customer's sticky routing goes only to an agent who can take it: with their last
agent away, a queue with a sticky window offers their new chat to another agent at once."""

from __future__ import annotations

from sqlmodel import col, select

from contact_center.domain.commands import AcceptOffer, ReceiveInbound, SetPresence, TransitionInteraction
from contact_center.domain.enums import Channel, InteractionState, Presence
from contact_center.domain.routing import Offer
from tests.conftest import unique
from tests.contact_center.router.conftest import Routed, polled


async def _offered_to(routed: Routed, interaction_id: int) -> list[int]:
    async with routed.container.uow() as uow:
        stmt = select(Offer.agent_id).where(Offer.interaction_id == interaction_id).order_by(col(Offer.id))
        return list((await uow.session.exec(stmt)).all())


async def test_a_returning_customer_does_not_wait_for_their_agent_who_went_away(routed: Routed) -> None:
    container = routed.container
    async with container.uow() as uow:
        queue = await uow.queues.named(routed.queue)
        queue.routing = {"offer_timeout_s": 30.0, "sticky_seconds": 300.0}
        uow.session.add(queue)
        await uow.commit()
    await routed.router.rebuild()
    theirs = await routed.agent()
    visitor = unique("visitor")
    first = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=visitor, body="hi", queue=routed.queue)
    )
    assert await polled(lambda: _offered_to(routed, first.interaction_id)) == [theirs]
    await container.bus.handle(AcceptOffer(interaction_id=first.interaction_id, agent_id=theirs))
    for target in (InteractionState.WRAP_UP, InteractionState.CLOSED):
        await container.bus.handle(TransitionInteraction(interaction_id=first.interaction_id, target=target))
    async with container.uow() as uow:
        assert (await uow.customers.get(first.customer_id)).last_agent_id == theirs  # the sticky preference
    await container.bus.handle(
        SetPresence(agent_id=theirs, presence=Presence.AWAY, reason="desk disconnected")
    )
    other = await routed.agent()
    back = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=visitor, body="me again", queue=routed.queue)
    )
    assert back.interaction_id != first.interaction_id
    # Offered well inside the 300 s sticky window: it did not wait for the agent who went away.
    assert await polled(lambda: _offered_to(routed, back.interaction_id)) == [other]
