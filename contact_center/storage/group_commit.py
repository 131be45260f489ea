"""Group commit: work that arrives together shares one transaction and one durable commit.

Callers `submit` an item and wait. One batch at a time takes everything waiting (up to
`max_batch`) and runs `process` over it in one transaction on the writing engine; each caller is
answered only after the commit that holds its rows. Under light load a batch is one item and adds
no delay; under load the batches grow while the previous commit is on disk, which is where the
throughput comes from (a durable commit costs the same for one row as for a hundred).

A batch that fails as a whole (a unique key taken meanwhile by another process, say) is run once
more, then item by item, so one bad item never fails its neighbours. An item's own error (bad
input found inside the transaction) comes back to its caller alone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

#: `process` returns per item its result, or the error that item alone must get. What it adds to
#: its third argument (the events it recorded, say) is handed to `after_commit` once committed.
Process = Callable[[AsyncConnection, Sequence[T], list[Any]], Awaitable[list[R | Exception]]]


class GroupCommitter(Generic[T, R]):
    def __init__(
        self,
        engine: AsyncEngine,
        process: Process[T, R],
        *,
        max_batch: int = 200,
        after_commit: Callable[[list[Any]], None] | None = None,
    ) -> None:
        self._engine = engine
        self._process = process
        self._max_batch = max_batch
        self._after_commit = after_commit
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._worker: asyncio.Task[None] | None = None
        #: How many batches and items were committed (tests and profiles read the mean batch size).
        self.batches = 0
        self.items = 0

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain(), name="group-commit")
        return await future

    async def _drain(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[: self._max_batch], self._waiting[self._max_batch :]
            live = [(item, fut) for item, fut in batch if not fut.done()]  # a caller that gave up
            if not live:
                continue
            try:
                await self._commit_batch(live)
            except Exception as exc:  # the database is down: every caller of this batch hears it
                for _item, future in live:
                    if not future.done():
                        future.set_exception(exc)

    async def _commit_batch(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        items = [item for item, _ in batch]
        try:
            outcomes = await self._run(items)
        except IntegrityError as first:
            log.info("group_commit.retry", extra={"items": len(items), "error": type(first).__name__})
            try:
                outcomes = await self._run(items)
            except IntegrityError:
                outcomes = [await self._alone(item) for item in items]
        for (_item, future), outcome in zip(batch, outcomes, strict=True):
            if future.done():
                continue
            if isinstance(outcome, Exception):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)

    async def _run(self, items: Sequence[T]) -> list[R | Exception]:
        recorded: list[Any] = []
        async with self._engine.begin() as conn:
            outcomes = await self._process(conn, items, recorded)
        self.batches += 1
        self.items += len(items)
        if self._after_commit is not None and recorded:
            self._after_commit(recorded)
        return outcomes

    async def _alone(self, item: T) -> R | Exception:
        try:
            return (await self._run([item]))[0]
        except IntegrityError as exc:
            return exc
