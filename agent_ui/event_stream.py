"""`/ws/events`: committed events pushed to desks and consoles as they happen, filtered per reader.

Each event goes to the readers the policy lets see it (`policy.sees_event`): an agent gets the
events of their own work (an offer made to them, their interactions moving on and the messages
on them, their presence); a supervisor with a team those of the team's queues and agents; a
supervisor without a team and an administrator every interaction, offer and agent event. The
facts each decision needs (whose interaction a message is on, which team a queue or an agent is
in) come from `EventFacts` below, which reads them once and keeps them. Each event is
serialised once and queued per socket; a socket that falls more than `backlog` events behind is
closed with code 1013 (try again later), so one slow reader never holds the others up, and a
client that reconnects re-reads the state it needs. The hub is a live subscriber of the broker,
so with Redis every web process sees every event. An agent's desk opens the socket with
`?desk=1`: those sockets are counted by the desk watch (`desk_presence.py`), which takes an agent
whose last desk closed out of routing after a grace period.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Iterator

from aiohttp import WSMsgType, web

from agent_ui.desk_presence import DeskWatch
from contact_center.api.access import principal_of
from contact_center.domain import events as ev
from contact_center.domain.principal import Principal
from contact_center.outage import Outage, is_outage
from contact_center.services import policy
from contact_center.signals import Signal
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

#: Kinds of event a desk or console shows; the rest (customer edits, planning) stay server-side.
STREAMED = ("interaction.", "offer.", "agent.", "message.", "follow_up.")
TRY_AGAIN_LATER = 1013
#: How many interactions' agents are remembered (for the messages on them); the oldest go first.
REMEMBERED = 50_000


class EventFacts:
    """What `policy.sees_event` decides on, for one event: whose work it is, which teams it touches.

    An interaction event names its agent; a message names only its interaction, whose agent is
    remembered from the interaction's own events (or read once). Queue and agent teams are read
    once and read again after any queue or agent change."""

    def __init__(self, uow: Callable[[], UnitOfWork]) -> None:
        self._uow = uow
        #: interaction -> (its agent, its queue), as its latest event left them.
        self._placed: dict[int, tuple[int | None, int | None]] = {}
        self._queue_teams: dict[int, str | None] | None = None
        self._agent_teams: dict[int, str | None] | None = None

    def note(self, event: ev.Event) -> None:
        """Every event passes here, read or not: what it says of interactions and teams."""
        if event.type.startswith(("queue.", "agent.created", "agent.updated")):
            self._queue_teams = self._agent_teams = None
        if isinstance(event, ev.InteractionChanged):
            self._remember(event.interaction_id, event.agent_id, event.queue_id)
        elif isinstance(event, ev.MessageAdded) and event.customer_id is not None:
            # Where it was written (payloads from before these fields say nothing: read then).
            self._remember(event.interaction_id, event.agent_id, event.queue_id)

    async def of(self, event: ev.Event) -> policy.EventFacts:
        if isinstance(event, ev.MessageAdded):
            return await self.of_interaction(event.interaction_id)
        return await self._facts(getattr(event, "agent_id", None), getattr(event, "queue_id", None))

    async def of_interaction(self, interaction_id: int) -> policy.EventFacts:
        """For what names only its interaction (a message, a typing mark): who works on it."""
        return await self._facts(*await self._placement(interaction_id))

    async def _facts(self, agent_id: int | None, queue_id: int | None) -> policy.EventFacts:
        queue_teams, agent_teams = await self._teams()
        return policy.EventFacts(
            agent_id=agent_id,
            queue_team=queue_teams.get(queue_id) if queue_id is not None else None,
            agent_team=agent_teams.get(agent_id) if agent_id is not None else None,
        )

    def _remember(self, interaction_id: int, agent_id: int | None, queue_id: int | None) -> None:
        self._placed.pop(interaction_id, None)
        self._placed[interaction_id] = (agent_id, queue_id)
        if len(self._placed) > REMEMBERED:
            del self._placed[next(iter(self._placed))]

    async def _placement(self, interaction_id: int) -> tuple[int | None, int | None]:
        if interaction_id not in self._placed:  # a process that started after its last move
            async with self._uow() as uow:
                interaction = await uow.interactions.get(interaction_id)
            self._remember(interaction_id, interaction.agent_id, interaction.queue_id)
        return self._placed[interaction_id]

    async def _teams(self) -> tuple[dict[int, str | None], dict[int, str | None]]:
        if self._queue_teams is None or self._agent_teams is None:
            async with self._uow() as uow:
                self._queue_teams = {q.id or 0: q.team for q in await uow.queues.list()}
                self._agent_teams = {a.id or 0: a.team for a in await uow.agents.list()}
        return self._queue_teams, self._agent_teams


class _Reader:
    __slots__ = ("principal", "queue", "ws")

    def __init__(self, ws: web.WebSocketResponse, principal: Principal, backlog: int) -> None:
        self.ws = ws
        self.principal = principal
        self.queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=backlog)


class _Readers:
    """The open readers, an agent's under their id: an agent sees only their own events
    (`policy.only_events_of_agent`), so an event is checked against its agent's readers and the
    supervisors', not against every desk (500 desks at 400 events a second made that loop a
    seventh of the server's time: bench/console_fanout.py)."""

    def __init__(self) -> None:
        self._of_agent: dict[int, set[_Reader]] = {}
        self._others: set[_Reader] = set()

    def __bool__(self) -> bool:
        return bool(self._others or self._of_agent)

    def __iter__(self) -> Iterator[_Reader]:
        yield from self._others
        for readers in self._of_agent.values():
            yield from readers

    def add(self, reader: _Reader) -> None:
        agent = policy.only_events_of_agent(reader.principal)
        if agent is None:
            self._others.add(reader)
        else:
            self._of_agent.setdefault(agent, set()).add(reader)

    def discard(self, reader: _Reader) -> None:
        agent = policy.only_events_of_agent(reader.principal)
        if agent is None:
            self._others.discard(reader)
            return
        readers = self._of_agent.get(agent)
        if readers is not None:
            readers.discard(reader)
            if not readers:
                del self._of_agent[agent]

    def who_may_see(self, facts: policy.EventFacts) -> list[_Reader]:
        """Every reader `policy.sees_event` could let see an event with these facts."""
        mine = self._of_agent.get(facts.agent_id, ()) if facts.agent_id is not None else ()
        return [*self._others, *mine]


