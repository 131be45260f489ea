"""Domain events in, routing events out: what each event means for the engine, read from the rows.

Events are triggers, not state. For each one this reads the interaction's or agent's current rows
(for a pass's events together, one query per kind of fact),
so an event delivered twice or late (a consumer catching up after a takeover) cannot undo a newer
fact: an old `offered` event for a call that is active by now must not free its agent.
"""

from __future__ import annotations

from contact_center.domain import events as ev
from contact_center.domain.agents import Agent
from contact_center.domain.customers import Customer
from contact_center.domain.enums import InteractionState
from contact_center.domain.interactions import Interaction
from contact_center.router.mapping import agent_state, excluded_agents, loads, waiting_from
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


async def translate_all(
    uow: UnitOfWork, engine: RoutingEngine | None, events: list[ev.Event], now: float
) -> list[RoutingEvent]:
    """What each of `events` means, in order, all read in one unit of work with one query per
    kind of fact (interactions with their customers, declined offers, open offers, loads)."""
    out: list[RoutingEvent] = []
    async with uow:
        facts = await _Facts.read(uow, [e for e in events if isinstance(e, ev.InteractionChanged)])
        people = await _People.read(uow, events)
        for event in events:
            if isinstance(event, ev.InteractionChanged):
                assert engine is not None
                out += facts.interaction_events(engine, event, now)
            elif isinstance(event, ev.OfferDeclined) and event.outcome == "rejected":
                out.append(OfferRejected(InteractionId(event.interaction_id), AgentId(event.agent_id), now))
            elif isinstance(event, ev.PresenceChanged | ev.AgentUpdated | ev.AgentCreated):
                out += people.agent_events(event, now)
    return out


class _People:
    """The agents a pass's presence and account events name, and the loads of the new ones, read
    together: a shift's start is hundreds of presence changes at once, and a read per event kept
    the router seconds behind the contacts arriving meanwhile (bench/console_fanout.py)."""

    def __init__(self, agents: dict[int, Agent], new_loads: dict[int, dict[str, int]]) -> None:
        self.agents = agents
        self.new_loads = new_loads

    @classmethod
    async def read(cls, uow: UnitOfWork, events: list[ev.Event]) -> _People:
        named = [e for e in events if isinstance(e, ev.PresenceChanged | ev.AgentUpdated | ev.AgentCreated)]
        if not named:
            return cls({}, {})
        new = {e.agent_id for e in named if isinstance(e, ev.AgentCreated)}
        return cls(
            await uow.agents.by_ids({e.agent_id for e in named}),
            await loads(uow, agents=new) if new else {},
        )

    def agent_events(
        self, event: ev.PresenceChanged | ev.AgentUpdated | ev.AgentCreated, now: float
    ) -> list[RoutingEvent]:
        agent = self.agents.get(event.agent_id)
        if agent is None:
            return []
        aid = AgentId(event.agent_id)
        if isinstance(event, ev.AgentCreated):  # with its real load, should the event come late
            return [AgentLoggedIn(agent_state(agent, self.new_loads.get(event.agent_id, {})), now)]
        presence = RoutingPresence(agent.presence) if agent.is_active else RoutingPresence.OFFLINE
        out: list[RoutingEvent] = []
        if isinstance(event, ev.AgentUpdated):
            capacity = {Channel(c): n for c, n in agent.capacity.items() if n > 0}
            out.append(AgentSkillsChanged(aid, now, dict(agent.skills), capacity))
        out.append(AgentPresenceChanged(aid, presence, now))
        return out


class _Facts:
    """The current rows behind a pass's interaction events, read together."""

    def __init__(
        self,
        rows: dict[int, tuple[Interaction, Customer]],
        excluded: dict[int, frozenset[AgentId]],
        offered: set[int],
        loads: dict[int, dict[str, int]],
    ) -> None:
        self.rows = rows
        self.excluded = excluded
        self.offered = offered
        self.loads = loads
        self.done: set[int] = set()
        self.loads_told: set[int] = set()

    @classmethod
    async def read(cls, uow: UnitOfWork, events: list[ev.InteractionChanged]) -> _Facts:
        if not events:
            return cls({}, {}, set(), {})
        repo = RoutingRepository(uow.session)
        rows = await repo.with_customers({e.interaction_id for e in events})
        states = {iid: InteractionState(i.state) for iid, (i, _c) in rows.items()}
        queued = [iid for iid, s in states.items() if s is InteractionState.QUEUED]
        offered = [iid for iid, s in states.items() if s is InteractionState.OFFERED]
        agents = {e.agent_id for e in events} | {i.agent_id for i, _c in rows.values()}
        agents.discard(None)
        return cls(
            rows,
            await excluded_agents(uow, queued),
            await repo.with_open_offer(offered),
            await loads(uow, agents={a for a in agents if a is not None}) if agents else {},
        )

    def interaction_events(
        self, engine: RoutingEngine, event: ev.InteractionChanged, now: float
    ) -> list[RoutingEvent]:
        """The interaction's current state, told once per pass whatever number of events named it."""
        iid = InteractionId(event.interaction_id)
        found = self.rows.get(event.interaction_id)
        if found is None or event.interaction_id in self.done:
            return []
        self.done.add(event.interaction_id)
        interaction, customer = found
        state = InteractionState(interaction.state)
        out: list[RoutingEvent] = []
        if state is InteractionState.QUEUED:
            policy = engine.policies.get(QueueId(interaction.queue_id or 0))
            if policy is not None:
                excluded = self.excluded.get(event.interaction_id, frozenset())
                out.append(InteractionQueued(waiting_from(interaction, customer, excluded), now))
            else:
                out.append(InteractionRemoved(iid, now, "in a queue the router does not know"))
        elif state is InteractionState.OFFERED:
            if event.interaction_id not in self.offered:
                out.append(InteractionRemoved(iid, now, "offered outside routing"))
        else:
            if interaction.agent_id is not None and state in HANDLED:
                out.append(OfferAccepted(iid, AgentId(interaction.agent_id), now))  # stale unless it was ours
            out.append(InteractionRemoved(iid, now, REMOVED.get(event.type, f"now {state.value}")))
        for agent_id in {event.agent_id, interaction.agent_id} - {None} - self.loads_told:
            assert agent_id is not None
            self.loads_told.add(agent_id)
            load = self.loads.get(agent_id, {})
            out.append(AgentLoadChanged(AgentId(agent_id), {Channel(c): n for c, n in load.items()}, now))
        return out
