"""The rows and events a set-wise write path collects, then writes with one statement per table.

Inbound contacts, accepted offers and a router's offers each change many interactions at once;
they collect here the transition rows, audit entries and events those changes make, and `flush`
writes them together. `recorded` receives each event with its outbox id, so the dispatcher can
publish it from memory once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contact_center.domain import events as ev
from contact_center.domain.enums import Channel, InteractionState
from contact_center.storage.row_ids import RowIds
from contact_center.storage.tables import AUDIT, OUTBOX, TRANSITION


class BatchWrites:
    def __init__(
        self, conn: AsyncConnection, recorded: list[tuple[int, ev.Event]], *, inserting: Sequence[Table] = ()
    ) -> None:
        self.conn = conn
        #: Ids for the rows inserted into `inserting` (and the outbox): see `row_ids.py`.
        self.ids = RowIds(conn, [*inserting, OUTBOX])
        self.audit: list[dict[str, Any]] = []
        self.transitions: list[dict[str, Any]] = []
        self.events: list[tuple[ev.Event, datetime]] = []
        self.recorded = recorded

    def record(
        self, at: datetime, actor: str, entity: str, entity_id: int, action: str, **changes: Any
    ) -> None:
        self.audit.append(
            {
                "at": at,
                "actor": actor,
                "entity": entity,
                "entity_id": entity_id,
                "action": action,
                "changes": changes,
            }
        )

    def moved(
        self,
        interaction: Mapping[str, Any],
        previous: InteractionState,
        target: InteractionState,
        at: datetime,
        actor: str,
        **event_fields: Any,
    ) -> None:
        """An interaction (its row, as it is after the move) went from `previous` to `target`: its
        transition row, audit entry and event, as `services.interactions.transition` makes them."""
        iid = interaction["id"]
        self.transitions.append(
            {
                "interaction_id": iid,
                "from_state": previous,
                "to_state": target,
                "at": at,
                "actor": actor,
                "agent_id": interaction["agent_id"],
                "queue_id": interaction["queue_id"],
            }
        )
        self.record(
            at, actor, "interaction", iid, "transition", **{"from": previous.value, "to": target.value}
        )
        event = ev.TRANSITION_EVENTS[target.value](
            interaction_id=iid,
            channel=Channel(interaction["channel"]).value,
            queue_id=interaction["queue_id"],
            customer_id=interaction["customer_id"],
            agent_id=interaction["agent_id"],
            from_state=previous.value,
            to_state=target.value,
            priority=interaction["priority"],
            at=at,
            **event_fields,
        )
        self.events.append((event, at))

    async def flush(self) -> None:
        if self.transitions:
            await self.conn.execute(insert(TRANSITION), self.transitions)
        if self.audit:
            await self.conn.execute(insert(AUDIT), self.audit)
        if self.events:
            rows = [
                {"event_type": e.type, "payload": e.to_json(), "created_at": at, "attempts": 0}
                for e, at in self.events
            ]
            ids = await self.ids.insert(OUTBOX, rows)
            self.recorded.extend(zip(ids, (e for e, _ in self.events), strict=True))
