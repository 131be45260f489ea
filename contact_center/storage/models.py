"""Imports every table so SQLModel's metadata is complete for migrations and test schemas."""

from __future__ import annotations

from sqlmodel import SQLModel

from contact_center.domain.agents import Agent, ApiToken
from contact_center.domain.audit import AuditEntry
from contact_center.domain.customers import Customer, CustomerIdentity
from contact_center.domain.desk import CannedResponse, QueueWrapUpCode
from contact_center.domain.interactions import Interaction, InteractionTransition, Message
from contact_center.domain.planning import AgentContractTerms, ForecastOverride, Schedule, ScheduleShift
from contact_center.domain.privacy import CustomerAccess, CustomerKey
from contact_center.domain.queue_alerts import QueueAlert
from contact_center.domain.queues import Queue
from contact_center.domain.routing import Offer, RouterLease, RoutingDecision
from contact_center.domain.search_indexes import FLAGGED_INDEX, QUEUE_STATE_INDEX
from contact_center.domain.stepping_in import Whisper
from contact_center.domain.webchat_sites import WebchatSiteRecord
from contact_center.domain.work import FollowUpTask, Note, SatisfactionScore, TranscriptRequest, WrapUpCode
from contact_center.storage.idempotency import IdempotencyRecord
from contact_center.storage.job_store import JobRecord
from contact_center.storage.outbox import OutboxEvent
from contact_center.storage.periodic_runs import PeriodicRun

metadata = SQLModel.metadata

__all__ = [
    "FLAGGED_INDEX",
    "QUEUE_STATE_INDEX",
    "Agent",
    "AgentContractTerms",
    "ApiToken",
    "AuditEntry",
    "CannedResponse",
    "Customer",
    "CustomerAccess",
    "CustomerIdentity",
    "CustomerKey",
    "FollowUpTask",
    "ForecastOverride",
    "IdempotencyRecord",
    "Interaction",
    "InteractionTransition",
    "JobRecord",
    "Message",
    "Note",
    "Offer",
    "OutboxEvent",
    "PeriodicRun",
    "Queue",
    "QueueAlert",
    "QueueWrapUpCode",
    "RouterLease",
    "RoutingDecision",
    "SatisfactionScore",
    "Schedule",
    "ScheduleShift",
    "TranscriptRequest",
    "WebchatSiteRecord",
    "Whisper",
    "WrapUpCode",
    "metadata",
]
