"""The queues an inbound contact can land in, kept in memory and refreshed by their own events.

Every inbound contact needs its queue (by name, or the first that serves its channel), its
priority and its required skills; reading every queue per contact was a third of the old path's
statements. Queues change rarely: `queue.created` and `queue.updated` refresh the copy, and a
name not found is looked up again once (a queue created by another process a moment ago).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from contact_center.domain import events as ev
from contact_center.domain.enums import Channel
from contact_center.domain.errors import NotFoundError, UnprocessableError
from contact_center.storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class QueueFacts:
    id: int
    name: str
    channels: frozenset[str]
    priority: int
    required_skills: tuple[tuple[str, int], ...]


class QueueDirectory:
    def __init__(self, read_uow: Callable[[], UnitOfWork]) -> None:
        self._read_uow = read_uow
        self._queues: Sequence[QueueFacts] | None = None
        self._lock = asyncio.Lock()

    async def on_event(self, event: ev.Event) -> None:
        if isinstance(event, ev.QueueCreated | ev.QueueUpdated):
            self._queues = None

    async def find(self, channel: Channel, name: str | None) -> QueueFacts | None:
        """The named queue (which must serve `channel`), else the first serving it, else None."""
        queues = await self._load()
        if name is None:
            return next((q for q in queues if channel.value in q.channels), None)
        queue = next((q for q in queues if q.name == name), None)
        if queue is None:
            self._queues = None  # perhaps created a moment ago elsewhere: look once more
            queue = next((q for q in await self._load() if q.name == name), None)
        if queue is None:
            raise NotFoundError(f"queue {name!r} not found")
        if channel.value not in queue.channels:
            raise UnprocessableError(f"queue {name!r} does not take {channel.value}")
        return queue

    async def _load(self) -> Sequence[QueueFacts]:
        queues = self._queues
        if queues is not None:
            return queues
        async with self._lock:
            if self._queues is None:
                async with self._read_uow() as uow:
                    rows = await uow.queues.list()
                self._queues = tuple(
                    QueueFacts(
                        id=q.id or 0,
                        name=q.name,
                        channels=frozenset(q.channels),
                        priority=q.priority,
                        required_skills=tuple(sorted(q.required_skills.items())),
                    )
                    for q in rows
                )
            return self._queues
