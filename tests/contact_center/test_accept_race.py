"""An accept that waits for a router's pass is judged on what that pass left, on PostgreSQL.

The router withdraws an offer and offers the interaction to another agent in one transaction,
while the first agent's accept waits for the interaction's lock. Before the fix the accept, once
it had the lock, saw the interaction as the pass left it (offered) beside the offer as it was
before (open, to the first agent): it accepted a withdrawn offer, and the second agent's offer
stayed open for good. Found by the database fault scenario (tests/faults/), where a recovering
router and agents retrying their accepts meet like this.
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
from contact_center.domain.commands import AcceptOffer, CreateAgent, CreateQueue, ReceiveInbound
from contact_center.domain.enums import Channel
from contact_center.domain.errors import ConflictError
from contact_center.domain.routing import Offer, OfferState
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
