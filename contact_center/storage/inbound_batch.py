"""Store a batch of checked inbound contacts in one transaction, with set-wise statements.

The statements depend on the batch's data, not its size: one read each for known provider ids,
known identities, merged customers and open threads; then one multi-row INSERT (or executemany)
per table touched: customers, their keys (docs/privacy.md), identities, interactions (born
`queued`: no insert-then-update), transitions, messages, audit entries, outbox events, and the
customers' last contact time.
Within a batch, contacts are applied in arrival order, so two messages of one new sender make one
customer, and a reply continues the thread its predecessor in the same batch opened.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from contact_center.domain import events as ev
from contact_center.domain.agents import AT_DESK
from contact_center.domain.enums import Channel, InteractionState, Presence
from contact_center.domain.identity import Address
from contact_center.domain.states import OPEN
from contact_center.privacy.sealing import sealed_changes
from contact_center.storage.batch_writes import BatchWrites
from contact_center.storage.customer_keys import rows_for_new
from contact_center.storage.inbound_types import CheckedInbound, Received
from contact_center.storage.inbound_writes import Thread, apply_contacts
from contact_center.storage.tables import AGENT, CUSTOMER, CUSTOMER_KEY, IDENTITY, INTERACTION, MESSAGE

OPEN_STATES = sorted(s.value for s in OPEN)

__all__ = ["CheckedInbound", "Received", "store_inbound"]


async def store_inbound(
    conn: AsyncConnection, items: Sequence[CheckedInbound], recorded: list[tuple[int, ev.Event]]
) -> list[Received | Exception]:
    """Store the batch; `recorded` receives each event with its outbox id, for the dispatcher."""
    batch = BatchWrites(conn, recorded, inserting=(CUSTOMER, INTERACTION, MESSAGE))
    results: list[Received | None] = [None] * len(items)
    fresh: list[int] = []
    seen: dict[tuple[str, str], int] = {}
    for i, item in enumerate(items):
        pid = item.command.provider_message_id
        if pid is None:
            fresh.append(i)
            continue
        key = (item.command.channel.value, pid)
        if key in seen:
            continue  # answered below with the first one's result
        seen[key] = i
        fresh.append(i)
    known = await _known_messages(conn, list(seen))
    for key, i in seen.items():
        if key in known:
            results[i] = known[key]
            fresh.remove(i)
    customers, created = await _customers_for(batch, [items[i] for i in fresh])
    # A customer created by this batch has no thread to continue, nor a last contact to update.
    existing = {customers[items[i].address] for i in fresh} - created
    threads = await _open_threads(conn, existing)
    await apply_contacts(batch, items, fresh, customers, threads, results, existing)
    await batch.flush()
    out: list[Received | Exception] = []
    for i, item in enumerate(items):
        result = results[i]
        if result is None:  # a repeat, inside this batch, of an earlier provider id
            first = results[seen[(item.command.channel.value, item.command.provider_message_id or "")]]
            assert first is not None
            result = Received(first.interaction_id, first.message_id, first.customer_id, duplicate=True)
        out.append(result)
    return out


async def _known_messages(
    conn: AsyncConnection, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], Received]:
    if not keys:
        return {}
    stmt = (
        select(
            MESSAGE.c.channel,
            MESSAGE.c.provider_message_id,
            MESSAGE.c.id,
            MESSAGE.c.interaction_id,
            INTERACTION.c.customer_id,
        )
        .join(INTERACTION, INTERACTION.c.id == MESSAGE.c.interaction_id)
        .where(
            # Both columns of the unique key, so its index is searched, not scanned: a message's
            # provider id alone is not its index's leading column.
            MESSAGE.c.channel.in_({channel for channel, _ in keys}),
            MESSAGE.c.provider_message_id.in_([pid for _, pid in keys]),
        )
    )
    wanted = set(keys)
    found: dict[tuple[str, str], Received] = {}
    for channel, pid, message_id, interaction_id, customer_id in await conn.execute(stmt):
        key = (Channel(channel).value, pid)
        if key in wanted:
            found[key] = Received(interaction_id, message_id, customer_id, duplicate=True)
    return found


async def _customers_for(
    batch: BatchWrites, items: list[CheckedInbound]
) -> tuple[dict[Address, int], set[int]]:
    """Each sender's customer (following merges), creating the ones never seen before (their ids
    are the second part of the answer)."""
    conn = batch.conn
    wanted = {item.address for item in items}
    found: dict[Address, int] = {}
    if wanted:
        # Kinds and addresses each in a list, pairs checked here: SQLite scans the whole table
        # for a row-value IN, which grew with every customer ever seen.
        stmt = select(IDENTITY.c.kind, IDENTITY.c.address, IDENTITY.c.customer_id).where(
            IDENTITY.c.kind.in_({a.kind for a in wanted}),
            IDENTITY.c.address.in_({a.value for a in wanted}),
        )
        for kind, value, customer_id in await conn.execute(stmt):
            address = Address(kind, value)
            if address in wanted:
                found[address] = customer_id
    await _follow_merges(conn, found)
    # The last message of each new sender: its time is the customer's last contact.
    new = list({i.address: i for i in items if i.address not in found}.values())
    created: set[int] = set()
    if new:
        rows = [
            {
                "name": item.command.sender_name.strip()[:200] or item.address.value,
                "created_at": item.at,
                "updated_at": item.at,
                "last_contact_at": item.at,
                "tags": [],
                "consent": {},
                "customer_class": "regular",
                "lifecycle_stage": "potential",
                "value": 0.0,
                "company": "",
                "region": "",
                "industry": "",
            }
            for item in new
        ]
        ids = await batch.ids.insert(CUSTOMER, rows)
        await conn.execute(
            insert(IDENTITY),
            [
                {
                    "customer_id": cid,
                    "kind": item.address.kind,
                    "address": item.address.value,
                    "created_at": item.at,
                }
                for cid, item in zip(ids, new, strict=True)
            ],
        )
        # Each new customer's key, so the audit entry's identity is sealed (docs/privacy.md).
        keys = rows_for_new(ids, new[0].at)
        await conn.execute(insert(CUSTOMER_KEY), keys)
        created.update(ids)
        for cid, item, key in zip(ids, new, keys, strict=True):
            found[item.address] = cid
            identity = f"{item.address.kind.value}:{item.address.value}"
            batch.record(
                item.at,
                item.command.actor,
                "customer",
                cid,
                "create",
                **sealed_changes(key["key"], cid, {"identity": identity}),
            )
            customer_created = ev.CustomerCreated(customer_id=cid, at=item.at)
            batch.events.append((customer_created, item.at))
    return found, created


async def _follow_merges(conn: AsyncConnection, found: dict[Address, int]) -> None:
    for _ in range(10):  # merge chains are short; ten hops means a cycle, which merging refuses
        ids = set(found.values())
        if not ids:
            return
        stmt = select(CUSTOMER.c.id, CUSTOMER.c.merged_into_id).where(
            CUSTOMER.c.id.in_(ids), CUSTOMER.c.merged_into_id.is_not(None)
        )
        merged: dict[int, int] = {row[0]: row[1] for row in await conn.execute(stmt)}
        if not merged:
            return
        for address, cid in found.items():
            found[address] = merged.get(cid, cid)


async def _open_threads(conn: AsyncConnection, customer_ids: set[int]) -> dict[tuple[int, str], Thread]:
    """The latest open interaction per (customer, channel) that a message may continue, with
    whether the agent holding it (if any) is at their desk to answer."""
    if not customer_ids:
        return {}
    stmt = (
        select(
            INTERACTION.c.id,
            INTERACTION.c.customer_id,
            INTERACTION.c.channel,
            INTERACTION.c.state,
            INTERACTION.c.queue_id,
            INTERACTION.c.priority,
            INTERACTION.c.agent_id,
            AGENT.c.presence,
            AGENT.c.is_active,
        )
        .select_from(INTERACTION.outerjoin(AGENT, AGENT.c.id == INTERACTION.c.agent_id))
        .where(
            INTERACTION.c.customer_id.in_(customer_ids),
            INTERACTION.c.state.in_(OPEN_STATES),
            INTERACTION.c.channel != Channel.VOICE.value,
        )
        .order_by(INTERACTION.c.id)
    )
    threads: dict[tuple[int, str], Thread] = {}
    if conn.dialect.name != "sqlite":  # SQLite's one writer serialises already
        stmt = stmt.with_for_update(of=INTERACTION)
    found = (await conn.execute(stmt)).all()
    last = await _last_messages(conn, [row[0] for row in found])
    for iid, cid, channel, state, queue_id, priority, agent_id, presence, active in found:
        here = agent_id is None or (bool(active) and Presence(presence) in AT_DESK)
        threads[(cid, Channel(channel).value)] = Thread(
            iid,
            cid,
            Channel(channel).value,
            InteractionState(state).value,
            queue_id,
            priority,
            agent_id,
            here,
            last.get(iid),
        )
    return threads


async def _last_messages(conn: AsyncConnection, interaction_ids: list[int]) -> dict[int, int]:
    """Each thread's newest message, read after the threads were locked (a statement of its own:
    on PostgreSQL it then sees a reply committed while this batch waited for the lock).

    With the lock, one conversation's message ids follow their commit order on both databases,
    so a chat connection that has shown this message may show the customer's next line straight
    from its acknowledgement (`Received.previous_message_id`, `channels/webchat/hub.py`)."""
    if not interaction_ids:
        return {}
    stmt = (
        select(MESSAGE.c.interaction_id, func.max(MESSAGE.c.id))
        .where(MESSAGE.c.interaction_id.in_(interaction_ids))
        .group_by(MESSAGE.c.interaction_id)
    )
    return {int(iid): int(top) for iid, top in await conn.execute(stmt)}
