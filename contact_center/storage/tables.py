"""The tables the set-wise paths (inbound contacts, accepts, router passes, erasure, transcripts) use
with SQLAlchemy Core: no ORM objects per row."""

from __future__ import annotations

from sqlalchemy import Table

from contact_center.domain.agents import Agent
from contact_center.domain.audit import AuditEntry
from contact_center.domain.customers import Customer, CustomerIdentity
from contact_center.domain.interactions import Interaction, InteractionTransition, Message
from contact_center.domain.privacy import CustomerAccess, CustomerKey
from contact_center.domain.queue_alerts import QueueAlert
from contact_center.domain.queues import Queue
from contact_center.domain.routing import Offer, RoutingDecision
from contact_center.domain.stepping_in import Whisper
from contact_center.domain.work import FollowUpTask, Note, SatisfactionScore, TranscriptRequest
from contact_center.storage.idempotency import IdempotencyRecord
from contact_center.storage.job_store import JobRecord
from contact_center.storage.outbox import OutboxEvent


def _table(model: object) -> Table:
    table = getattr(model, "__table__")  # noqa: B009  (SQLModel declares it only at run time)
    assert isinstance(table, Table)
    return table


CUSTOMER = _table(Customer)
IDENTITY = _table(CustomerIdentity)
INTERACTION = _table(Interaction)
TRANSITION = _table(InteractionTransition)
MESSAGE = _table(Message)
AUDIT = _table(AuditEntry)
OUTBOX = _table(OutboxEvent)
AGENT = _table(Agent)
QUEUE = _table(Queue)
QUEUE_ALERT = _table(QueueAlert)
OFFER = _table(Offer)
DECISION = _table(RoutingDecision)
CUSTOMER_KEY = _table(CustomerKey)
ACCESS = _table(CustomerAccess)
NOTE = _table(Note)
FOLLOW_UP = _table(FollowUpTask)
SCORE = _table(SatisfactionScore)
TRANSCRIPT = _table(TranscriptRequest)
IDEMPOTENCY = _table(IdempotencyRecord)
JOB = _table(JobRecord)
WHISPER = _table(Whisper)
