"""Desk commands: what an agent at the desk asks besides moving a contact along.

Kept apart from `commands.py` (contact handling) as `planning_commands.py` is; the bus treats them
alike. Each carries the `Principal` asking, checked by the policy inside the command's own
transaction, so the facts it decides on cannot change between the check and the write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contact_center.domain.commands import Command
from contact_center.domain.principal import Principal


@dataclass(frozen=True, slots=True)
class CreateCannedResponse(Command):
    principal: Principal
    title: str
    body: str
    shortcut: str = ""
    shared: bool = False


@dataclass(frozen=True, slots=True)
class UpdateCannedResponse(Command):
    """Change the fields named in `changes` (title, body, shortcut, shared)."""

    principal: Principal
    canned_response_id: int
    changes: tuple[tuple[str, object], ...]


@dataclass(frozen=True, slots=True)
class DeleteCannedResponse(Command):
    principal: Principal
    canned_response_id: int


@dataclass(frozen=True, slots=True)
class AddNote(Command):
    """An internal note on a customer (never sent or shown to them), maybe about one interaction."""

    principal: Principal
    customer_id: int
    body: str
    interaction_id: int | None = None


@dataclass(frozen=True, slots=True)
class CreateFollowUp(Command):
    """A task to come back to a customer; owned by the caller unless `owner_agent_id` says who."""

    principal: Principal
    customer_id: int
    title: str
    due_at: datetime
    owner_agent_id: int | None = None
    interaction_id: int | None = None


@dataclass(frozen=True, slots=True)
class CompleteFollowUp(Command):
    principal: Principal
    follow_up_id: int
    done: bool = True


@dataclass(frozen=True, slots=True)
class TransferInteraction(Command):
    """Hand an interaction back to routing: to a queue, or reserved for one agent (exactly one);
    the note becomes an internal note on the customer, tied to the interaction."""

    principal: Principal
    interaction_id: int
    to_queue: str | None = None
    to_agent_id: int | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class SetQueueWrapUpCodes(Command):
    """The queue's list of wrap-up codes, in order, taken from the global table (admins)."""

    queue_id: int
    codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CreateWrapUpCode(Command):
    """A new code in the global table, for queues' lists to take (admins)."""

    code: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class CloseExpiredWrapUps(Command):
    """Close every interaction left in wrap-up past its deadline (the system, on a timer)."""

    limit: int = 100
