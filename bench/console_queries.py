"""Every query behind the supervisor's console, at a million interactions, on SQLite and PostgreSQL.

Seeds (once; reused while the size is the same) a SQLite file under `var/bench/` and a PostgreSQL
database of its own (`cc_bench_console_<rows>`), with `console_seed.py`'s year of contacts:
interactions with their transitions, messages, offers and decision lines. Then runs each named
query `--runs` times through the project's own query functions and a read session, as the pages
do, with its arguments drawn afresh each run (another queue, interaction, customer...), and prints
p50 and p99 per query per database beside the 200 ms ceiling. Exits 1 when a p99 is over it.

    .venv/bin/python bench/console_queries.py                 # 1,000,000 interactions, both databases
    .venv/bin/python bench/console_queries.py --rows 20000 --runs 5 --databases sqlite

To time another page's query, add a `Query` to `QUERIES`: a name and an async callable of
(session, world, run number). `CC_BENCH_PG` names the PostgreSQL server (an admin DSN).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import asyncpg
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ceilings import collector_as_served
from console_seed import (
    CODES,
    T0,
    Seeded,
    email_of,
    phone_of,
    sample,
    seed_postgres,
    seed_sqlite,
)

from contact_center.domain.enums import Channel, InteractionState, Role
from contact_center.domain.principal import Principal
from contact_center.queries.console_records import customer_record, interaction_header
from contact_center.queries.dashboard import EVERYONE, queue_figures
from contact_center.queries.floor import floor
from contact_center.queries.interaction_search import EXPORT_BATCH, SearchFilters, search
from contact_center.queries.interaction_timeline import timeline
from contact_center.queries.live_floor import read_live
from contact_center.queries.queue_live import served_in, waiting_in
from contact_center.queries.wallboard import console_figures
from contact_center.queries.wallboard_today import today_figures
from contact_center.services import policy
from contact_center.storage.engine import open_database
from contact_center.storage.uow import UnitOfWork

CEILING_MS = 200.0
PAGE = 50
ADMIN = policy.interaction_scope(Principal(1, "admin", Role.ADMIN))


def supervisor_scope(team: str) -> policy.Scope:
    return policy.interaction_scope(Principal(1, "sup", Role.SUPERVISOR, team))


@dataclass(frozen=True)
class Query:
    name: str
    run: Callable[[AsyncSession, Seeded, int], Awaitable[object]]


def _pick(values: list[int], n: int) -> int:
    return sample(values, n + 1, seed=n)[n]


def _interaction(world: Seeded, n: int) -> int:
    return _pick(list(range(1, world.rows + 1, max(1, world.rows // 997))), n)


def _customer(world: Seeded, n: int) -> int:
    return _pick(list(range(1, world.customers + 1, max(1, world.customers // 997))), n)


def _search(**filters: object) -> Callable[[AsyncSession, Seeded, int], Awaitable[object]]:
    async def run(session: AsyncSession, world: Seeded, n: int) -> object:
        made = {k: (v(world, n) if callable(v) else v) for k, v in filters.items()}
        return await search(session, SearchFilters(**made), ADMIN, limit=PAGE)  # type: ignore[arg-type]

    return run


#: The wallboard's "now": the evening of the seeded year's last day, a whole day of contacts.
WALLBOARD_NOW = T0 + timedelta(days=364, hours=22)


def _on_the_wallboard(
    read: Callable[[UnitOfWork, Seeded, int], Awaitable[object]],
) -> Callable[[AsyncSession, Seeded, int], Awaitable[object]]:
    """A wallboard query, which reads through a unit of work, on the run's session."""

    async def run(session: AsyncSession, world: Seeded, n: int) -> object:
        uow = UnitOfWork(lambda: session, clock=lambda: WALLBOARD_NOW)  # type: ignore[arg-type, return-value]
        async with uow:
            return await read(uow, world, n)

    return run


async def _today(uow: UnitOfWork, _world: Seeded, _n: int) -> object:
    return await today_figures(uow, await uow.queues.list(), uow.now())


