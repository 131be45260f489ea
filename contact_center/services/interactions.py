"""Interaction handlers: interactions opened from our side, and agents moving them along.

An inbound contact takes its own path (`services/inbound.py`, a group commit shared by contacts
arriving together); `transition` is the one place a single interaction changes state here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from contact_center.domain.commands import OpenInteraction, TransitionInteraction
from contact_center.domain.customers import Customer
from contact_center.domain.enums import (
    AuthorKind,
    Channel,
    DeliveryStatus,
    Direction,
    InteractionState,
    Role,
)
from contact_center.domain.errors import InvalidInputError, UnprocessableError
from contact_center.domain.events import TRANSITION_EVENTS, InteractionStarted, MessageAdded, OfferDeclined
from contact_center.domain.interactions import Interaction, InteractionTransition, Message
from contact_center.domain.principal import Principal
from contact_center.domain.queues import Queue
from contact_center.domain.routing import OfferState
from contact_center.services import policy, wrap_up_codes
from contact_center.storage import access_facts
from contact_center.storage.routing import RoutingRepository
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class InteractionRecord:
    """An interaction as its command left it, with its messages and transitions, read inside the
    command's own transaction: the answer is built from it, nothing is read back afterwards."""

    interaction: Interaction
    messages: Sequence[Message]
    transitions: Sequence[InteractionTransition]


async def record_of(uow: UnitOfWork, interaction: Interaction) -> InteractionRecord:
    await uow.session.flush()
    iid = interaction.id or 0
    return InteractionRecord(
        interaction, await uow.messages.for_interaction(iid), await uow.interactions.transitions(iid)
    )


async def open_interaction(cmd: OpenInteraction, uow: UnitOfWork) -> InteractionRecord:
    """Open an interaction from our side: queued for routing, or active when an agent starts it."""
    async with uow:
        customer = await uow.customers.get(cmd.customer_id, follow_merge=True)
        queue = await queue_for(uow, cmd.channel, cmd.queue)
        if cmd.agent_id is not None:
            await uow.agents.get(cmd.agent_id)
        interaction = await _create(
            uow, customer, cmd.channel, cmd.direction, queue, cmd.subject, cmd.priority
        )
        if cmd.agent_id is not None:
            interaction.agent_id = cmd.agent_id
            await transition(
                uow, interaction, InteractionState.ACTIVE, actor=cmd.actor, agent_id=cmd.agent_id
            )
        else:
            await transition(uow, interaction, InteractionState.QUEUED, actor=cmd.actor)
        if cmd.body:
            inbound = cmd.direction is Direction.INBOUND
            message = Message(
                interaction_id=interaction.id or 0,
                channel=cmd.channel,
                direction=cmd.direction,
                author_kind=AuthorKind.CUSTOMER if inbound else AuthorKind.AGENT,
                author_agent_id=None if inbound else cmd.agent_id,
                body=cmd.body,
                provider_message_id=cmd.provider_message_id,
                delivery_status=DeliveryStatus.RECEIVED if inbound else DeliveryStatus.QUEUED,
                created_at=uow.now(),
            )
            await uow.messages.added(message)
            uow.emit(message_added(message, interaction))
        customer.last_contact_at = uow.now()
        record = await record_of(uow, interaction)
        await uow.commit()
        return record


async def transition_interaction(
    cmd: TransitionInteraction, uow: UnitOfWork, *, wrap_up_limit_s: int | None = None
) -> InteractionRecord:
    """The one generic move. `offered` is refused to everyone: an offer row and that state are
    written together by the router's offer path (`services/offers.py`), or not at all.

    Entering wrap-up sets the deadline after which the system closes it (`wrap_up_limit_s`, from
    settings; None: no limit). A person's wrap-up code is checked against the queue's list."""
    if cmd.target is InteractionState.OFFERED:
        raise UnprocessableError(
            "an interaction is offered only by the router, together with its offer; "
            "assign it with to=active and an agent_id instead",
            code="offer_by_router_only",
        )
    async with uow:
        interaction = await uow.interactions.get(cmd.interaction_id, for_update=True)
        target = cmd.target
        agent_id = cmd.agent_id
        if cmd.principal is not None:
            agent_id = await _authorise(uow, cmd, cmd.principal, interaction)
        if interaction.state == InteractionState.OFFERED:
            await _withdraw_offer(uow, interaction, cmd.actor)
        queue_id = None
        if cmd.queue is not None:
            if target not in (InteractionState.TRANSFERRED, InteractionState.QUEUED):
                raise InvalidInputError("a queue can only be given when transferring or re-queueing")
            queue = await queue_for(uow, Channel(interaction.channel), cmd.queue)
            queue_id = queue.id if queue else None
        if target is InteractionState.ACTIVE:
            agent_id = agent_id if agent_id is not None else interaction.agent_id
            if agent_id is None:
                raise UnprocessableError(f"moving to {target.value} needs an agent_id")
            await uow.agents.get(agent_id)
            interaction.agent_id = agent_id
        if cmd.principal is not None:
            closing = target is InteractionState.CLOSED and interaction.state == InteractionState.WRAP_UP
            await wrap_up_codes.check_code(uow, interaction, cmd.wrap_up_code, closing=closing)
        if cmd.wrap_up_code is not None:
            interaction.wrap_up_code = cmd.wrap_up_code
        if target is InteractionState.WRAP_UP and wrap_up_limit_s is not None:
            interaction.wrap_up_deadline = uow.now() + timedelta(seconds=wrap_up_limit_s)
        if target is InteractionState.QUEUED and queue_id is not None:
            interaction.queue_id = queue_id  # the transition row names the queue it entered
        await transition(uow, interaction, target, actor=cmd.actor, agent_id=interaction.agent_id)
        if target is InteractionState.TRANSFERRED:
            if queue_id is not None:
                interaction.queue_id = queue_id
            await transition(uow, interaction, InteractionState.QUEUED, actor=cmd.actor)
        if target is InteractionState.CLOSED and interaction.agent_id is not None:
            customer = await uow.customers.get(interaction.customer_id)
            customer.last_agent_id = interaction.agent_id
        record = await record_of(uow, interaction)
        await uow.commit()
        return record


