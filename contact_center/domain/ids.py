"""Typed identifiers, so an agent id can never be passed where an interaction id is expected."""

from __future__ import annotations

from typing import NewType

CustomerId = NewType("CustomerId", int)
InteractionId = NewType("InteractionId", int)
MessageId = NewType("MessageId", int)
AgentId = NewType("AgentId", int)
QueueId = NewType("QueueId", int)
