"""The router service over real databases: offers, answers, expiry, away, withdrawal, rebuild."""

from __future__ import annotations

import gc

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from contact_center.domain.commands import (
    AcceptOffer,
    OfferInteraction,
    RejectOffer,
    SetPresence,
    TransitionInteraction,
    UpdateQueue,
)
from contact_center.domain.enums import InteractionState, Presence
from contact_center.domain.errors import ConflictError, FencedError
from contact_center.domain.routing import Offer, OfferState, RoutingDecision
from contact_center.roles import build_router
from tests.contact_center.router.conftest import Routed, polled


async def _offers(routed: Routed, interaction_id: int) -> list[Offer]:
    async with routed.container.uow() as uow:
        stmt = select(Offer).where(Offer.interaction_id == interaction_id).order_by(col(Offer.id))
        return list((await uow.session.exec(stmt)).all())


async def _state(routed: Routed, interaction_id: int) -> str:
    async with routed.container.uow() as uow:
        return str((await uow.interactions.get(interaction_id)).state)


async def _routed_state_is(routed: Routed, interaction_id: int, state: str) -> bool:
    """Whether the router's engine has the interaction in `state`; it answers between two events."""
    live = await routed.router.explain(interaction_id)
    return live is not None and live["state"] == state


async def test_a_queued_chat_is_offered_to_the_available_skilled_agent(routed: Routed) -> None:
    await routed.agent(presence=Presence.AWAY)  # skilled enough, but away
    await routed.agent(level=2)  # available, but below the queue's level 3
    skilled = await routed.agent(level=6)
    iid = await routed.inbound()
    offers = await polled(lambda: _offers(routed, iid))
    assert [o.agent_id for o in offers] == [skilled]
    assert offers[0].state == OfferState.OPEN
    assert await _state(routed, iid) == "offered"
    async with routed.container.uow() as uow:
        decisions = (
            await uow.session.exec(select(RoutingDecision).where(RoutingDecision.interaction_id == iid))
        ).all()
    assert decisions and decisions[0].kind == "offer" and decisions[0].agent_id == skilled
    assert routed.skill in decisions[0].text  # the reason names the requirement it met


async def test_accepting_makes_it_active_and_a_late_second_answer_is_refused(routed: Routed) -> None:
    agent = await routed.agent()
    iid = await routed.inbound()
    await polled(lambda: _offers(routed, iid))
    await routed.container.bus.handle(AcceptOffer(interaction_id=iid, agent_id=agent))
    assert await _state(routed, iid) == "active"
    try:
        await routed.container.bus.handle(RejectOffer(interaction_id=iid, agent_id=agent))
    except ConflictError:
        pass
    else:
        raise AssertionError("an answered offer cannot be rejected")
    assert (await _offers(routed, iid))[0].state == OfferState.ACCEPTED


async def test_a_rejected_offer_goes_to_another_agent(routed: Routed) -> None:
    first = await routed.agent()
    second = await routed.agent()
    iid = await routed.inbound()
    offers = await polled(lambda: _offers(routed, iid))
    rejecting = offers[0].agent_id
    await routed.container.bus.handle(RejectOffer(interaction_id=iid, agent_id=rejecting))

    async def offered_to_the_other() -> list[Offer]:
        found = await _offers(routed, iid)
        return found if len(found) == 2 and found[1].state == OfferState.OPEN else []

    offers = await polled(offered_to_the_other)
    assert offers[0].state == OfferState.REJECTED
    assert {offers[0].agent_id, offers[1].agent_id} == {first, second}


async def test_an_unanswered_offer_expires_and_three_misses_set_the_agent_away(routed: Routed) -> None:
    await routed.offer_timeout(1)
    agent = await routed.agent()
    iids = [await routed.inbound() for _ in range(3)]  # a missed interaction is not offered again

    async def agent_away() -> bool:
        async with routed.container.uow() as uow:
            return (await uow.agents.get(agent)).presence == Presence.AWAY

    await polled(agent_away, within_s=20)
    for iid in iids:
        offers = await _offers(routed, iid)
        assert [(o.agent_id, o.state) for o in offers] == [(agent, OfferState.EXPIRED)]
        assert await _state(routed, iid) == "queued"
    async with routed.container.uow() as uow:
        kinds = [
            d.kind
            for d in (
                await uow.session.exec(
                    select(RoutingDecision)
                    .where(RoutingDecision.agent_id == agent)
                    .order_by(col(RoutingDecision.id))
                )
            ).all()
        ]
    assert "expired" in kinds and kinds[-1] == "away"


async def test_an_agent_going_away_withdraws_the_offer_and_it_waits_again(routed: Routed) -> None:
    agent = await routed.agent()
    iid = await routed.inbound()
    await polled(lambda: _offers(routed, iid))
    await routed.container.bus.handle(SetPresence(agent_id=agent, presence=Presence.AWAY, reason="lunch"))

    async def withdrawn() -> bool:
        offers = await _offers(routed, iid)
        return bool(offers) and offers[0].state == OfferState.WITHDRAWN

    await polled(withdrawn)
    assert await _state(routed, iid) == "queued"
    live = await routed.router.explain(iid)
    assert live is not None and live["state"] == "waiting"
    assert routed.skill in live["summary"]


