"""The inbound path's input once checked, and its answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contact_center.domain.commands import ReceiveInbound
from contact_center.domain.identity import Address


@dataclass(frozen=True, slots=True)
class Received:
    """What storing an inbound message gave: the answer a provider or integration receives."""

    interaction_id: int
    message_id: int
    customer_id: int
    duplicate: bool = False
    #: True when the message opened a new interaction (False: it continued an open thread).
    opened: bool = False
    #: The interaction's newest message before this one, committed before it (None: none, or not
    #: known). A chat connection that has shown that one may show this one without reading it.
    previous_message_id: int | None = None
    #: When it was stored, as read back (None for a repeat).
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CheckedInbound:
    """A command whose input was checked, with what the batch needs and must not look up."""

    command: ReceiveInbound
    address: Address
    queue_id: int | None
    priority: int
    required_skills: dict[str, int]
    at: datetime
