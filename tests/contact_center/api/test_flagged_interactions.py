"""A chat flagged to a supervisor is stored as flagged (`flagged_at`, `flag_reason`): the
interaction's JSON says so, the supervisors' dashboard lists it (their team's only), and the
next move by anyone taking it on (accept, transfer, wrap-up and close, a requeue when the
customer writes to an absent agent) clears it. On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from contact_center.bootstrap import Container
from contact_center.domain.commands import (
    AcceptOffer,
    HandleOrphanedChats,
    ReceiveInbound,
    SetPresence,
)
from contact_center.domain.enums import Channel, Presence, Role
from contact_center.queries.dashboard import dashboard
from contact_center.services.policy import DashboardView
from tests.conftest import unique
from tests.contact_center.api.conftest import User, ok
from tests.contact_center.api.test_transfer_and_wrap_up import member, moves, new_queue, transfer
from tests.contact_center.conftest import offer_and_accept, offer_as_router

Client = TestClient[Any, Any]
REASON = "desk disconnected"


async def flagged_chat(container: Container, agent: User, queue: str) -> tuple[int, str]:
    """A chat active with `agent`, flagged as a closed desk flags it; returns it and its sender."""
    sender = unique("visitor")
    received = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=sender, body="anyone there?", queue=queue)
    )
    iid = int(received.interaction_id)
    await offer_and_accept(container, iid, agent.agent_id)
    handled = await container.bus.handle(
        HandleOrphanedChats(agent_id=agent.agent_id, action="flag", reason=REASON, actor="desk")
    )
    assert handled == [iid]
    return iid, sender


async def document(client: Client, iid: int, user: User) -> dict[str, Any]:
    return dict(await ok(await client.get(f"/api/v1/interactions/{iid}", headers=user.headers)))


async def test_a_flagged_chat_is_stored_and_shown_in_its_json_and_on_the_dashboard(
    client: Client, container: Container
) -> None:
    team = unique("team")
    agent = await member(container, team=team)
    boss = await member(container, Role.SUPERVISOR, team=team)
    outsider = await member(container, Role.SUPERVISOR, team=unique("team"))
    _, queue = await new_queue(container, team=team)
    iid, _ = await flagged_chat(container, agent, queue)

    doc = await document(client, iid, boss)
    assert (doc["state"], doc["agent_id"], doc["flag_reason"]) == ("active", agent.agent_id, REASON)
    assert doc["flagged_at"] is not None
    assert (await document(client, iid, agent))["flag_reason"] == REASON  # the agent sees it too

    board = await ok(await client.get("/api/v1/dashboard", headers=boss.headers))
    flagged = [f for f in board["flagged"] if f["id"] == iid]
    assert [(f["state"], f["queue"], f["agent"], f["reason"]) for f in flagged] == [
        ("active", queue, agent.username, REASON)
    ]
    assert [r["flag_reason"] for r in board["recent"] if r["id"] == iid] == [REASON]
    other = await ok(await client.get("/api/v1/dashboard", headers=outsider.headers))
    assert iid not in [f["id"] for f in other["flagged"]]  # another team's supervisor: not theirs


async def test_a_transfer_clears_the_flag(client: Client, container: Container) -> None:
    agent, boss = await member(container), await member(container, Role.SUPERVISOR)
    _, queue = await new_queue(container)
    _, elsewhere = await new_queue(container)
    iid, _ = await flagged_chat(container, agent, queue)
    answer = await ok(await client.post(transfer(iid), json={"to_queue": elsewhere}, headers=boss.headers))
    assert (answer["interaction"]["flagged_at"], answer["interaction"]["flag_reason"]) == (None, None)
    assert (await document(client, iid, boss))["flagged_at"] is None
    assert iid not in [f["id"] for f in (await dashboard(container.uow(), DashboardView()))["flagged"]]


async def test_wrapping_up_and_closing_clear_the_flag(client: Client, container: Container) -> None:
    agent = await member(container)
    _, queue = await new_queue(container)
    iid, _ = await flagged_chat(container, agent, queue)
    wrapped = await ok(await client.post(moves(iid), json={"to": "wrap_up"}, headers=agent.headers))
    assert (wrapped["state"], wrapped["flagged_at"], wrapped["flag_reason"]) == ("wrap_up", None, None)
    await container.bus.handle(
        HandleOrphanedChats(agent_id=agent.agent_id, action="flag", reason=REASON, actor="desk")
    )
    assert (await document(client, iid, agent))["flagged_at"] is None  # wrap-up is over: not flagged
    closed = await ok(await client.post(moves(iid), json={"to": "closed"}, headers=agent.headers))
    assert (closed["state"], closed["flagged_at"]) == ("closed", None)


async def test_an_accept_after_the_customer_wrote_to_an_absent_agent_leaves_it_unflagged(
    client: Client, container: Container
) -> None:
    agent, other = await member(container), await member(container)
    _, queue = await new_queue(container)
    iid, sender = await flagged_chat(container, agent, queue)
    await container.bus.handle(SetPresence(agent_id=agent.agent_id, presence=Presence.AWAY, reason=REASON))
    await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=sender, body="hello?", queue=queue)
    )
    async with container.uow() as uow:
        requeued = await uow.interactions.get(iid)
    assert (requeued.state, requeued.flagged_at, requeued.flag_reason) == ("queued", None, None)
    await offer_as_router(container, iid, other.agent_id)
    accepted = await ok(await client.post(f"/api/v1/interactions/{iid}/accept", headers=other.headers))
    assert (accepted["state"], accepted["agent_id"], accepted["flagged_at"]) == (
        "active",
        other.agent_id,
        None,
    )


async def test_an_accept_clears_a_flag_whatever_set_it(container: Container) -> None:
    """The accept path writes its rows set-wise, apart from the other moves: it clears too."""
    agent = await member(container)
    _, queue = await new_queue(container)
    received = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=unique("visitor"), body="hi", queue=queue)
    )
    iid = int(received.interaction_id)
    await offer_as_router(container, iid, agent.agent_id)
    async with container.uow() as uow:
        interaction = await uow.interactions.get(iid, for_update=True)
        interaction.flagged_at, interaction.flag_reason = uow.now(), "waited too long"
        uow.session.add(interaction)
        await uow.commit()
    accepted = await container.bus.handle(AcceptOffer(interaction_id=iid, agent_id=agent.agent_id))
    assert (accepted.flagged_at, accepted.flag_reason) == (None, None)
    async with container.uow() as uow:
        stored = await uow.interactions.get(iid)
    assert (stored.state, stored.flagged_at, stored.flag_reason) == ("active", None, None)
