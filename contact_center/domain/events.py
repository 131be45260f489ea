"""Domain events: facts recorded in the outbox with the change that caused them.

Each event has a dotted type, declared once here, and survives a JSON round trip (`to_json` /
`event_from_json`), because events cross process boundaries through Redis.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any, ClassVar, TypeVar

_REGISTRY: dict[str, type[Event]] = {}

E = TypeVar("E", bound="type[Event]")


def event_type(name: str) -> Any:
    def register(cls: E) -> E:
        cls.type = name
        _REGISTRY[name] = cls
        return cls

    return register


@dataclasses.dataclass(frozen=True, slots=True)
class Event:
    type: ClassVar[str] = "event"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, datetime) else value
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)


def event_from_dict(type_name: str, data: dict[str, Any]) -> Event:
    """Rebuild an event; a payload missing a field is refused rather than filled with None, except
    a field added later with a default (payloads written before it, still in an outbox or stream)."""
    cls = _REGISTRY[type_name]
    fields = dataclasses.fields(cls)
    missing = [f.name for f in fields if f.name not in data and f.default is dataclasses.MISSING]
    if missing:
        raise ValueError(f"{type_name} payload lacks {', '.join(missing)}")
    kwargs: dict[str, Any] = {}
    for f in fields:
        if f.name not in data:
            continue
        value = data[f.name]
        if f.type in ("datetime", "datetime | None") and isinstance(value, str):
            value = datetime.fromisoformat(value)
        kwargs[f.name] = value
    return cls(**kwargs)


def event_from_json(type_name: str, payload: str) -> Event:
    return event_from_dict(type_name, json.loads(payload))


def registered_event_types() -> dict[str, type[Event]]:
    return dict(_REGISTRY)


@event_type("customer.created")
@dataclasses.dataclass(frozen=True, slots=True)
class CustomerCreated(Event):
    """Names the customer by id only: events travel through Redis and the outbox, where erasure
    cannot follow every copy (docs/privacy.md). Payloads written before carried the name; reading
    them ignores it."""

    customer_id: int
    at: datetime


@event_type("customer.updated")
@dataclasses.dataclass(frozen=True, slots=True)
class CustomerUpdated(Event):
    customer_id: int
    fields: list[str]
    at: datetime


@event_type("customer.erased")
@dataclasses.dataclass(frozen=True, slots=True)
class CustomerErased(Event):
    """A customer's personal data was erased; `customer_ids`: it and the customers merged into it."""

    customer_id: int
    customer_ids: list[int]
    at: datetime


@event_type("customer.merged")
@dataclasses.dataclass(frozen=True, slots=True)
class CustomersMerged(Event):
    survivor_id: int
    merged_id: int
    at: datetime


@dataclasses.dataclass(frozen=True, slots=True)
class InteractionChanged(Event):
    """Base of every interaction transition event; consumers read the same fields from all of them."""

    interaction_id: int
    channel: str
    queue_id: int | None
    customer_id: int
    agent_id: int | None
    from_state: str
    to_state: str
    priority: int
    at: datetime


@event_type("interaction.queued")
@dataclasses.dataclass(frozen=True, slots=True)
class InteractionQueued(InteractionChanged):
    pass


@event_type("interaction.offered")
@dataclasses.dataclass(frozen=True, slots=True)
class InteractionOffered(InteractionChanged):
    """Carries what an agent's screen shows of an offer, so a desk is pushed it without a read.

    The offer's fields are None only for an interaction moved to `offered` by hand, outside routing.
    """

    offer_id: int | None = None
    expires_at: datetime | None = None
    reason: str = ""


@event_type("interaction.accepted")
@dataclasses.dataclass(frozen=True, slots=True)
class InteractionAccepted(InteractionChanged):
    pass


@event_type("interaction.wrap_up")
@dataclasses.dataclass(frozen=True, slots=True)
class InteractionWrapUp(InteractionChanged):
    pass


@event_type("interaction.pending")
@dataclasses.dataclass(frozen=True, slots=True)
class InteractionPending(InteractionChanged):
    pass


@event_type("interaction.transferred")
@dataclasses.dataclass(frozen=True, slots=True)
class InteractionTransferred(InteractionChanged):
    pass


@event_type("interaction.closed")
@dataclasses.dataclass(frozen=True, slots=True)
class InteractionClosed(InteractionChanged):
    pass