async def test_capacity_is_respected_and_freed_capacity_is_used(routed: Routed) -> None:
    agent = await routed.agent(capacity={"chat": 1})
    first, second = await routed.inbound(), await routed.inbound()
    await polled(lambda: _offers(routed, first))
    await routed.container.bus.handle(AcceptOffer(interaction_id=first, agent_id=agent))
    await polled(lambda: _routed_state_is(routed, first, "accepted"))  # the router took the answer in
    assert await _offers(routed, second) == []  # one chat slot, and it is taken
    explanation = await routed.router.explain(second)
    assert explanation is not None and explanation["state"] == "waiting"
    for target in (InteractionState.WRAP_UP, InteractionState.CLOSED):
        await routed.container.bus.handle(TransitionInteraction(interaction_id=first, target=target))
    offers = await polled(lambda: _offers(routed, second))
    assert offers[0].agent_id == agent


async def test_an_abandoned_interaction_withdraws_its_offer(routed: Routed) -> None:
    agent = await routed.agent(capacity={"chat": 1})
    abandoned = await routed.inbound()
    await polled(lambda: _offers(routed, abandoned))
    await routed.container.bus.handle(
        TransitionInteraction(interaction_id=abandoned, target=InteractionState.ABANDONED)
    )
    following = await routed.inbound()
    offers = await polled(lambda: _offers(routed, following))
    assert [o.agent_id for o in offers] == [agent]  # its one chat slot was freed
    assert await _routed_state_is(routed, abandoned, "removed")


async def test_a_new_router_rebuilds_pending_offers_from_the_database(routed: Routed) -> None:
    agent = await routed.agent()
    iid = await routed.inbound()
    first = await polled(lambda: _offers(routed, iid))
    fresh = build_router(routed.container)
    await fresh.rebuild()
    assert fresh.engine is not None
    snapshot = fresh.engine.snapshot()
    assert [(o.interaction, o.agent) for o in snapshot.offers if o.interaction == iid] == [(iid, agent)]
    assert first[0].state == OfferState.OPEN


async def test_a_router_sharing_its_process_leaves_the_collector_alone(routed: Routed) -> None:
    before = gc.get_freeze_count()
    await build_router(routed.container).rebuild()
    assert gc.get_freeze_count() == before


async def test_a_router_alone_in_its_process_freezes_what_it_rebuilt(routed: Routed) -> None:
    gc.unfreeze()
    try:
        await build_router(routed.container, freeze_collector=True).rebuild()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


async def test_an_older_epoch_cannot_offer(routed: Routed) -> None:
    agent = await routed.agent(presence=Presence.AWAY)
    iid = await routed.inbound()
    from datetime import UTC, datetime, timedelta

    try:
        await routed.container.bus.handle(
            OfferInteraction(
                interaction_id=iid,
                agent_id=agent,
                expires_at=datetime.now(UTC) + timedelta(seconds=20),
                reason="stale router",
                epoch=routed.router.epoch - 1,
            )
        )
    except FencedError:
        pass
    else:
        raise AssertionError("a fenced router's offer must be refused")
    assert await _offers(routed, iid) == []


async def test_the_database_holds_one_open_offer_per_interaction(routed: Routed) -> None:
    agent = await routed.agent()
    iid = await routed.inbound()
    offers = await polled(lambda: _offers(routed, iid))
    async with routed.container.uow() as uow:
        duplicate = Offer(
            interaction_id=iid,
            agent_id=agent,
            offered_at=offers[0].offered_at,
            expires_at=offers[0].expires_at,
        )
        uow.session.add(duplicate)
        try:
            await uow.session.flush()
        except IntegrityError:
            pass
        else:
            raise AssertionError("a second open offer for one interaction must be refused")


async def test_a_queue_changed_by_an_admin_routes_by_its_new_settings_without_a_restart(
    routed: Routed,
) -> None:
    """A contact takes its queue's required skills when it arrives; after an admin lowers them, the
    next contact is offered to an agent the old requirement left out."""
    below = await routed.agent(level=2)  # the queue asks for level 3
    before = await routed.inbound()
    await polled(lambda: _routed_state_is(routed, before, "waiting"))  # the router has it, and waits
    assert await _offers(routed, before) == []
    async with routed.container.uow() as uow:
        queue_id = (await uow.queues.named(routed.queue)).id or 0
    await routed.container.bus.handle(
        UpdateQueue(queue_id=queue_id, changes=(("required_skills", {routed.skill: 2}),), actor="admin")
    )
    await routed.container.dispatcher.drain()  # queue.updated reached the router and the queue directory
    after = await routed.inbound()
    offers = await polled(lambda: _offers(routed, after))
    assert [o.agent_id for o in offers] == [below]
