"""Accepts and router passes meeting on the same rows, on PostgreSQL.

Found by the database fault scenario (tests/faults/), where a recovering router and agents
retrying their accepts meet like this. An accept that waits for a router's pass (withdraw, offer
to another agent) is judged on what that pass left: before the fix it saw the interaction as the
pass left it (offered) beside the offer as it was before (open, to the first agent), accepted a
withdrawn offer, and the second agent's offer stayed open for good. And a pass takes all its
interactions before any agent row, as an accept batch does: before, it took an interaction and
its agent's row (an expiry counts a miss) and then waited for the next interaction, which an
accept held while waiting for that agent row: a deadlock, which PostgreSQL broke by failing the
accept with a 500.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from contact_center.bootstrap import Container, build_container
from contact_center.domain.commands import (
    AcceptOffer,
    ApplyRoutingPass,
    CloseOffer,
    CreateAgent,
    CreateQueue,
    ReceiveInbound,
)
from contact_center.domain.enums import Channel
from contact_center.domain.errors import ConflictError
from contact_center.domain.routing import Offer, OfferState
from contact_center.services.offers import current_epoch
from tests.conftest import make_settings, unique
from tests.contact_center.conftest import offer_as_router


@pytest.fixture
async def pg(postgres_url: str) -> AsyncIterator[Container]:
    container = build_container(make_settings(postgres_url), outbound=[])
    try:
        yield container
    finally:
        await container.close()


async def _waiting_for_a_lock(container: Container) -> bool:
    async with container.engine.connect() as conn:
        found = await conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
        )
        return int(found.scalar_one()) > 0


async def test_an_accept_waiting_behind_a_withdraw_and_reoffer_is_refused(pg: Container) -> None:
    queue = unique("q")
    await pg.bus.handle(CreateQueue(name=queue, channels=(Channel.CHAT,)))
    first, second = [int(await pg.bus.handle(CreateAgent(username=unique("ag")))) for _ in range(2)]
    received = await pg.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=unique("v"), body="hi", queue=queue)
    )
    iid = int(received.interaction_id)
    await offer_as_router(pg, iid, first)

    # The router's pass, by hand: the interaction locked, the offer withdrawn, a new one made.
    async with pg.engine.connect() as router:
        transaction = await router.begin()
        await router.execute(text("SELECT id FROM interaction WHERE id = :i FOR UPDATE"), {"i": iid})
        await router.execute(
            text("UPDATE offer SET state = 'withdrawn', closed_at = now() WHERE interaction_id = :i"),
            {"i": iid},
        )
        await router.execute(
            text("UPDATE interaction SET state = 'offered', agent_id = :a WHERE id = :i"),
            {"i": iid, "a": second},
        )
        await router.execute(
            text(
                "INSERT INTO offer (interaction_id, agent_id, state, offered_at, expires_at, router_epoch, "
                "reason) VALUES (:i, :a, 'open', now(), :expires, 0, 'again')"
            ),
            {"i": iid, "a": second, "expires": (pg.clock() + timedelta(minutes=5)).replace(tzinfo=None)},
        )
        accept = asyncio.create_task(pg.bus.handle(AcceptOffer(interaction_id=iid, agent_id=first)))
        deadline = time.monotonic() + 10
        while not await _waiting_for_a_lock(pg):  # the accept reads, and waits for the router's lock
            assert time.monotonic() < deadline and not accept.done(), "the accept did not wait for the lock"
            await asyncio.sleep(0.05)
        await transaction.commit()

    with pytest.raises(ConflictError):
        await accept
    async with pg.uow() as uow:
        interaction = await uow.interactions.get(iid)
        offers = (await uow.session.exec(select(Offer).where(Offer.interaction_id == iid))).all()
    assert (interaction.state, interaction.agent_id) == ("offered", second)
    assert sorted((o.agent_id, OfferState(o.state)) for o in offers) == [
        (first, OfferState.WITHDRAWN),
        (second, OfferState.OPEN),
    ]


async def test_a_router_pass_takes_every_interaction_before_any_agent_row(pg: Container) -> None:
    queue = unique("q")
    await pg.bus.handle(CreateQueue(name=queue, channels=(Channel.CHAT,)))
    agents = [int(await pg.bus.handle(CreateAgent(username=unique("ag")))) for _ in range(2)]
    chats = []
    for agent_id in agents:
        received = await pg.bus.handle(
            ReceiveInbound(channel=Channel.CHAT, sender=unique("v"), body="hi", queue=queue)
        )
        chats.append(int(received.interaction_id))
        await offer_as_router(pg, chats[-1], agent_id)
    epoch = await current_epoch(pg.uow())
    expire = tuple(
        CloseOffer(interaction_id=iid, agent_id=aid, outcome="expired", reason="late", epoch=epoch)
        for iid, aid in zip(chats, agents, strict=True)
    )
    async with pg.engine.connect() as accept:  # an accept batch holding the second interaction
        held = await accept.begin()
        await accept.execute(text("SELECT id FROM interaction WHERE id = :i FOR UPDATE"), {"i": chats[1]})
        routing = asyncio.create_task(pg.bus.handle(ApplyRoutingPass(epoch=epoch, steps=expire)))
        deadline = time.monotonic() + 10
        while not await _waiting_for_a_lock(pg):
            assert time.monotonic() < deadline and not routing.done(), "the pass did not wait for the lock"
            await asyncio.sleep(0.05)
        # The pass waits for the second interaction and holds no agent row meanwhile, so the
        # accept can take the first agent's and finish.
        await accept.execute(text("SELECT id FROM agent WHERE id = :a FOR UPDATE NOWAIT"), {"a": agents[0]})
        await held.commit()
    assert await routing == (None, None)
