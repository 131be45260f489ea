"""Domain events in, routing events out: what each event means for the engine, read from the rows.

Events are triggers, not state. For each one this reads the interaction's or agent's current rows,
so an event delivered twice or late (a consumer catching up after a takeover) cannot undo a newer
fact: an old `offered` event for a call that is active by now must not free its agent.
"""

from __future__ import annotations

from contact_center.domain import events as ev
from contact_center.domain.enums import InteractionState
from contact_center.domain.errors import NotFoundError
from contact_center.router.mapping import agent_state, loads, waiting_interaction
from contact_center.storage.routing import RoutingRepository
from contact_center.storage.uow import UnitOfWork
from routing import (
    AgentId,
    AgentLoadChanged,
    AgentLoggedIn,
    AgentPresenceChanged,
    AgentSkillsChanged,
    Channel,
    InteractionId,
    InteractionQueued,
    InteractionRemoved,
    OfferAccepted,
    OfferRejected,
    QueueId,
    RoutingEngine,
)
from routing import Event as RoutingEvent
from routing import Presence as RoutingPresence

HANDLED = {
    InteractionState.ACTIVE,
    InteractionState.WRAP_UP,
    InteractionState.PENDING,
    InteractionState.CLOSED,
}
REMOVED = {
    "interaction.abandoned": "abandoned",
    "interaction.closed": "closed",
    "interaction.transferred": "transferred",
}


def concerns_routing(event: ev.Event) -> bool:
    """Whether `event` can change what the engine knows (most events, a message say, cannot)."""
    if isinstance(event, ev.OfferDeclined):
        return event.outcome == "rejected"
    return isinstance(event, ev.InteractionChanged | ev.PresenceChanged | ev.AgentUpdated | ev.AgentCreated)


async def translate(
    uow: UnitOfWork, engine: RoutingEngine | None, event: ev.Event, now: float
) -> list[RoutingEvent]:
    """What `event` means for the engine, read in `uow` (a fresh unit of work it opens and ends)."""
    return await translate_all(uow, engine, [event], now)


async def translate_all(
    uow: UnitOfWork, engine: RoutingEngine | None, events: list[ev.Event], now: float
) -> list[RoutingEvent]:
    """What each of `events` means, in order, all read in one unit of work (one transaction)."""
    out: list[RoutingEvent] = []
    async with uow:
        for event in events:
            if isinstance(event, ev.InteractionChanged):
                assert engine is not None
                out += await _interaction_events(uow, engine, event, now)
            elif isinstance(event, ev.OfferDeclined) and event.outcome == "rejected":
                out.append(OfferRejected(InteractionId(event.interaction_id), AgentId(event.agent_id), now))
            elif isinstance(event, ev.PresenceChanged | ev.AgentUpdated | ev.AgentCreated):
                out += await _agent_events(uow, event, now)
    return out


async def _agent_events(
    uow: UnitOfWork, event: ev.PresenceChanged | ev.AgentUpdated | ev.AgentCreated, now: float
) -> list[RoutingEvent]:
    try:
        agent = await uow.agents.get(event.agent_id)
    except NotFoundError:
        return []
    aid = AgentId(event.agent_id)
    if isinstance(event, ev.AgentCreated):  # with its real load, should the event come late
        load = (await loads(uow, event.agent_id)).get(event.agent_id, {})
        return [AgentLoggedIn(agent_state(agent, load), now)]
    presence = RoutingPresence(agent.presence) if agent.is_active else RoutingPresence.OFFLINE
    out: list[RoutingEvent] = []
    if isinstance(event, ev.AgentUpdated):
        capacity = {Channel(c): n for c, n in agent.capacity.items() if n > 0}
        out.append(AgentSkillsChanged(aid, now, dict(agent.skills), capacity))
    out.append(AgentPresenceChanged(aid, presence, now))
    return out


async def _interaction_events(
    uow: UnitOfWork, engine: RoutingEngine, event: ev.InteractionChanged, now: float
) -> list[RoutingEvent]:
    iid = InteractionId(event.interaction_id)
    try:
        # Locked, so its offer rows read below belong to the same moment (READ COMMITTED).
        interaction = await uow.interactions.get(event.interaction_id, for_update=True)
    except NotFoundError:
        return []
    state = InteractionState(interaction.state)
    out: list[RoutingEvent] = []
    if state is InteractionState.QUEUED:
        policy = engine.policies.get(QueueId(interaction.queue_id or 0))
        if policy is not None:
            out.append(InteractionQueued(await waiting_interaction(uow, interaction, policy), now))
        else:
            out.append(InteractionRemoved(iid, now, "in a queue the router does not know"))
    elif state is InteractionState.OFFERED:
        if not await RoutingRepository(uow.session).has_open_offer(event.interaction_id):
            out.append(InteractionRemoved(iid, now, "offered outside routing"))
    else:
        if interaction.agent_id is not None and state in HANDLED:
            out.append(OfferAccepted(iid, AgentId(interaction.agent_id), now))  # stale unless it was ours
        out.append(InteractionRemoved(iid, now, REMOVED.get(event.type, f"now {state.value}")))
    for agent_id in {event.agent_id, interaction.agent_id} - {None}:
        assert agent_id is not None
        load = (await loads(uow, agent_id)).get(agent_id, {})
        out.append(AgentLoadChanged(AgentId(agent_id), {Channel(c): n for c, n in load.items()}, now))
    return out
