"""The supervisor's agents view on a store of a million interactions: how long one read takes.

Seeds a fresh database (SQLite file, or a PostgreSQL database created and dropped here) with 200
agents in 10 teams, a year of 1,000,000 handled chats (4 transitions and an audit entry each), a
year of presence changes (4 a day per agent, in the audit log), a published schedule for today,
and the chats of the last minutes still active; then times `queries.agents_live.agents_live` for
one team (20 agents) and for everyone. The goal: one team's read under 200 ms. Run alone:
    .venv/bin/python bench/agents_live.py [--postgres] [--interactions N]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ceilings import collector_as_served

from contact_center.bootstrap import build_container
from contact_center.domain.agents import Agent
from contact_center.domain.customers import Customer
from contact_center.domain.enums import Presence
from contact_center.domain.planning import Schedule, ScheduleShift
from contact_center.domain.queues import Queue
from contact_center.queries.agents_live import agents_live
from contact_center.services.policy import EVERYTHING, Scope
from contact_center.settings import Settings
from contact_center.storage.migrate import upgrade
from contact_center.storage.tables import AUDIT, INTERACTION, TRANSITION

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
AGENTS, TEAMS, BATCH = 200, 10, 20_000
PRESENCE_CYCLE = (("available", 8), ("away", 12), ("available", 13), ("offline", 17))


def settings(url: str) -> Settings:
    return Settings.model_validate({"environment": "test", "database": {"url": url}})


async def seed(url: str, interactions: int, now: datetime) -> None:
    container = build_container(settings(url))
    try:
        async with container.uow() as uow:
            uow.session.add(Queue(id=1, name="bench", channels=["chat"], team="t0", created_at=now))
            uow.session.add(Customer(id=1, name="Bench", created_at=now, updated_at=now))
            for a in range(1, AGENTS + 1):
                uow.session.add(
                    Agent(
                        id=a,
                        username=f"bench{a}",
                        display_name=f"Agent {a}",
                        team=f"t{a % TEAMS}",
                        presence=Presence.AVAILABLE,
                        presence_changed_at=now,
                        created_at=now,
                    )
                )
            await uow.commit()
        async with container.engine.begin() as conn:
            day0 = now - timedelta(days=365)
            audit_id = 0
            audit: list[dict[str, Any]] = []
            midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
            for day in range(366):
                base = midnight - timedelta(days=365 - day)
                for agent in range(1, AGENTS + 1):
                    previous = "offline"
                    for state, hour in PRESENCE_CYCLE:
                        at = base + timedelta(hours=hour, minutes=agent % 30)
                        if at >= now:
                            break
                        audit_id += 1
                        audit.append(
                            _audit(audit_id, at, "agent", agent, "presence", {"from": previous, "to": state})
                        )
                        previous = state
                if len(audit) >= BATCH:
                    await conn.execute(insert(AUDIT), audit)
                    audit = []
            step = (now - day0) / interactions
            rows, transitions = [], []
            transition_id = 0
            for n in range(1, interactions + 1):
                created = day0 + step * n
                agent = n % AGENTS + 1
                live = created > now - timedelta(minutes=4)
                rows.append(_interaction(n, created, agent, live))
                moves = [("new", "queued", 0, None), ("queued", "active", 30, agent)]
                if not live:
                    moves += [("active", "wrap_up", 300, agent), ("wrap_up", "closed", 360, agent)]
                for from_state, to_state, after, who in moves:
                    transition_id += 1
                    transitions.append(
                        {
                            "id": transition_id,
                            "interaction_id": n,
                            "from_state": from_state,
                            "to_state": to_state,
                            "at": created + timedelta(seconds=after),
                            "actor": "system",
                            "agent_id": who,
                            "queue_id": 1,
                        }
                    )
                audit_id += 1
                audit.append(_audit(audit_id, created, "interaction", n, "create", {"channel": "chat"}))
                if len(rows) >= BATCH:
                    await _flush(conn, rows, transitions, audit)
                    rows, transitions, audit = [], [], []
            await _flush(conn, rows, transitions, audit)
        async with container.uow() as uow:
            schedule = Schedule(
                queue_id=1,
                starts_at=midnight,
                timezone="UTC",
                interval_minutes=30,
                num_intervals=48,
                status="published",
                solver_status="OPTIMAL",
                required=[0] * 48,
                created_at=midnight,
            )
            uow.session.add(schedule)
            await uow.session.flush()
            for agent in range(1, AGENTS + 1):
                uow.session.add(
                    ScheduleShift(
                        schedule_id=schedule.id or 0,
                        agent_id=agent,
                        day=0,
                        template="t",
                        skill="queue",
                        start_minute=8 * 60,
                        end_minute=17 * 60,
                        paid_minutes=540,
                        breaks=[],
                    )
                )
            await uow.commit()
    finally:
        await container.close()


async def _flush(
    conn: Any, rows: list[dict[str, Any]], transitions: list[dict[str, Any]], audit: list[dict[str, Any]]
) -> None:
    for table, values in ((INTERACTION, rows), (TRANSITION, transitions), (AUDIT, audit)):
        if values:
            await conn.execute(insert(table), values)


def _interaction(n: int, created: datetime, agent: int, live: bool) -> dict[str, Any]:
    return {
        "id": n,
        "channel": "chat",
        "direction": "inbound",
        "state": "active" if live else "closed",
        "queue_id": 1,
        "priority": 0,
        "required_skills": {},
        "subject": "",
        "customer_id": 1,
        "agent_id": agent,
        "created_at": created,
        "state_changed_at": created,
        "queued_at": created,
        "answered_at": created + timedelta(seconds=30),
        "closed_at": None if live else created + timedelta(seconds=360),
    }


def _audit(
    audit_id: int, at: datetime, entity: str, entity_id: int, action: str, changes: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": audit_id,
        "at": at,
        "actor": "system",
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "changes": changes,
    }


async def measure(url: str, runs: int = 20) -> None:
    container = build_container(settings(url))
    await agents_live(container.read_uow(), EVERYTHING)  # connections and statements warm
    collector_as_served()
    try:
        for label, scope in (
            ("one team (20 agents)", Scope(team="t3")),
            ("everyone (200 agents)", EVERYTHING),
        ):
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                found = await agents_live(container.read_uow(), scope)
                times.append((time.perf_counter() - start) * 1000)
            busy = sum(1 for a in found.agents if a.interactions)
            print(
                f"{label}: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms "
                f"({len(found.agents)} agents, {busy} handling now, "
                f"handled today by the first {found.agents[0].handled_today})"
            )
    finally:
        await container.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--sqlite", help="measure an SQLite database seeded before (its URL)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards")
    args = parser.parse_args()
    random.seed(1)
    now = datetime.now(UTC)
    if args.postgres:
        name = f"cc_bench_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(PG_ADMIN)
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    else:
        url = args.sqlite or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    try:
        if not args.sqlite:
            await asyncio.to_thread(upgrade, url)
            started = time.perf_counter()
            await seed(url, args.interactions, now)
            took = time.perf_counter() - started
            print(f"seeded {args.interactions:,} interactions in {took:.0f} s ({url.split(':')[0]}: {url})")
            if args.postgres:  # a live database has its statistics (autovacuum); a fresh one not yet
                bench_db = await asyncpg.connect(url)
                await bench_db.execute("ANALYZE")
                await bench_db.close()
        await measure(url)
    finally:
        if args.postgres:
            if not args.keep:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