async def _withdraw_offer(uow: UnitOfWork, interaction: Interaction, actor: str) -> None:
    """Taken out of `offered` by hand (a supervisor, a caller hanging up): its open offer ends with
    it, so an open offer never outlives the state it belongs to. The router and the agent's desk
    hear of it as of any withdrawal."""
    offer = await RoutingRepository(uow.session).open_offer_of(interaction.id or 0)
    if offer is None:
        return
    now = uow.now()
    offer.state, offer.closed_at = OfferState.WITHDRAWN, now
    uow.session.add(offer)
    uow.audit(actor, "interaction", interaction.id or 0, "offer_withdrawn", {"agent_id": offer.agent_id})
    uow.emit(
        OfferDeclined(
            interaction_id=interaction.id or 0,
            agent_id=offer.agent_id,
            outcome=OfferState.WITHDRAWN.value,
            at=now,
        )
    )


async def _authorise(
    uow: UnitOfWork, cmd: TransitionInteraction, principal: Principal, interaction: Interaction
) -> int | None:
    """Ask the policy, on facts read under the row lock the move holds; returns the agent the move
    hands the interaction to (an agent picking waiting work takes it themselves)."""
    agent_id = cmd.agent_id
    if (
        agent_id is None
        and principal.role is Role.AGENT
        and cmd.target is InteractionState.ACTIVE
        and interaction.agent_id is None
    ):
        agent_id = principal.agent_id
    facts = await access_facts.interaction_facts(uow.session, interaction.id or 0)
    assignee_team = await access_facts.agent_team(uow.session, agent_id) if agent_id is not None else None
    refusal = policy.transition_refusal(
        principal, facts, cmd.target, assignee=agent_id, assignee_team=assignee_team
    )
    policy.check(refusal, f"interaction {cmd.interaction_id}")
    return agent_id


async def transition(
    uow: UnitOfWork,
    interaction: Interaction,
    target: InteractionState,
    *,
    actor: str,
    agent_id: int | None = None,
    event_fields: dict[str, Any] | None = None,
) -> None:
    """Move, stamp, audit and emit in one place, so no transition escapes the history.

    `event_fields` are the extra fields of the target state's event (an offer's id and expiry)."""
    now = uow.now()
    previous = interaction.move_to(target, now)
    uow.session.add(interaction)
    uow.session.add(
        InteractionTransition(
            interaction_id=interaction.id or 0,
            from_state=previous,
            to_state=target,
            at=now,
            actor=actor,
            agent_id=agent_id,
            queue_id=interaction.queue_id,
        )
    )
    uow.audit(
        actor, "interaction", interaction.id or 0, "transition", {"from": previous.value, "to": target.value}
    )
    event_cls = TRANSITION_EVENTS.get(target.value, InteractionStarted)
    if previous is InteractionState.NEW and target is InteractionState.ACTIVE:
        event_cls = InteractionStarted
    uow.emit(
        event_cls(
            interaction_id=interaction.id or 0,
            channel=Channel(interaction.channel).value,
            queue_id=interaction.queue_id,
            customer_id=interaction.customer_id,
            agent_id=interaction.agent_id,
            from_state=previous.value,
            to_state=target.value,
            priority=interaction.priority,
            at=now,
            **(event_fields or {}),
        )
    )


async def queue_for(uow: UnitOfWork, channel: Channel, name: str | None) -> Queue | None:
    if name is not None:
        queue = await uow.queues.named(name)
        if channel.value not in queue.channels:
            raise UnprocessableError(f"queue {name!r} does not take {channel.value}")
        return queue
    return await uow.queues.for_channel(channel)


async def _create(
    uow: UnitOfWork,
    customer: Customer,
    channel: Channel,
    direction: Direction,
    queue: Queue | None,
    subject: str,
    priority: int | None,
) -> Interaction:
    now = uow.now()
    interaction = Interaction(
        channel=channel,
        direction=direction,
        state=InteractionState.NEW,
        queue_id=queue.id if queue else None,
        priority=priority if priority is not None else (queue.priority if queue else 0),
        required_skills=dict(queue.required_skills) if queue else {},
        subject=subject[:500],
        customer_id=customer.id or 0,
        created_at=now,
        state_changed_at=now,
    )
    await uow.interactions.added(interaction)
    uow.audit("system", "interaction", interaction.id or 0, "create", {"channel": channel.value})
    return interaction


def message_added(message: Message, interaction: Interaction | None = None) -> MessageAdded:
    return MessageAdded(
        message_id=message.id or 0,
        interaction_id=message.interaction_id,
        channel=Channel(message.channel).value,
        direction=Direction(message.direction).value,
        author_kind=AuthorKind(message.author_kind).value,
        at=message.created_at,
        customer_id=interaction.customer_id if interaction else None,
        agent_id=interaction.agent_id if interaction else None,
        queue_id=interaction.queue_id if interaction else None,
    )
