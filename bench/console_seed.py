"""A contact center's year for bench/console_queries.py: agents, queues, customers and a million
interactions with their transitions, messages, offers and decision lines, bulk inserted.

Rows are built from each table's own defaults (a model instance per table, its columns read once)
and written with `executemany` on SQLite and `COPY` on PostgreSQL, in batches. Foreign keys are
not checked while loading (SQLite: off; PostgreSQL: `session_replication_role = replica`): the
rows are made consistent here. A marker table records what was seeded, so a later run with the
same size reuses the database instead of seeding again. Everything is deterministic (seeded
random), so two runs read the same world.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

import asyncpg
from sqlmodel import SQLModel

from contact_center.domain.agents import Agent
from contact_center.domain.customers import Customer, CustomerIdentity
from contact_center.domain.enums import Channel, InteractionState, Role
from contact_center.domain.interactions import Interaction, InteractionTransition, Message
from contact_center.domain.queues import Queue
from contact_center.domain.routing import Offer, RoutingDecision
from contact_center.storage.migrate import upgrade

AGENTS, TEAMS, QUEUES = 200, 10, 20
CODES = ("resolved", "callback", "escalated", "refund", "no_answer", "sale", "info", "complaint")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
LATIN = ("Smith", "Jones", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Johnson", "Roberts")
T0 = datetime(2025, 12, 1, tzinfo=UTC)
YEAR_S = 365 * 24 * 3600
#: Interactions still open at the end (the live queues), spread over the queues.
OPEN_TAIL = 2_000
BATCH = 20_000
MARKER = "bench_console_seed"
MIGRATIONS = Path(__file__).resolve().parent.parent / "contact_center" / "storage" / "migrations" / "versions"


def schema_key() -> str:
    """What the seeded schema was made from: a store seeded before a migration was added or
    changed (its indexes, its order) is seeded again rather than measured without them."""
    digest = hashlib.sha256()
    for path in sorted(MIGRATIONS.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Seeded:
    """What the queries ask about: ids and values known to exist."""

    rows: int
    customers: int
    queue_ids: list[int]
    agent_ids: list[int]
    teams: list[str]


def _value(value: Any, sqlite: bool) -> Any:
    """A Python value as the driver takes it (times are UTC here: naive UTC is what is stored)."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is float or kind is bool:
        return value
    if kind is datetime:
        naive = value.replace(tzinfo=None)
        return naive.isoformat(" ", "microseconds") if sqlite else naive
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


class Table:
    """A table's columns and its defaults, taken from one model instance; a row is those
    defaults (converted once) with the given columns put in."""

    def __init__(self, model: SQLModel) -> None:
        table = type(model).__table__  # type: ignore[attr-defined]
        self.name: str = table.name
        self.columns: list[str] = [c.name for c in table.columns]
        self.position = {c: i for i, c in enumerate(self.columns)}
        self.base = {
            sqlite: [_value(getattr(model, c), sqlite) for c in self.columns] for sqlite in (True, False)
        }

    def row(self, sqlite: bool, **values: Any) -> tuple[Any, ...]:
        out = self.base[sqlite].copy()
        for column, value in values.items():
            out[self.position[column]] = _value(value, sqlite)
        return tuple(out)


NOW = T0
TABLES = {
    "agent": Table(Agent(username="x", presence_changed_at=NOW, created_at=NOW)),
    "queue": Table(Queue(name="x", created_at=NOW)),
    "customer": Table(Customer(created_at=NOW, updated_at=NOW)),
    "customer_identity": Table(CustomerIdentity(customer_id=1, kind="phone", address="x", created_at=NOW)),
    "interaction": Table(
        Interaction(channel=Channel.CHAT, customer_id=1, created_at=NOW, state_changed_at=NOW)
    ),
    "interaction_transition": Table(
        InteractionTransition(interaction_id=1, from_state="new", to_state="queued", at=NOW)
    ),
    "message": Table(
        Message(interaction_id=1, channel="chat", direction="inbound", author_kind="customer", created_at=NOW)
    ),
    "offer": Table(Offer(interaction_id=1, agent_id=1, offered_at=NOW, expires_at=NOW)),
    "routing_decision": Table(RoutingDecision(at=NOW, kind="offer")),
}


def phone_of(customer_id: int) -> str:
    return f"+86138{customer_id:08d}"


def email_of(customer_id: int) -> str:
    return f"customer{customer_id}@example.com"


def name_of(rng: random.Random, customer_id: int) -> str:
    if customer_id % 5 == 0:
        return f"{rng.choice(LATIN)} {rng.choice(LATIN)}"
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if customer_id % 2 else "")