class EventStream:
    """The hub of `/ws/events`: one per web process, fed by the broker."""

    def __init__(
        self, uow: Callable[[], UnitOfWork], *, backlog: int = 2000, desks: DeskWatch | None = None
    ) -> None:
        self._readers = _Readers()
        self._desks = desks
        self._backlog = backlog
        self._facts = EventFacts(uow)
        #: A database away is logged once, not once per event it keeps from the desks (they read
        #: the state afresh when they reconnect or reload). Not listed as degraded: only the next
        #: event could say it is over, and a quiet hour may bring none.
        self._outage = Outage(log, "events.desks", registered=False)

    def _failed(self, exc: Exception, kind: str) -> None:
        if not is_outage(exc):
            log.exception("events.facts_failed", extra={"type": kind})
        self._outage.failed(exc)

    async def on_event(self, event: ev.Event) -> None:
        self._facts.note(event)
        if not self._readers or not event.type.startswith(STREAMED):
            return
        try:
            facts = await self._facts.of(event)
        except Exception as exc:  # the database away: nobody gets what nobody could check
            self._failed(exc, event.type)
            return
        self._outage.recovered()
        frame: str | None = None
        for reader in self._readers.who_may_see(facts):
            if not policy.sees_event(reader.principal, facts):
                continue
            if frame is None:
                frame = json.dumps({"type": event.type, "event": event.to_dict()}, ensure_ascii=False)
            try:
                reader.queue.put_nowait(frame)
            except asyncio.QueueFull:
                log.warning("events.reader_behind", extra={"agent_id": reader.principal.agent_id})
                self._readers.discard(reader)
                reader.queue.get_nowait()  # room for the signal that ends its sender
                reader.queue.put_nowait(None)

    async def on_signal(self, signal: Signal) -> None:
        """A typing or read mark, to the readers who see its interaction (never stored)."""
        if not self._readers:
            return
        try:
            facts = await self._facts.of_interaction(signal.interaction_id)
        except Exception as exc:
            self._failed(exc, "signal")
            return
        frame = json.dumps({"type": f"signal.{signal.kind}", "signal": signal.to_dict()})
        for reader in self._readers.who_may_see(facts):
            if policy.sees_event(reader.principal, facts):
                with contextlib.suppress(asyncio.QueueFull):  # a mark is not worth closing a socket
                    reader.queue.put_nowait(frame)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        principal = principal_of(request)
        ws = web.WebSocketResponse(heartbeat=30, max_msg_size=4096)
        await ws.prepare(request)
        reader = _Reader(ws, principal, self._backlog)
        self._readers.add(reader)
        sender = asyncio.create_task(self._send(reader), name="events-sender")
        desk = self._desks if request.query.get("desk") == "1" else None
        if desk is not None:
            await desk.opened(principal.agent_id)
        try:
            await ws.send_str(json.dumps({"type": "hello", "agent_id": principal.agent_id}))
            async for message in ws:
                if message.type is WSMsgType.ERROR:
                    break
        finally:
            self._readers.discard(reader)
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            if desk is not None:
                await desk.closed(principal.agent_id)
        return ws

    async def _send(self, reader: _Reader) -> None:
        while True:
            frame = await reader.queue.get()
            if frame is None:
                await reader.ws.close(code=TRY_AGAIN_LATER, message=b"too far behind; reconnect")
                return
            try:
                await reader.ws.send_str(frame)
            except (ConnectionError, RuntimeError):
                return

    async def close_all(self, _app: web.Application) -> None:
        for reader in list(self._readers):
            await reader.ws.close()


EVENTS_KEY: web.AppKey[EventStream] = web.AppKey("event_stream")
