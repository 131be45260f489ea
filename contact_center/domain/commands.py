"""Commands: what a user, a provider or the system asks the contact center to do.

Adapters and the API build these from their input; `bus.handle(command)` runs the one handler of
each. They carry plain values only, never provider payloads or rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from contact_center.domain.enums import Channel, CustomerClass, Direction, InteractionState, Presence, Role
from contact_center.domain.principal import Principal


@dataclass(frozen=True, slots=True)
class Command:
    actor: str = field(default="system", kw_only=True)


@dataclass(frozen=True, slots=True)
class ReceiveInbound(Command):
    """A customer's message or call reached us on a channel; the unit every adapter produces."""

    channel: Channel
    sender: str
    body: str
    provider_message_id: str | None = None
    subject: str = ""
    queue: str | None = None
    sender_name: str = ""
    attachments: tuple[dict[str, Any], ...] = ()
    received_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CreateCustomer(Command):
    name: str
    company: str = ""
    region: str = ""
    industry: str = ""
    size_band: str | None = None
    tags: tuple[str, ...] = ()
    customer_class: CustomerClass = CustomerClass.REGULAR
    lifecycle_stage: str = "potential"
    consent: tuple[tuple[str, bool], ...] = ()
    value: float = 0.0
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    chat_ids: tuple[str, ...] = ()
    owner_agent_id: int | None = None


@dataclass(frozen=True, slots=True)
class UpdateCustomer(Command):
    customer_id: int
    changes: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class MergeCustomers(Command):
    """Fold `merged_id` into `survivor_id`: identities, interactions, notes and tasks move over."""

    survivor_id: int
    merged_id: int


@dataclass(frozen=True, slots=True)
class OpenInteraction(Command):
    """An interaction started from our side (API, outbound call) rather than by an inbound message."""

    customer_id: int
    channel: Channel
    direction: Direction = Direction.OUTBOUND
    queue: str | None = None
    subject: str = ""
    priority: int | None = None
    agent_id: int | None = None
    body: str = ""
    provider_message_id: str | None = None


@dataclass(frozen=True, slots=True)
class TransitionInteraction(Command):
    """Move an interaction along; never to `offered` (only the router's offer path writes that).

    `principal` is the person asking, checked by the policy inside the same transaction as the
    move; None for the system itself (channels, the simulator)."""

    interaction_id: int
    target: InteractionState
    agent_id: int | None = None
    queue: str | None = None
    wrap_up_code: str | None = None
    principal: Principal | None = None


@dataclass(frozen=True, slots=True)
class SendMessage(Command):
    """A reply written on an interaction, sent through its channel's outbound adapter.

    `agent_id` is the author; an agent may write only on work assigned to them (a supervisor
    stepping in writes as themself)."""

    interaction_id: int
    agent_id: int
    body: str
    principal: Principal | None = None


@dataclass(frozen=True, slots=True)
class CreateAgent(Command):
    username: str
    display_name: str = ""
    role: Role = Role.AGENT
    password: str | None = None
    skills: tuple[tuple[str, int], ...] = ()
    capacity: tuple[tuple[str, int], ...] = ()
    team: str | None = None
    language: str | None = None
    timezone: str | None = None
    #: Driven by the demo simulator (`contact_center/simulator.py`); only the demo seed sets it.
    simulated: bool = False


@dataclass(frozen=True, slots=True)
class UpdateAgent(Command):
    agent_id: int
    changes: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class SetPresence(Command):
    agent_id: int
    presence: Presence
    reason: str = ""


@dataclass(frozen=True, slots=True)
class HandleOrphanedChats(Command):
    """The agent's desk closed and did not come back: their active chats are `requeue`d (offered
    again to another agent, with the whole conversation) or `flag`ged to their supervisors."""

    agent_id: int
    action: str
    reason: str = "desk disconnected"


