"""Small builders shared by the routing tests: plain functions, no fixtures."""

from __future__ import annotations

from collections.abc import Mapping

from routing import (
    AgentId,
    AgentState,
    Channel,
    CustomerClass,
    Decision,
    InteractionId,
    InteractionQueued,
    Offer,
    Presence,
    QueueId,
    QueuePolicy,
    RoutingEngine,
    RoutingRules,
    Snapshot,
    WaitingInteraction,
)

T0 = 1_700_000_000.0


def agent(
    aid: int,
    skills: Mapping[str, int] | None = None,
    *,
    presence: Presence = Presence.AVAILABLE,
    chat: int = 0,
    voice: int = 0,
    email: int = 0,
    sms: int = 0,
    load: Mapping[Channel, int] | None = None,
    idle_since: float = T0 - 100,
) -> AgentState:
    capacity = {Channel.CHAT: chat, Channel.VOICE: voice, Channel.EMAIL: email, Channel.SMS: sms}
    return AgentState(
        AgentId(aid),
        presence,
        dict(skills or {}),
        {c: n for c, n in capacity.items() if n},
        dict(load or {}),
        idle_since,
    )


def item(
    iid: int,
    queue: int = 1,
    *,
    channel: Channel = Channel.CHAT,
    at: float = T0,
    priority: float = 0.0,
    customer_class: CustomerClass = CustomerClass.REGULAR,
    skills: Mapping[str, int] | None = None,
    preferred: int | None = None,
) -> WaitingInteraction:
    return WaitingInteraction(
        InteractionId(iid),
        channel,
        QueueId(queue),
        at,
        priority,
        dict(skills or {}),
        customer_class,
        AgentId(preferred) if preferred is not None else None,
    )


def engine(
    *policies: QueuePolicy,
    agents: tuple[AgentState, ...] = (),
    items: tuple[WaitingInteraction, ...] = (),
    at: float = T0,
    rules: RoutingRules | None = None,
) -> tuple[RoutingEngine, list[Decision]]:
    eng = RoutingEngine(policies or (QueuePolicy(QueueId(1)),), rules)
    return eng, eng.load(Snapshot(at, agents, items))


def queue(eng: RoutingEngine, wi: WaitingInteraction, at: float | None = None) -> list[Decision]:
    return eng.handle(InteractionQueued(wi, wi.enqueued_at if at is None else at))


def offers(decisions: list[Decision]) -> list[tuple[int, int]]:
    """(interaction, agent) of every Offer, in order."""
    return [(d.interaction, d.agent) for d in decisions if isinstance(d, Offer)]
