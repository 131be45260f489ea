"""Idempotency keys: the claim a creating request makes, and the answer it gave.

A claim is committed in the same transaction as the command's rows: the web layer stages it for the
current task (`pending`), and the first transaction that commits in that task (`UnitOfWork.commit`,
`JobStore.create`) inserts it (`stage`) and marks it committed (`mark_committed`). So a committed row
always has its key, and a claim never outlives rows that rolled back. The answer is stored right
after, in a short transaction of its own (`IdempotencyStore.answer`). Design: docs/api.md,
Idempotency.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint, delete
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from contact_center.domain.columns import utc_field

SCOPE_LENGTH = 300
KEY_LENGTH = 200
#: Expired rows deleted along with each stored answer, so the table stays bounded without a timer.
PURGE_BATCH = 100


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_key_scope_key"),)

    id: int | None = Field(default=None, primary_key=True)
    #: The caller, the method and the path: `agent:12 POST /api/v1/customers`.
    scope: str = Field(max_length=SCOPE_LENGTH)
    key: str = Field(max_length=KEY_LENGTH)
    #: A hash of the request body's canonical JSON (slow and salted where the body holds a password).
    fingerprint: str = Field(max_length=64)
    #: Per claim: with the body, it unseals an answer that holds a secret (a bearer token).
    nonce: str = Field(default="", max_length=32)
    created_at: datetime = utc_field(index=True)
    status: int | None = None
    answer: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    is_sealed: bool = False
    headers: dict[str, str] | None = Field(default=None, sa_type=JSON, nullable=True)
    answered_at: datetime | None = utc_field(nullable=True)


@dataclass(slots=True)
class Claim:
    """A request's claim on (scope, key), staged until a transaction of its task commits it."""

    scope: str
    key: str
    fingerprint: str
    nonce: str
    created_at: datetime
    task: asyncio.Task[Any] | None = field(default=None, repr=False)
    is_committed: bool = False

    def record(self) -> IdempotencyRecord:
        return IdempotencyRecord(
            scope=self.scope,
            key=self.key,
            fingerprint=self.fingerprint,
            nonce=self.nonce,
            created_at=self.created_at,
        )


_PENDING: ContextVar[Claim | None] = ContextVar("idempotency_claim", default=None)


@contextlib.contextmanager
def pending(claim: Claim) -> Iterator[Claim]:
    """Stage `claim` for the first transaction this task commits while the block runs."""
    claim.task = asyncio.current_task()
    token = _PENDING.set(claim)
    try:
        yield claim
    finally:
        _PENDING.reset(token)


def stage(session: AsyncSession) -> Claim | None:
    """Add the pending claim to a transaction about to commit, unless one committed it already.

    Only the task that staged it takes it: a task started meanwhile inherits the context, but its
    transactions are not the request's."""
    claim = _PENDING.get()
    if claim is None or claim.is_committed or claim.task is not asyncio.current_task():
        return None
    session.add(claim.record())
    return claim


def mark_committed(claim: Claim | None) -> None:
    if claim is not None:
        claim.is_committed = True


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: str
    headers: dict[str, str]
    is_sealed: bool = False


class IdempotencyStore:
    """Reads and answers claims, each in a short transaction of its own."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        *,
        ttl: timedelta,
    ) -> None:
        self._sessions = sessions
        self.clock = clock
        self.ttl = ttl

    async def find(self, scope: str, key: str) -> IdempotencyRecord | None:
        """The live record of (scope, key); an expired one is deleted here and counts as none."""
        async with self._sessions() as session:
            found = (await session.exec(_by_key(scope, key))).first()
            if found is None or found.created_at > self.clock() - self.ttl:
                return found
            await session.exec(delete(IdempotencyRecord).where(col(IdempotencyRecord.id) == found.id))
            await session.commit()
            return None

    async def answer(self, claim: Claim, answer: Answer) -> None:
        """Store the answer of a committed claim, and purge a batch of expired keys."""
        now = self.clock()
        async with self._sessions() as session:
            record = (await session.exec(_by_key(claim.scope, claim.key))).one()
            record.status, record.answer, record.headers = answer.status, answer.body, answer.headers
            record.is_sealed, record.answered_at = answer.is_sealed, now
            session.add(record)
            expired = (
                select(IdempotencyRecord.id)
                .where(col(IdempotencyRecord.created_at) < now - self.ttl)
                .limit(PURGE_BATCH)
            )
            await session.exec(delete(IdempotencyRecord).where(col(IdempotencyRecord.id).in_(expired)))
            await session.commit()


def _by_key(scope: str, key: str) -> SelectOfScalar[IdempotencyRecord]:
    return select(IdempotencyRecord).where(
        col(IdempotencyRecord.scope) == scope, col(IdempotencyRecord.key) == key
    )