@event_type("interaction.abandoned")
@dataclasses.dataclass(frozen=True, slots=True)
class InteractionAbandoned(InteractionChanged):
    pass


@event_type("interaction.started")
@dataclasses.dataclass(frozen=True, slots=True)
class InteractionStarted(InteractionChanged):
    """An outbound or agent-opened interaction went straight to active."""


@event_type("interaction.flagged")
@dataclasses.dataclass(frozen=True, slots=True)
class InteractionFlagged(Event):
    """An interaction needs a supervisor's eye, its state unchanged: e.g. a chat whose agent's
    desk closed and did not come back (`reason` says why). Streamed to the supervisors of its
    queue's team, and to its agent, like the interaction's own events."""

    interaction_id: int
    channel: str
    queue_id: int | None
    agent_id: int | None
    reason: str
    at: datetime


@event_type("message.added")
@dataclasses.dataclass(frozen=True, slots=True)
class MessageAdded(Event):
    """Where it was written too (the interaction's customer, and its agent and queue then), so
    the desks' stream and the chat's push decide who sees it without reading the interaction:
    those reads, one per message, held up every event behind them at a chat's pace."""

    message_id: int
    interaction_id: int
    channel: str
    direction: str
    author_kind: str
    at: datetime
    customer_id: int | None = None
    agent_id: int | None = None
    queue_id: int | None = None


@event_type("interaction.whispered")
@dataclasses.dataclass(frozen=True, slots=True)
class Whispered(Event):
    """A supervisor whispered to the agent of an interaction. Not an `InteractionChanged` (nothing
    moved) and not a `message.added` (nothing leaves for the customer); the body stays in the
    database, for the agent's desk and the supervisors who see the interaction to read."""

    whisper_id: int
    interaction_id: int
    agent_id: int | None
    queue_id: int | None
    author_agent_id: int
    at: datetime


@event_type("agent.created")
@dataclasses.dataclass(frozen=True, slots=True)
class AgentCreated(Event):
    agent_id: int
    username: str
    role: str
    at: datetime


@event_type("agent.updated")
@dataclasses.dataclass(frozen=True, slots=True)
class AgentUpdated(Event):
    agent_id: int
    fields: list[str]
    at: datetime


@event_type("agent.tokens_revoked")
@dataclasses.dataclass(frozen=True, slots=True)
class TokensRevoked(Event):
    agent_id: int
    #: False when one token was revoked (a sign-out), True when all of the agent's were.
    all_tokens: bool
    at: datetime


@event_type("agent.presence_changed")
@dataclasses.dataclass(frozen=True, slots=True)
class PresenceChanged(Event):
    agent_id: int
    presence: str
    previous: str
    reason: str
    at: datetime


@event_type("queue.created")
@dataclasses.dataclass(frozen=True, slots=True)
class QueueCreated(Event):
    queue_id: int
    name: str
    at: datetime


@event_type("queue.updated")
@dataclasses.dataclass(frozen=True, slots=True)
class QueueUpdated(Event):
    queue_id: int
    fields: list[str]
    at: datetime


TRANSITION_EVENTS: dict[str, type[InteractionChanged]] = {
    "queued": InteractionQueued,
    "offered": InteractionOffered,
    "active": InteractionAccepted,
    "wrap_up": InteractionWrapUp,
    "pending": InteractionPending,
    "transferred": InteractionTransferred,
    "closed": InteractionClosed,
    "abandoned": InteractionAbandoned,
}


@event_type("offer.declined")
@dataclasses.dataclass(frozen=True, slots=True)
class OfferDeclined(Event):
    """The agent said no (`rejected`) or did not answer in time (`expired`), or the router took the
    offer back (`withdrawn`). The interaction is queued again."""

    interaction_id: int
    agent_id: int
    outcome: str
    at: datetime


@event_type("transcript.requested")
@dataclasses.dataclass(frozen=True, slots=True)
class TranscriptRequested(Event):
    """A transcript request to mail, by id only: the address stays in its row, where erasure reaches."""

    request_id: int
    interaction_id: int
    customer_id: int
    at: datetime


@event_type("follow_up.overdue")
@dataclasses.dataclass(frozen=True, slots=True)
class FollowUpOverdue(Event):
    """A follow-up is open past its due time: its owner (`agent_id`) is told on their desk. Ids
    and times only, as every event: the title may name the customer."""

    follow_up_id: int
    customer_id: int
    agent_id: int | None
    due_at: datetime
    at: datetime
