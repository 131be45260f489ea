"""A returning customer is never stuck with an agent who cannot answer, on both databases.

A message on a conversation its agent still holds stays with them while they are at their desk
(available, busy, in wrap-up); when they are away, offline or deactivated it goes to the queue,
through `transferred` as a transfer would, for the router to offer to an agent who can take it.
A conversation in wrap-up whose agent is gone is over: the new message starts a new one."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from contact_center.bootstrap import Container
from contact_center.domain.commands import (
    CreateAgent,
    CreateQueue,
    ReceiveInbound,
    SetPresence,
    TransitionInteraction,
    UpdateAgent,
)
from contact_center.domain.enums import Channel, InteractionState, Presence
from contact_center.domain.interactions import InteractionTransition, Message
from tests.conftest import unique
from tests.contact_center.conftest import offer_and_accept


async def _chat_with_agent(container: Container) -> tuple[str, int, int]:
    """A visitor's chat, accepted by an available agent: (visitor, interaction, agent)."""
    queue = unique("q")
    await container.bus.handle(CreateQueue(name=queue, channels=(Channel.CHAT,)))
    agent = await container.bus.handle(CreateAgent(username=unique("rc")))
    await container.bus.handle(SetPresence(agent_id=agent, presence=Presence.AVAILABLE))
    visitor = unique("visitor")
    first = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=visitor, body="hi", queue=queue)
    )
    await offer_and_accept(container, first.interaction_id, agent)
    return visitor, first.interaction_id, agent


async def _moves(container: Container, interaction_id: int) -> list[tuple[str, str]]:
    async with container.uow() as uow:
        stmt = (
            select(InteractionTransition.from_state, InteractionTransition.to_state)
            .where(InteractionTransition.interaction_id == interaction_id)
            .order_by(col(InteractionTransition.id))
        )
        return [(str(f), str(t)) for f, t in (await uow.session.exec(stmt)).all()]


async def _placed(container: Container, interaction_id: int) -> tuple[str, int | None]:
    async with container.uow() as uow:
        interaction = await uow.interactions.get(interaction_id)
    return str(interaction.state), interaction.agent_id


@pytest.mark.parametrize("presence", [Presence.AVAILABLE, Presence.BUSY, Presence.WRAP_UP])
async def test_a_message_stays_with_an_agent_at_their_desk(container: Container, presence: Presence) -> None:
    visitor, chat, agent = await _chat_with_agent(container)
    await container.bus.handle(SetPresence(agent_id=agent, presence=presence))
    again = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=visitor, body="still there?")
    )
    assert again.interaction_id == chat
    assert await _placed(container, chat) == ("active", agent)


@pytest.mark.parametrize("presence", [Presence.AWAY, Presence.OFFLINE])
async def test_a_message_to_an_agent_who_left_goes_to_the_queue(
    container: Container, presence: Presence
) -> None:
    visitor, chat, agent = await _chat_with_agent(container)
    await container.bus.handle(SetPresence(agent_id=agent, presence=presence, reason="desk disconnected"))
    again = await container.bus.handle(ReceiveInbound(channel=Channel.CHAT, sender=visitor, body="hello??"))
    assert again.interaction_id == chat  # the same conversation, its history with it
    assert await _placed(container, chat) == ("queued", None)
    assert (await _moves(container, chat))[-2:] == [("active", "transferred"), ("transferred", "queued")]
    async with container.uow() as uow:
        bodies = [
            m.body for m in (await uow.session.exec(select(Message).where(Message.interaction_id == chat)))
        ]
    assert bodies == ["hi", "hello??"]


async def test_a_message_to_a_deactivated_agent_goes_to_the_queue(container: Container) -> None:
    visitor, chat, agent = await _chat_with_agent(container)
    await container.bus.handle(UpdateAgent(agent_id=agent, changes=(("is_active", False),)))
    await container.bus.handle(ReceiveInbound(channel=Channel.CHAT, sender=visitor, body="anyone?"))
    assert await _placed(container, chat) == ("queued", None)


async def test_a_message_after_wrap_up_by_an_agent_who_left_starts_a_new_conversation(
    container: Container,
) -> None:
    visitor, chat, agent = await _chat_with_agent(container)
    await container.bus.handle(TransitionInteraction(interaction_id=chat, target=InteractionState.WRAP_UP))
    await container.bus.handle(SetPresence(agent_id=agent, presence=Presence.OFFLINE))
    again = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=visitor, body="one more thing")
    )
    assert again.interaction_id != chat and again.opened
    assert await _placed(container, again.interaction_id) == ("queued", None)
    assert await _placed(container, chat) == ("wrap_up", agent)  # theirs to close


async def test_a_message_after_wrap_up_by_an_agent_still_there_continues_it(container: Container) -> None:
    visitor, chat, agent = await _chat_with_agent(container)
    await container.bus.handle(TransitionInteraction(interaction_id=chat, target=InteractionState.WRAP_UP))
    again = await container.bus.handle(ReceiveInbound(channel=Channel.CHAT, sender=visitor, body="thanks!"))
    assert again.interaction_id == chat
    assert await _placed(container, chat) == ("wrap_up", agent)
