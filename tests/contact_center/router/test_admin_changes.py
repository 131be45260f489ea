"""What an admin changes reaches a running router without a restart: a queue's new required skill
(`queue.updated` -> rebuild) and an agent's new skills (`agent.updated` -> the agent's entry
translated). SQLite and PostgreSQL."""

from __future__ import annotations

from sqlmodel import col, select

from contact_center.domain.commands import UpdateAgent, UpdateQueue
from contact_center.domain.routing import Offer
from tests.conftest import unique
from tests.contact_center.router.conftest import Routed, polled


async def _offered_to(routed: Routed, interaction_id: int) -> list[int]:
    async with routed.container.uow() as uow:
        stmt = select(Offer).where(Offer.interaction_id == interaction_id).order_by(col(Offer.id))
        return [o.agent_id for o in (await uow.session.exec(stmt)).all()]


async def test_a_queues_new_skill_and_an_agents_new_skills_route_without_a_restart(routed: Routed) -> None:
    bus = routed.container.bus
    async with routed.container.uow() as uow:
        queue_id = (await uow.queues.named(routed.queue)).id or 0
    old_hand = await routed.agent(level=5)
    first = await routed.inbound()
    assert await polled(lambda: _offered_to(routed, first)) == [old_hand]

    # The queue now needs a skill nobody has: the next chat waits, offered to no one.
    new_skill = unique("newskill")
    await bus.handle(UpdateQueue(queue_id=queue_id, changes=(("required_skills", {new_skill: 2}),)))
    newcomer = await routed.agent(level=5)  # available, with the old skill only
    waiting = await routed.inbound()
    assert await _offered_to(routed, waiting) == []
    # An agent given the new skill by an admin is offered the waiting chat.
    await bus.handle(UpdateAgent(agent_id=newcomer, changes=(("skills", {new_skill: 4}),)))
    # Never to the old hand, available with chat capacity left: the queue's change took.
    assert await polled(lambda: _offered_to(routed, waiting)) == [newcomer]
