"""Router passes: what one pass writes, and how the router recovers when events outrun it.

A pass writes all its decisions in one transaction, counted here from the writing engine's own
events (no part of ours is replaced). A router whose bounded inbox overflowed drops the events it
could not keep and rebuilds from the database, so every contact still reaches an agent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from contact_center.domain.routing import Offer, OfferState
from tests.contact_center.router.conftest import Routed, polled, running_router

#: Contacts arriving together, each with a free agent of its own.
BURST = 6
TINY_INBOX = 4  # a burst's events (three per contact) are far more than this


async def _open_offers(routed: Routed, interaction_ids: list[int]) -> dict[int, int]:
    """interaction -> agent, for the open offers among `interaction_ids`."""
    async with routed.container.read_uow() as uow:
        stmt = select(Offer).where(
            col(Offer.interaction_id).in_(interaction_ids), Offer.state == OfferState.OPEN
        )
        return {o.interaction_id: o.agent_id for o in (await uow.session.exec(stmt)).all()}


async def _all_offered(routed: Routed, interaction_ids: list[int]) -> dict[int, int]:
    offers = await _open_offers(routed, interaction_ids)
    return offers if len(offers) == len(interaction_ids) else {}


@contextmanager
def transactions_writing_offers(engine: AsyncEngine) -> Iterator[list[int]]:
    """Per committed transaction of `engine` that inserted offers, how many offer rows it inserted
    (an executemany or a multi-row INSERT ... RETURNING counts each of its parameter sets)."""
    committed: list[int] = []

    def executed(conn: Any, _cursor: Any, statement: str, _params: Any, ctx: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO OFFER "):
            rows = len(ctx.compiled_parameters)
            conn.info["offer_inserts"] = conn.info.get("offer_inserts", 0) + rows

    def commit(conn: Any) -> None:
        if inserts := conn.info.pop("offer_inserts", 0):
            committed.append(inserts)

    def rollback(conn: Any) -> None:
        conn.info.pop("offer_inserts", None)

    listeners = (("after_cursor_execute", executed), ("commit", commit), ("rollback", rollback))
    for name, listener in listeners:
        event.listen(engine.sync_engine, name, listener)
    try:
        yield committed
    finally:
        for name, listener in listeners:
            event.remove(engine.sync_engine, name, listener)


async def test_one_pass_writes_all_its_offers_in_one_transaction(routed: Routed) -> None:
    agents = {await routed.agent() for _ in range(BURST + 1)}
    # A first contact loads the queue directory, so the burst's contacts are checked without a
    # read in between and the group commit stores them together: one commit, one pass.
    first = await routed.inbound()
    await polled(lambda: _all_offered(routed, [first]))
    committer = routed.container.inbound_commits
    assert committer is not None
    batches_before = committer.batches
    with transactions_writing_offers(routed.container.engine) as transactions:
        burst = list(await asyncio.gather(*(routed.inbound() for _ in range(BURST))))
        offers = await polled(lambda: _all_offered(routed, burst))
    assert committer.batches == batches_before + 1, "the burst arrived in one commit"
    assert set(offers.values()) <= agents
    assert transactions == [BURST], "every offer of the pass, in one transaction"


@pytest.fixture
async def routed_tiny_inbox(database_url: str) -> AsyncIterator[Routed]:
    async with running_router(database_url, inbox_size=TINY_INBOX) as started:
        yield started


async def test_the_router_catches_up_after_its_inbox_overflowed(
    routed_tiny_inbox: Routed, caplog: pytest.LogCaptureFixture
) -> None:
    routed = routed_tiny_inbox
    agents = {await routed.agent() for _ in range(BURST)}
    caplog.set_level(logging.INFO, logger="contact_center.router.service")

    async def logged(name: str) -> bool:
        return any(r.getMessage() == name for r in caplog.records)

    async with routed.router._lock:  # the router cannot finish a pass, so its inbox fills up
        burst = list(await asyncio.gather(*(routed.inbound() for _ in range(BURST))))
        await polled(lambda: logged("router.inbox_overflow"))
    offers = await polled(lambda: _all_offered(routed, burst), within_s=30)
    assert set(offers.values()) <= agents
    assert await logged("router.catching_up")