def _people(sqlite: bool) -> dict[str, list[tuple[Any, ...]]]:
    agents = [
        TABLES["agent"].row(
            sqlite,
            id=a,
            username=f"bench_agent_{a}",
            display_name=f"坐席 {a}",
            team=f"team{a % TEAMS}",
            role=Role.AGENT,
        )
        for a in range(1, AGENTS + 1)
    ]
    queues = [
        TABLES["queue"].row(sqlite, id=q, name=f"bench_queue_{q}", team=f"team{q % TEAMS}", channels=["chat"])
        for q in range(1, QUEUES + 1)
    ]
    return {"agent": agents, "queue": queues}


def _customers(sqlite: bool, count: int) -> Iterator[tuple[str, tuple[Any, ...]]]:
    rng = random.Random(7)
    for c in range(1, count + 1):
        at = T0 + timedelta(seconds=c * YEAR_S / count)
        yield (
            "customer",
            TABLES["customer"].row(sqlite, id=c, name=name_of(rng, c), created_at=at, updated_at=at),
        )
        kind, address = ("phone", phone_of(c)) if c % 2 else ("email", email_of(c))
        yield (
            "customer_identity",
            TABLES["customer_identity"].row(
                sqlite, id=c, customer_id=c, kind=kind, address=address, created_at=at
            ),
        )


def _open_state(i: int) -> InteractionState:
    return (
        InteractionState.QUEUED,
        InteractionState.OFFERED,
        InteractionState.ACTIVE,
        InteractionState.ACTIVE,
        InteractionState.WRAP_UP,
    )[i % 5]