async def _push(uow: UnitOfWork, world: Seeded, n: int) -> object:
    """A console page's first figures, read afresh (no kept figures; the pushes after it come
    from the hub's board): for all queues, or a team's, in turn."""
    view = EVERYONE if n % 2 else policy.DashboardView(team=world.teams[n % len(world.teams)])
    return await console_figures(uow, view)


def _day_range(world: Seeded, n: int) -> tuple[object, object]:
    day = (n * 37) % 360
    start = T0 + timedelta(days=day)
    return start, start + timedelta(days=1)


QUERIES: list[Query] = [
    Query("wallboard: today, every queue", _on_the_wallboard(_today)),
    Query(
        "wallboard: waiting, longest wait",
        _on_the_wallboard(lambda u, w, n: queue_figures(u, u.now())),
    ),
    Query("wallboard: agents by state", _on_the_wallboard(lambda u, w, n: floor(u))),
    Query("console page's first figures", _on_the_wallboard(_push)),
    Query("console hub: the board's read", _on_the_wallboard(lambda u, w, n: read_live(u))),
    Query("queue: waiting", lambda s, w, n: waiting_in(s, w.queue_ids[n % len(w.queue_ids)])),
    Query("queue: being served", lambda s, w, n: served_in(s, w.queue_ids[n % len(w.queue_ids)])),
    Query("interaction: header", lambda s, w, n: interaction_header(s, _interaction(w, n))),
    Query("interaction: timeline", lambda s, w, n: timeline(s, _interaction(w, n))),
    Query("customer: record and history", lambda s, w, n: customer_record(s, _customer(w, n), ADMIN)),
    Query("search: no filter (admin)", _search()),
    Query(
        "search: no filter (team supervisor)",
        lambda s, w, n: search(s, SearchFilters(), supervisor_scope(w.teams[n % len(w.teams)]), limit=PAGE),
    ),
    Query(
        "search: page 100 (cursor)",
        lambda s, w, n: search(s, SearchFilters(), ADMIN, limit=PAGE, before_id=w.rows - 100 * PAGE - n),
    ),
    Query("search: channel", _search(channel=lambda w, n: list(Channel)[n % len(Channel)])),
    Query("search: queue", _search(queue_id=lambda w, n: w.queue_ids[n % len(w.queue_ids)])),
    Query("search: state (abandoned)", _search(state=InteractionState.ABANDONED)),
    Query("search: state (queued)", _search(state=InteractionState.QUEUED)),
    Query("search: agent", _search(agent_id=lambda w, n: w.agent_ids[n % len(w.agent_ids)])),
    Query("search: wrap-up code", _search(wrap_up_code=lambda w, n: CODES[n % len(CODES)])),
    Query("search: customer name (surname)", _search(customer=lambda w, n: "王李张刘陈"[n % 5])),
    Query("search: customer name (full)", _search(customer=lambda w, n: ("王伟", "Smith J", "李娜")[n % 3])),
    Query("search: customer phone", _search(customer=lambda w, n: phone_of(_customer(w, n) | 1))),
    Query("search: customer email", _search(customer=lambda w, n: email_of(_customer(w, n) & ~1 or 2))),
    Query("search: customer id", _search(customer_id=lambda w, n: _customer(w, n))),
    Query(
        "search: one day",
        _search(
            created_after=lambda w, n: _day_range(w, n)[0], created_before=lambda w, n: _day_range(w, n)[1]
        ),
    ),
    Query("search: created before a year ago", _search(created_before=lambda w, n: T0 + timedelta(days=30))),
    Query(
        "CSV export: one batch of 1,000 rows",
        lambda s, w, n: search(
            s, SearchFilters(), ADMIN, limit=EXPORT_BATCH, before_id=w.rows - n * EXPORT_BATCH
        ),
    ),
]


