"""One day of each agent's work so far: interactions handled and occupancy (docs/metrics.md).

Handling is read from the interactions' transitions: an agent handles an interaction from the
transition that makes it `active` under them until it leaves `active` and `wrap_up` (closed,
pending, transferred, requeued). "Handled today" counts the handlings that ended since midnight.
Occupancy = handling time / (handling + available idle time) over logged-in time that is not
away: the spans in which the presence history (the audit log's presence changes, read by
`planning.adherence.presence_records`, the same reading adherence uses) says available, busy or
wrap-up. Handling while away or offline is outside those spans and not counted; a chat agent with
several chats at once counts each agent-second once (the handlings are merged first).

The reads are bounded by the day: transitions by (agent_id, at) since midnight (the index
`ix_interaction_transition_agent_at`), then the transitions of those interactions only, and the
presence changes by (entity_id, at) (`ix_audit_entry_entity_id_at`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import union
from sqlmodel import col, select

from contact_center.domain.enums import InteractionState
from contact_center.domain.interactions import Interaction, InteractionTransition
from contact_center.storage.uow import UnitOfWork
from workforce.scheduling import PresenceRecord, PresenceState

HANDLING = frozenset({InteractionState.ACTIVE.value, InteractionState.WRAP_UP.value})
#: Presence in which an agent is logged in and not away: the time occupancy is measured over.
LOGGED_IN = frozenset({PresenceState.AVAILABLE, PresenceState.BUSY, PresenceState.WRAP_UP})

Span = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class AgentDay:
    """An agent's day so far: handlings ended, seconds handling and logged in (not away)."""

    handled: int
    handling_s: float
    logged_in_s: float

    @property
    def occupancy(self) -> float | None:
        """None when the agent was not logged in (a ratio over nothing is no ratio)."""
        return self.handling_s / self.logged_in_s if self.logged_in_s > 0 else None


@dataclass(frozen=True, slots=True)
class Handling:
    agent_id: int
    start: datetime
    end: datetime
    #: False while it goes on (its end is `now`).
    ended: bool


def handlings(rows: Iterable[tuple[int, str, datetime, int | None]], now: datetime) -> list[Handling]:
    """Handlings from transitions (interaction id, to_state, at, agent id) in time order per
    interaction: who held it from becoming active until it left active and wrap-up."""
    out: list[Handling] = []
    current: dict[int, tuple[int, datetime]] = {}
    for interaction_id, to_state, at, agent_id in rows:
        held = current.get(interaction_id)
        if str(to_state) in HANDLING:
            if held is None and agent_id is not None:
                current[interaction_id] = (agent_id, at)
        elif held is not None:
            out.append(Handling(held[0], held[1], at, True))
            del current[interaction_id]
    out += [Handling(agent, start, now, False) for agent, start in current.values()]
    return out


def merged(spans: Iterable[Span]) -> list[Span]:
    """The union of spans, as disjoint spans in time order."""
    out: list[Span] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def overlap_s(a: Sequence[Span], b: Sequence[Span]) -> float:
    """Seconds in both of two sets of disjoint, ordered spans."""
    total, i, j = 0.0, 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if end > start:
            total += (end - start).total_seconds()
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return total


def agent_day(
    agent_id: int, found: Sequence[Handling], presence: Sequence[PresenceRecord], day: Span
) -> AgentDay:
    """One agent's figures for `day` (midnight to now), from their handlings and presence."""
    start, end = day

    def clip(a: datetime, b: datetime) -> Span:
        return max(a, start), min(b, end)

    logged_in = merged(clip(p.start, p.end) for p in presence if p.state in LOGGED_IN)
    handling = merged(clip(h.start, h.end) for h in found)
    handled = sum(1 for h in found if h.ended and start <= h.end <= end)
    return AgentDay(
        handled, overlap_s(handling, logged_in), sum((e - s).total_seconds() for s, e in logged_in)
    )


async def agent_days(
    uow: UnitOfWork, agent_ids: list[int], day: Span, live: set[int], presence: Sequence[PresenceRecord]
) -> dict[int, AgentDay]:
    """Every agent's day so far, in one read whatever the number of interactions stored;
    `live`: the interactions they handle now (begun before midnight, they have no move today);
    `presence`: their presence records of the day (`planning.adherence.presence_records`)."""
    if not agent_ids:
        return {}
    start, now = day
    touched = select(InteractionTransition.interaction_id).where(
        col(InteractionTransition.agent_id).in_(agent_ids),
        col(InteractionTransition.at) >= start,
        col(InteractionTransition.at) <= now,
    )
    # The interactions are chosen inside the database: a floor's day is thousands of them, and
    # sending their ids back as parameters cost more than the read itself. A union, not an OR:
    # PostgreSQL turns `IN (subquery) OR IN (list)` into a filter over the whole table.
    interaction = col(InteractionTransition.interaction_id)
    chosen = (
        interaction.in_(union(touched, select(Interaction.id).where(col(Interaction.id).in_(sorted(live)))))
        if live
        else interaction.in_(touched)
    )
    stmt = (
        select(
            InteractionTransition.interaction_id,
            InteractionTransition.to_state,
            InteractionTransition.at,
            InteractionTransition.agent_id,
        )
        .where(chosen, col(InteractionTransition.at) <= now)
        .order_by(
            col(InteractionTransition.interaction_id),
            col(InteractionTransition.at),
            col(InteractionTransition.id),
        )
    )
    rows = [(int(i), str(st), at, a) for i, st, at, a in (await (await uow.connection()).execute(stmt)).all()]
    by_agent: dict[int, list[Handling]] = defaultdict(list)
    for found in handlings(rows, now):
        by_agent[found.agent_id].append(found)
    states: dict[int, list[PresenceRecord]] = defaultdict(list)
    for record in presence:
        states[int(record.agent_id)].append(record)
    return {a: agent_day(a, by_agent[a], states[a], day) for a in agent_ids}