def _interactions(sqlite: bool, rows: int, customers: int) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Each interaction with 3 transitions, 3 messages, an offer and its decision line (closed ones);
    the last OPEN_TAIL are still waiting or being served."""
    rng = random.Random(11)
    channels = list(Channel)
    ids = {"t": 0, "m": 0}
    for i in range(1, rows + 1):
        created = T0 + timedelta(seconds=i * YEAR_S / rows)
        queue = rng.randint(1, QUEUES)
        agent = rng.randint(1, AGENTS)
        customer = rng.randint(1, customers)
        channel = rng.choice(channels)
        is_open = i > rows - OPEN_TAIL
        state = (
            _open_state(i)
            if is_open
            else (InteractionState.ABANDONED if i % 20 == 0 else InteractionState.CLOSED)
        )
        served = state not in (InteractionState.QUEUED, InteractionState.ABANDONED)
        answered = created + timedelta(seconds=rng.randint(5, 90))
        closed = answered + timedelta(seconds=rng.randint(60, 900))
        yield (
            "interaction",
            TABLES["interaction"].row(
                sqlite,
                id=i,
                channel=channel,
                state=state,
                queue_id=queue,
                customer_id=customer,
                agent_id=agent if served else None,
                subject=f"订单 {i} 的问题" if i % 3 else f"Order {i} question",
                wrap_up_code=CODES[i % len(CODES)] if state is InteractionState.CLOSED else None,
                created_at=created,
                state_changed_at=closed if not is_open else answered,
                queued_at=created,
                answered_at=answered if served else None,
                closed_at=closed if state in (InteractionState.CLOSED, InteractionState.ABANDONED) else None,
            ),
        )
        moves = [("new", "queued", created, None)]
        if served:
            moves.append(("queued", "offered", answered - timedelta(seconds=3), agent))
            moves.append(("offered", "active", answered, agent))
        if state is InteractionState.CLOSED:
            moves.append(("active", "closed", closed, agent))
        for from_state, to_state, at, who in moves:
            ids["t"] += 1
            yield (
                "interaction_transition",
                TABLES["interaction_transition"].row(
                    sqlite,
                    id=ids["t"],
                    interaction_id=i,
                    from_state=from_state,
                    to_state=to_state,
                    at=at,
                    agent_id=who,
                    queue_id=queue,
                    actor="router" if who else "system",
                ),
            )
        for n in range(3):
            ids["m"] += 1
            inbound = n != 1
            yield (
                "message",
                TABLES["message"].row(
                    sqlite,
                    id=ids["m"],
                    interaction_id=i,
                    channel=channel,
                    direction="inbound" if inbound else "outbound",
                    author_kind="customer" if inbound else "agent",
                    author_agent_id=None if inbound else agent,
                    body=f"你好，我的订单 {i} 还没到。" if inbound else "您好，我来帮您查一下。",
                    created_at=created + timedelta(seconds=n * 30),
                ),
            )
        if served:
            offered = answered - timedelta(seconds=3)
            open_offer = state is InteractionState.OFFERED
            yield (
                "offer",
                TABLES["offer"].row(
                    sqlite,
                    id=i,
                    interaction_id=i,
                    agent_id=agent,
                    queue_id=queue,
                    state="open" if open_offer else "accepted",
                    offered_at=offered,
                    expires_at=offered + timedelta(seconds=30),
                    closed_at=None if open_offer else answered,
                ),
            )
            yield (
                "routing_decision",
                TABLES["routing_decision"].row(
                    sqlite,
                    id=i,
                    at=offered,
                    kind="offer",
                    interaction_id=i,
                    agent_id=agent,
                    text=f"interaction queued; longest idle among 4 candidate(s) (longest idle, idle since "
                    f"{offered.timestamp() - 40:.1f}); meets chat at escalation step 0; waited 3.0s",
                ),
            )


def _batches(rows: Iterator[tuple[str, tuple[Any, ...]]]) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
    pending: dict[str, list[tuple[Any, ...]]] = {}
    count = 0
    for table, values in rows:
        pending.setdefault(table, []).append(values)
        count += 1
        if count >= BATCH:
            yield pending
            pending, count = {}, 0
    if pending:
        yield pending


def _all_rows(sqlite: bool, rows: int) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
    customers = max(1, rows // 4)
    yield _people(sqlite)
    yield from _batches(_customers(sqlite, customers))
    yield from _batches(_interactions(sqlite, rows, customers))


def seeded_world(rows: int) -> Seeded:
    return Seeded(
        rows=rows,
        customers=max(1, rows // 4),
        queue_ids=list(range(1, QUEUES + 1)),
        agent_ids=list(range(1, AGENTS + 1)),
        teams=[f"team{t}" for t in range(TEAMS)],
    )


def seed_sqlite(path: str, rows: int) -> Seeded:
    """Seed the file at `path` unless it holds this size already."""
    conn = sqlite3.connect(path)
    try:
        found = conn.execute(f"SELECT name FROM sqlite_master WHERE name = '{MARKER}'").fetchone()
        if found:
            cursor = conn.execute(f"SELECT * FROM {MARKER}")  # an older marker has no schema
            kept = dict(zip([c[0] for c in cursor.description], cursor.fetchone() or (), strict=False))
            if (kept.get("rows"), kept.get("schema")) == (rows, schema_key()):
                return seeded_world(rows)
    finally:
        conn.close()
    for suffix in ("", "-wal", "-shm"):  # another size, or a seed cut short: start afresh
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    upgrade(f"sqlite:///{path}")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA journal_mode = OFF")  # a load cut short has no marker: seeded again
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -500000")
        # Indexes are built once after the load (a sort each), not row by row during it.
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchall()
        conn.execute("BEGIN")
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        for batch in _all_rows(True, rows):
            for table, values in batch.items():
                columns = TABLES[table].columns
                marks = ", ".join("?" for _ in columns)
                conn.executemany(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})', values)
        for _, sql in indexes:
            conn.execute(sql)
        conn.execute(f"CREATE TABLE {MARKER} (rows INTEGER, schema TEXT)")
        conn.execute(f"INSERT INTO {MARKER} VALUES (?, ?)", (rows, schema_key()))
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()
    return seeded_world(rows)


async def seed_postgres(url: str, rows: int) -> Seeded:
    """Seed the database at `url` unless it holds this size already (it must exist)."""
    conn = await asyncpg.connect(url)
    try:
        if await conn.fetchval("SELECT to_regclass($1)", MARKER) is not None:
            found = await conn.fetchrow(f"SELECT * FROM {MARKER}")  # an older marker has no schema
            if found is not None and (found["rows"], dict(found).get("schema")) == (rows, schema_key()):
                return seeded_world(rows)
        # Another size or schema, or a seed cut short: start afresh from an empty schema.
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()
    await asyncio.to_thread(upgrade, url)
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("SET session_replication_role = replica")
        await conn.execute("SET maintenance_work_mem = '512MB'")
        async with conn.transaction():
            # Indexes not backing a constraint are built once after the load, not row by row.
            indexes = await conn.fetch(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
            )
            for index in indexes:
                await conn.execute(f'DROP INDEX "{index["indexname"]}"')
            for batch in _all_rows(False, rows):
                for table, values in batch.items():
                    await conn.copy_records_to_table(table, records=values, columns=TABLES[table].columns)
            for index in indexes:
                await conn.execute(index["indexdef"])
            for table in TABLES:
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'(SELECT coalesce(max(id), 1) FROM "{table}"))'
                )
            await conn.execute(f"CREATE TABLE {MARKER} (rows integer, schema text)")
            await conn.execute(f"INSERT INTO {MARKER} VALUES ($1, $2)", rows, schema_key())
        await conn.execute("ANALYZE")  # what autovacuum does after a load this size
    finally:
        await conn.close()
    return seeded_world(rows)


def sample(values: Sequence[int], n: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.choice(values) for _ in range(n)]