@dataclass(frozen=True)
class Timing:
    query: str
    database: str
    p50_ms: float
    p99_ms: float

    @property
    def met(self) -> bool:
        return self.p99_ms < CEILING_MS


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def time_queries(url: str, label: str, world: Seeded, runs: int) -> list[Timing]:
    database = open_database(url)
    sessions = async_sessionmaker(database.reader, class_=AsyncSession, expire_on_commit=False)
    out = []
    collector_as_served()
    try:
        for query in QUERIES:
            samples = []
            for n in range(runs + 1):
                async with sessions() as session:
                    start = time.perf_counter()
                    await query.run(session, world, n)
                    elapsed = (time.perf_counter() - start) * 1000
                if n:  # the first run warms the connection and the statement cache
                    samples.append(elapsed)
            out.append(Timing(query.name, label, _percentile(samples, 0.5), _percentile(samples, 0.99)))
    finally:
        await database.dispose()
    return out


async def postgres_url(admin_dsn: str, rows: int) -> str:
    name = f"cc_bench_console_{rows}"
    conn = await asyncpg.connect(admin_dsn)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return admin_dsn.rsplit("/", 1)[0] + f"/{name}"


async def reset_postgres(admin_dsn: str, rows: int) -> None:
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "cc_bench_console_{rows}" WITH (FORCE)')
    finally:
        await conn.close()


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def print_table(timings: list[Timing], rows: int, runs: int) -> None:
    databases = sorted({t.database for t in timings}, key=["sqlite", "postgresql"].index)
    print(f"Console queries at {rows:,} interactions, {runs} runs each; ceiling {CEILING_MS:.0f} ms (p99)")
    head = f"{'query':<38}" + "".join(f"{db + ' p50':>16}{db + ' p99':>16}" for db in databases)
    print(head)
    for query in QUERIES:
        cells = []
        for db in databases:
            t = next(t for t in timings if t.query == query.name and t.database == db)
            mark = "" if t.met else " !"
            cells.append(f"{t.p50_ms:13.1f} ms{t.p99_ms:13.1f} ms{mark}")
        print(f"{query.name:<38}" + "".join(f"{c:>32}" for c in cells))


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--cache", default="var/bench", help="folder of the seeded SQLite file")
    parser.add_argument("--fresh", action="store_true", help="seed again even if a seeded world exists")
    parser.add_argument("--drop", action="store_true", help="drop the PostgreSQL database and file after")
    parser.add_argument(
        "--smoke", action="store_true", help="exit 0 whatever the timings (a run that only checks it works)"
    )
    args = parser.parse_args(argv)
    databases = args.databases.split(",")
    admin = os.environ.get("CC_BENCH_PG", "postgresql://127.0.0.1:5432/postgres")
    timings: list[Timing] = []
    if "sqlite" in databases:
        path = Path(args.cache) / f"console_{args.rows}.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        if args.fresh:
            remove_sqlite(path)
        start = time.perf_counter()
        world = await asyncio.to_thread(seed_sqlite, str(path), args.rows)
        print(f"sqlite: ready in {time.perf_counter() - start:.1f} s ({path})", flush=True)
        timings += await time_queries(f"sqlite:///{path}", "sqlite", world, args.runs)
        if args.drop:
            remove_sqlite(path)
    if "postgresql" in databases:
        if args.fresh:
            await reset_postgres(admin, args.rows)
        url = await postgres_url(admin, args.rows)
        start = time.perf_counter()
        world = await seed_postgres(url, args.rows)
        print(f"postgresql: ready in {time.perf_counter() - start:.1f} s", flush=True)
        timings += await time_queries(url, "postgresql", world, args.runs)
        if args.drop:
            await reset_postgres(admin, args.rows)
    print_table(timings, args.rows, args.runs)
    missed = [t for t in timings if not t.met]
    for t in missed:
        print(f"MISSED: {t.query} on {t.database}: p99 {t.p99_ms:.1f} ms > {CEILING_MS:.0f} ms")
    return 1 if missed and not args.smoke else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
