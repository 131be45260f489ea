"""What a batch of inbound contacts writes: new interactions, re-queued threads, messages.

Collected per batch and written with one multi-row statement per table; see `inbound_batch.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import Any

from sqlalchemy import bindparam, update

from contact_center.domain import events as ev
from contact_center.domain.enums import AuthorKind, Channel, DeliveryStatus, Direction, InteractionState
from contact_center.domain.identity import Address
from contact_center.storage.batch_writes import BatchWrites
from contact_center.storage.inbound_types import CheckedInbound, Received
from contact_center.storage.tables import CUSTOMER, INTERACTION, MESSAGE


class Thread:
    """An interaction the batch found open or opened; `state` follows what the batch did.

    `agent_here`: whether the agent holding it (if any) is at their desk to answer (presence in
    `AT_DESK`); a customer is never left writing to an agent who is not. `last_message_id`: its
    newest message as the batch found it (None when it has none or the batch opened it), then
    each message the batch adds to it."""

    __slots__ = (
        "agent_here",
        "agent_id",
        "channel",
        "customer_id",
        "id",
        "last_message_id",
        "priority",
        "queue_id",
        "state",
    )

    def __init__(
        self,
        id: int,
        customer_id: int,
        channel: str,
        state: str,
        queue_id: int | None,
        priority: int,
        agent_id: int | None = None,
        agent_here: bool = True,
        last_message_id: int | None = None,
    ) -> None:
        self.id = id
        self.customer_id = customer_id
        self.channel = channel
        self.state = state
        self.queue_id = queue_id
        self.priority = priority
        self.agent_id = agent_id
        self.agent_here = agent_here
        self.last_message_id = last_message_id


async def apply_contacts(
    batch: BatchWrites,
    items: Sequence[CheckedInbound],
    fresh: list[int],
    customers: dict[Address, int],
    threads: dict[tuple[int, str], Thread],
    results: list[Received | None],
    known: set[int],
) -> None:
    """`known`: the customers that existed before this batch (the others were stamped at creation)."""
    conn = batch.conn
    for key, thread in list(threads.items()):
        if thread.state == InteractionState.WRAP_UP.value and not thread.agent_here:
            del threads[key]  # over, and its agent gone: the customer's new message starts anew
    target: dict[int, tuple[int, str] | int] = {}  # item -> thread key, or -1 - (its new interaction)
    opening: list[int] = []
    for i in fresh:
        item = items[i]
        key = (customers[item.address], item.command.channel.value)
        if item.command.channel is Channel.VOICE:  # every call is an interaction of its own
            target[i] = -1 - len(opening)
            opening.append(i)
        elif key in threads or key in target.values():
            target[i] = key
        else:
            target[i] = key
            opening.append(i)
    opened = await _open(batch, [items[i] for i in opening], customers)
    by_opener = dict(zip(opening, opened, strict=True))
    for i in opening:
        thread = by_opener[i]
        if isinstance(target[i], tuple):
            threads[(thread.customer_id, thread.channel)] = thread
    resolved: dict[int, Thread] = {}
    for i in fresh:
        t = target[i]
        resolved[i] = by_opener[opening[-1 - t]] if isinstance(t, int) else threads[t]
    await _requeue(batch, [(items[i], resolved[i]) for i in fresh if i not in by_opener])
    rows = [_message_row(items[i], resolved[i].id) for i in fresh]
    if not rows:
        return
    ids = await batch.ids.insert(MESSAGE, rows)
    for i, message_id in zip(fresh, ids, strict=True):
        item, thread = items[i], resolved[i]
        cid = customers[item.address]
        results[i] = Received(
            thread.id,
            message_id,
            cid,
            opened=i in by_opener,
            previous_message_id=thread.last_message_id,
            at=item.at.astimezone(UTC),
        )
        thread.last_message_id = message_id
        batch.events.append(
            (
                ev.MessageAdded(
                    message_id=message_id,
                    interaction_id=thread.id,
                    channel=thread.channel,
                    direction=Direction.INBOUND.value,
                    author_kind=AuthorKind.CUSTOMER.value,
                    at=item.at,
                    customer_id=cid,
                    agent_id=thread.agent_id,
                    queue_id=thread.queue_id,
                ),
                item.at,
            )
        )
    latest = {cid: items[i].at for i in fresh if (cid := customers[items[i].address]) in known}
    if not latest:
        return
    await conn.execute(
        update(CUSTOMER).where(CUSTOMER.c.id == bindparam("cid")).values(last_contact_at=bindparam("at")),
        [{"cid": cid, "at": at} for cid, at in latest.items()],
    )


async def _open(
    batch: BatchWrites, items: list[CheckedInbound], customers: dict[Address, int]
) -> list[Thread]:
    """New interactions, born `queued` (their `new -> queued` transition recorded all the same)."""
    if not items:
        return []
    rows = [
        {
            "channel": item.command.channel,
            "direction": Direction.INBOUND,
            "state": InteractionState.QUEUED,
            "queue_id": item.queue_id,
            "priority": item.priority,
            "required_skills": item.required_skills,
            "subject": item.command.subject[:500],
            "customer_id": customers[item.address],
            "created_at": item.at,
            "state_changed_at": item.at,
            "queued_at": item.at,
        }
        for item in items
    ]
    ids = await batch.ids.insert(INTERACTION, rows)
    threads = [
        Thread(
            iid,
            customers[item.address],
            item.command.channel.value,
            InteractionState.QUEUED.value,
            item.queue_id,
            item.priority,
        )
        for iid, row, item in zip(ids, rows, items, strict=True)
    ]
    for thread, item in zip(threads, items, strict=True):
        batch.record(item.at, "system", "interaction", thread.id, "create", channel=thread.channel)
    _transitions(batch, [(t, i) for t, i in zip(threads, items, strict=True)], InteractionState.NEW)
    return threads


async def _requeue(batch: BatchWrites, continuing: list[tuple[CheckedInbound, Thread]]) -> None:
    """Back to the queue: a customer's reply to a `pending` thread (an email awaiting them), and a
    message on a thread `active` with an agent who is no longer at their desk (away, offline,
    deactivated), which goes through `transferred` as a transfer would, so the router offers it
    to an agent who can take it and nobody waits on a closed tab."""
    moved: dict[int, tuple[CheckedInbound, Thread]] = {}
    for item, t in continuing:
        if t.state == InteractionState.PENDING.value or (
            t.state == InteractionState.ACTIVE.value and not t.agent_here
        ):
            moved.setdefault(t.id, (item, t))
    if not moved:
        return
    await batch.conn.execute(
        update(INTERACTION)
        .where(INTERACTION.c.id == bindparam("iid"))
        .values(
            state=InteractionState.QUEUED,
            state_changed_at=bindparam("at"),
            queued_at=bindparam("at"),
            agent_id=None,
            flagged_at=None,  # moved on: no longer a stranded chat to flag
            flag_reason=None,
        ),
        [{"iid": iid, "at": item.at} for iid, (item, _t) in moved.items()],
    )
    pending = [(t, item) for item, t in moved.values() if t.state == InteractionState.PENDING.value]
    stranded = [(t, item) for item, t in moved.values() if t.state == InteractionState.ACTIVE.value]
    for t, item in stranded:
        batch.moved(
            _row(t, t.agent_id), InteractionState.ACTIVE, InteractionState.TRANSFERRED, item.at, "customer"
        )
    for _item, thread in moved.values():
        thread.state = InteractionState.QUEUED.value
        thread.agent_id, thread.agent_here = None, True
    _transitions(batch, pending, InteractionState.PENDING)
    _transitions(batch, stranded, InteractionState.TRANSFERRED)


def _transitions(
    batch: BatchWrites, moved: list[tuple[Thread, CheckedInbound]], previous: InteractionState
) -> None:
    for t, item in moved:
        batch.moved(_row(t, None), previous, InteractionState.QUEUED, item.at, "customer")


def _row(t: Thread, agent_id: int | None) -> dict[str, Any]:
    return {
        "id": t.id,
        "channel": t.channel,
        "queue_id": t.queue_id,
        "customer_id": t.customer_id,
        "agent_id": agent_id,
        "priority": t.priority,
    }


def _message_row(item: CheckedInbound, interaction_id: int) -> dict[str, Any]:
    cmd = item.command
    return {
        "interaction_id": interaction_id,
        "channel": cmd.channel,
        "direction": Direction.INBOUND,
        "author_kind": AuthorKind.CUSTOMER,
        "author_agent_id": None,
        "body": cmd.body,
        "provider_message_id": cmd.provider_message_id,
        "attachments": [dict(a) for a in cmd.attachments],
        "delivery_status": DeliveryStatus.RECEIVED,
        "created_at": item.at,
    }