@dataclass(frozen=True, slots=True)
class CreateQueue(Command):
    name: str
    channels: tuple[Channel, ...] = (Channel.VOICE, Channel.SMS, Channel.EMAIL, Channel.CHAT)
    required_skills: tuple[tuple[str, int], ...] = ()
    priority: int = 0
    sl_target: float = 0.8
    sl_threshold_s: int = 20
    timezone: str = "UTC"
    business_hours: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    interval_minutes: int = 30
    team: str | None = None
    allow_picking: bool = False
    #: Days (ISO dates, in the queue's time zone) the queue is closed whatever its hours say.
    holidays: tuple[str, ...] = ()
    #: The wallboard's amber and red limits (`domain.wallboard.LIMITS`) and who is mailed on an alert.
    alert_thresholds: tuple[tuple[str, float], ...] = ()
    alert_emails: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UpdateQueue(Command):
    """Changed settings of a queue, by field name (`services.queues.UPDATABLE`)."""

    queue_id: int
    changes: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class IssueToken(Command):
    """Sign-in: trade a username and password for a bearer token."""

    username: str
    password: str
    label: str = ""
    #: Where the attempt came from (the client's address), for the sign-in limits and the log.
    source: str = ""


@dataclass(frozen=True, slots=True)
class RevokeTokens(Command):
    """Sign-out (one token, given by its hash) or every token of an agent (`token_hash` None)."""

    agent_id: int
    token_hash: str | None = None


@dataclass(frozen=True, slots=True)
class OfferInteraction(Command):
    """The router reserves `agent_id` for `interaction_id` until `expires_at` (fenced by `epoch`)."""

    interaction_id: int
    agent_id: int
    expires_at: datetime
    reason: str
    epoch: int


@dataclass(frozen=True, slots=True)
class CloseOffer(Command):
    """The router ends an open offer: `expired` (a miss) or `withdrawn` (not the agent's doing)."""

    interaction_id: int
    agent_id: int
    outcome: str
    reason: str
    epoch: int


@dataclass(frozen=True, slots=True)
class AcceptOffer(Command):
    interaction_id: int
    agent_id: int


@dataclass(frozen=True, slots=True)
class RejectOffer(Command):
    interaction_id: int
    agent_id: int
    reason: str = ""


@dataclass(frozen=True, slots=True)
class RecordDecision(Command):
    """A decision-log line that changes nothing else (an agent set away, a skipped offer)."""

    kind: str
    text: str
    epoch: int
    interaction_id: int | None = None
    agent_id: int | None = None


RoutingStep = OfferInteraction | CloseOffer | RecordDecision | SetPresence


@dataclass(frozen=True, slots=True)
class ApplyRoutingPass(Command):
    """The decisions of one router pass, written in one transaction fenced once by `epoch`."""

    epoch: int
    steps: tuple[RoutingStep, ...]


@dataclass(frozen=True, slots=True)
class RecordCustomerAccess(Command):
    """A member of staff read a customer's record (`kind`: an `AccessKind` value); written to the
    access log before the record is answered (docs/privacy.md)."""

    customer_id: int
    kind: str
    agent_id: int | None = None


@dataclass(frozen=True, slots=True)
class EraseCustomer(Command):
    """Erase a customer's personal data on their request, keeping anonymous statistics. The
    customers merged into it (the same person) are erased with it."""

    customer_id: int
    agent_id: int | None = None


@dataclass(frozen=True, slots=True)
class RateInteraction(Command):
    """The customer's rating of an interaction (1-5, a comment), stored as its satisfaction score;
    rating again replaces the first (the customer changed their mind before leaving)."""

    interaction_id: int
    customer_id: int
    score: int
    comment: str = ""


@dataclass(frozen=True, slots=True)
class RequestTranscript(Command):
    """The customer asked for the interaction's transcript by email; recorded, then mailed by a
    job when mail is configured (docs/webchat.md, Transcripts by email)."""

    interaction_id: int
    customer_id: int
    email: str
    #: The language of the chat, and so of the transcript: `en` or `zh-CN`.
    language: str = "en"


@dataclass(frozen=True, slots=True)
class AddContactDetails(Command):
    """Addresses a customer gave about themself (a chat's pre-chat form): added as identities when
    nobody owns them yet. One another customer owns is left where it is: a visitor can type
    anyone's address, so it never moves a person's identity nor merges two customers."""

    customer_id: int
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
