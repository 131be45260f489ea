"""The console's live figures kept in memory: waiting now and longest wait per queue, and the
agents by state, read from the database now and then and moved on by each committed event.

Reading them afresh for every push of the console was most of the hub's time at 200 events a
second (bench/console_fanout.py): a push waited for the read before it, and the next read for
the push. Every transition event carries the interaction's new state, queue, agent and time,
which is all these figures need, so between reads the hub applies events here and a push costs
no query at all. Reads (`read_live`) still come every second or so while events flow, and
whenever agents or queues change, so anything an event cannot say is right again within a
second.

An event and a read may cross: an event committed before the read began can be delivered after
it. Each interaction keeps the time of the newest change this board knows (its
`state_changed_at`, which every transition event carries as `at`), and an older change is
ignored, so replaying the events delivered while a read ran (`LiveBoard.load`) cannot undo what
the read saw.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from contact_center.domain import events as ev
from contact_center.domain.enums import InteractionState, Presence
from contact_center.domain.interactions import Interaction
from contact_center.domain.queues import Queue
from contact_center.domain.states import HANDLING, WAITING
from contact_center.queries.dashboard import QueueFigures
from contact_center.queries.floor import Floor, FloorAgent, active_agents
from contact_center.storage.uow import UnitOfWork

_WAITING = frozenset(s.value for s in WAITING)
_HANDLING = frozenset(s.value for s in HANDLING)
_QUEUED = InteractionState.QUEUED.value
_AVAILABLE = Presence.AVAILABLE.value
#: How long an interaction's last change is remembered once it has left the live figures: well
#: beyond any delay between a commit and its event's delivery.
REMEMBER_FOR = timedelta(minutes=2)
#: Events after which the board must be read again: who counts, and where, changed.
RELOAD_AFTER = (ev.AgentCreated, ev.AgentUpdated, ev.QueueCreated, ev.QueueUpdated)


def _text(value: Any) -> str:
    return str(getattr(value, "value", value))


def _utc(moment: datetime, like: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=like.tzinfo)


@dataclass(frozen=True, slots=True)
class LiveInteraction:
    """An interaction waiting (queued or offered) or being handled, as the live figures need it."""

    id: int
    state: str
    queue_id: int | None
    agent_id: int | None
    queued_at: datetime | None
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class LiveAgent:
    id: int
    presence: str
    role: str
    team: str | None
    skills: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class LiveSnapshot:
    at: datetime
    interactions: tuple[LiveInteraction, ...]
    agents: tuple[LiveAgent, ...]


async def read_live(uow: UnitOfWork) -> LiveSnapshot:
    """Every waiting or handled interaction and every active agent, a few columns each (call
    inside an open unit of work)."""
    connection = await uow.connection()
    i = Interaction
    rows = await connection.execute(
        select(
            col(i.id),
            col(i.state),
            col(i.queue_id),
            col(i.agent_id),
            col(i.queued_at),
            col(i.state_changed_at),
        ).where(col(i.state).in_(sorted(_WAITING | _HANDLING)))
    )
    interactions = tuple(
        LiveInteraction(iid or 0, _text(state), queue_id, agent_id, queued_at, changed_at)
        for iid, state, queue_id, agent_id, queued_at, changed_at in rows.all()
    )
    return LiveSnapshot(uow.now(), interactions, tuple(LiveAgent(*row) for row in await active_agents(uow)))


class LiveBoard:
    """The live figures of the whole floor; views (a team's) filter them when asked."""

    def __init__(self) -> None:
        self._live: dict[int, LiveInteraction] = {}
        self._agents: dict[int, LiveAgent] = {}
        self._handled_by: Counter[int] = Counter()
        #: The newest change known per interaction, kept `REMEMBER_FOR` after it left the figures.
        self._changed: dict[int, datetime] = {}
        self.loaded = False
        #: Agents or queues changed: the board must be read again before it is shown.
        self.needs_read = True

    def load(self, snapshot: LiveSnapshot, since_read: Iterable[ev.Event] = ()) -> None:
        """Start again from a read, then apply the events delivered while it ran."""
        horizon = snapshot.at - REMEMBER_FOR
        self._changed = {k: at for k, at in self._changed.items() if _utc(at, horizon) >= horizon}
        self._live = {}
        self._handled_by = Counter()
        for item in snapshot.interactions:
            known = self._changed.get(item.id)
            if known is None or _utc(known, item.changed_at) <= item.changed_at:
                self._changed[item.id] = item.changed_at
            self._put(item)
        self._agents = {a.id: a for a in snapshot.agents}
        self.loaded, self.needs_read = True, False
        for event in since_read:
            self.apply(event)

    def apply(self, event: ev.Event) -> None:
        if isinstance(event, ev.InteractionChanged):
            self._moved(event)
        elif isinstance(event, ev.PresenceChanged):
            agent = self._agents.get(event.agent_id)
            if agent is not None:
                self._agents[agent.id] = LiveAgent(
                    agent.id, event.presence, agent.role, agent.team, agent.skills
                )
        elif isinstance(event, RELOAD_AFTER):
            self.needs_read = True

    def _moved(self, event: ev.InteractionChanged) -> None:
        known = self._changed.get(event.interaction_id)
        if known is not None and event.at < _utc(known, event.at):
            return  # a change older than one already applied (or read): it was crossed
        self._changed[event.interaction_id] = event.at
        before = self._drop(event.interaction_id)
        if event.to_state in _WAITING:
            queued_at = event.at if event.to_state == _QUEUED or before is None else before.queued_at
        elif event.to_state in _HANDLING:
            queued_at = None
        else:
            return
        self._put(
            LiveInteraction(
                event.interaction_id, event.to_state, event.queue_id, event.agent_id, queued_at, event.at
            )
        )

    def _put(self, item: LiveInteraction) -> None:
        self._live[item.id] = item
        if item.state in _HANDLING and item.agent_id is not None:
            self._handled_by[item.agent_id] += 1

    def _drop(self, interaction_id: int) -> LiveInteraction | None:
        item = self._live.pop(interaction_id, None)
        if item is not None and item.state in _HANDLING and item.agent_id is not None:
            self._handled_by[item.agent_id] -= 1
            if self._handled_by[item.agent_id] <= 0:
                del self._handled_by[item.agent_id]
        return item

    def queue_figures(self, queues: Sequence[Queue], now: datetime) -> list[QueueFigures]:
        """As `queries.dashboard.queue_figures` reads them: waiting and longest wait per queue."""
        count: Counter[int | None] = Counter()
        oldest: dict[int | None, datetime] = {}
        for item in self._live.values():
            if item.state in _WAITING:
                count[item.queue_id] += 1
                if item.queued_at is not None:
                    at = _utc(item.queued_at, now)
                    if item.queue_id not in oldest or at < oldest[item.queue_id]:
                        oldest[item.queue_id] = at
        out = []
        for queue in queues:
            first = oldest.get(queue.id)
            longest = max(0.0, (now - first).total_seconds()) if first is not None else 0.0
            out.append(
                QueueFigures(
                    queue.id or 0, queue.name, list(queue.channels), count[queue.id], round(longest, 1)
                )
            )
        return out

    def floor(self) -> Floor:
        """As `queries.floor.floor` reads it: an available agent handling work counts as busy."""
        return Floor(
            tuple(
                FloorAgent(
                    a.id,
                    "busy" if a.presence == _AVAILABLE and self._handled_by[a.id] > 0 else a.presence,
                    a.role,
                    a.team,
                    a.skills,
                )
                for a in self._agents.values()
            )
        )
