"""Rows to routing inputs: queue policies and the engine snapshot, rebuilt from the database.

No row crosses into `routing/`: everything here becomes the engine's frozen values. Times become
float epoch seconds, which is what the engine takes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from contact_center.domain.agents import Agent
from contact_center.domain.customers import Customer
from contact_center.domain.enums import InteractionState
from contact_center.domain.errors import InvalidInputError
from contact_center.domain.interactions import Interaction
from contact_center.domain.queues import Queue
from contact_center.storage.routing import RoutingRepository
from contact_center.storage.uow import UnitOfWork
from routing import (
    AgentChoice,
    AgentId,
    AgentState,
    Channel,
    CustomerClass,
    EscalationStep,
    InteractionId,
    PendingOffer,
    Presence,
    QueueId,
    QueuePolicy,
    RoutingError,
    Snapshot,
    WaitingInteraction,
)


def epoch(at: datetime) -> float:
    return at.timestamp()


def queue_policy(queue: Queue) -> QueuePolicy:
    """The queue's routing policy. The queue's own priority is already in each interaction's."""
    cfg: dict[str, Any] = dict(queue.routing or {})
    try:
        steps = tuple(
            EscalationStep(
                after_seconds=float(s["after_seconds"]),
                lower_levels_by=int(s.get("lower_levels_by", 0)),
                overflow_queue=QueueId(int(s["overflow_queue"]))
                if s.get("overflow_queue") is not None
                else None,
                any_agent_with_skill=s.get("any_agent_with_skill"),
            )
            for s in cfg.get("escalation", [])
        )
        kwargs: dict[str, Any] = {
            "queue": QueueId(queue.id or 0),
            "required_skills": dict(queue.required_skills),
            "escalation": steps,
            "sticky_seconds": float(cfg.get("sticky_seconds", 0.0)),
            "agent_choice": AgentChoice(cfg.get("agent_choice", AgentChoice.LONGEST_IDLE.value)),
            "offer_timeout": float(cfg.get("offer_timeout_s", 20.0)),
        }
        if "aging_per_second" in cfg:
            kwargs["aging_per_second"] = float(cfg["aging_per_second"])
        if "class_boost" in cfg:
            kwargs["class_boost"] = {CustomerClass(k): float(v) for k, v in cfg["class_boost"].items()}
        return QueuePolicy(**kwargs)
    except (KeyError, TypeError, ValueError, RoutingError) as exc:
        raise InvalidInputError(f"queue {queue.name!r}: invalid routing policy: {exc}") from exc


def agent_state(agent: Agent, load: dict[str, int]) -> AgentState:
    return AgentState(
        id=AgentId(agent.id or 0),
        presence=Presence(agent.presence) if agent.is_active else Presence.OFFLINE,
        skills=dict(agent.skills),
        capacity={Channel(c): n for c, n in agent.capacity.items() if n > 0},
        load={Channel(c): n for c, n in load.items()},
        idle_since=epoch(agent.presence_changed_at),
        consecutive_misses=agent.missed_offers,
    )


async def loads(
    uow: UnitOfWork, agent_id: int | None = None, *, agents: Collection[int] | None = None
) -> dict[int, dict[str, int]]:
    """Interactions each agent (or this one, or these) is handling now (active or in wrap-up), per channel."""
    handling = await uow.interactions.handling(agent_id, agents=agents)
    counts = Counter((aid, channel.value) for aid, channel in handling)
    out: dict[int, dict[str, int]] = {}
    for (aid, channel), n in counts.items():
        out.setdefault(aid, {})[channel] = n
    return out


def waiting_from(
    interaction: Interaction, customer: Customer, excluded: frozenset[AgentId]
) -> WaitingInteraction:
    """The engine's view of a queued interaction, from rows already read. A transfer to one agent
    names that agent, reserved until the transfer's time runs out; else the customer's own agent
    (owner, or the last one who served them) is preferred for the queue's sticky window."""
    transfer_to, until = interaction.transfer_agent_id, interaction.transfer_until
    if transfer_to is not None and until is not None:
        return _waiting(interaction, customer, transfer_to, excluded, reserved_until=epoch(until))
    return _waiting(interaction, customer, customer.owner_agent_id or customer.last_agent_id, excluded)


def _waiting(
    interaction: Interaction,
    customer: Customer,
    preferred: int | None,
    excluded: frozenset[AgentId],
    *,
    reserved_until: float | None = None,
) -> WaitingInteraction:
    return WaitingInteraction(
        id=InteractionId(interaction.id or 0),
        channel=Channel(interaction.channel),
        queue=QueueId(interaction.queue_id or 0),
        enqueued_at=epoch(interaction.queued_at or interaction.state_changed_at),
        priority=float(interaction.priority),
        required_skills=dict(interaction.required_skills),
        customer_class=CustomerClass(customer.customer_class),
        preferred_agent=AgentId(preferred) if preferred else None,
        excluded_agents=excluded,
        reserved_until=reserved_until,
    )


async def excluded_agents(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, frozenset[AgentId]]:
    """Agents who already rejected or missed each interaction since it last entered its queue."""
    out: dict[int, set[AgentId]] = {}
    for iid, aid in await RoutingRepository(uow.session).declined(ids):
        out.setdefault(iid, set()).add(AgentId(aid))
    return {iid: frozenset(aids) for iid, aids in out.items()}


async def build_snapshot(uow: UnitOfWork, policies: dict[QueueId, QueuePolicy]) -> Snapshot:
    """Agents, waiting interactions (queued, and offered with their open offer) as of now."""
    now = uow.now()
    agent_loads = await loads(uow)
    agents = tuple(agent_state(a, agent_loads.get(a.id or 0, {})) for a in await uow.agents.list())
    routing = RoutingRepository(uow.session)
    rows = [(i, c) for i, c in await routing.waiting() if QueueId(i.queue_id or 0) in policies]
    excluded = await excluded_agents(uow, [i.id or 0 for i, _ in rows])
    open_offers = {o.interaction_id: o for o in await routing.open_offers()}
    waiting: list[WaitingInteraction] = []
    offers: list[PendingOffer] = []
    for interaction, customer in rows:
        iid = interaction.id or 0
        offer = open_offers.get(iid)
        if interaction.state == InteractionState.OFFERED and offer is None:
            continue  # offered outside routing: not the router's to manage
        waiting.append(waiting_from(interaction, customer, excluded.get(iid, frozenset())))
        if offer is not None:
            offers.append(PendingOffer(InteractionId(iid), AgentId(offer.agent_id), epoch(offer.offered_at)))
    return Snapshot(at=epoch(now), agents=agents, interactions=tuple(waiting), offers=tuple(offers))


async def policies_from(uow: UnitOfWork) -> dict[QueueId, QueuePolicy]:
    return {QueueId(q.id or 0): queue_policy(q) for q in await uow.queues.list()}
