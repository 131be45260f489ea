"""Benchmark: a mixed load on the one-process SQLite mode and on the multi-process deployment.

The load, at fixed offered rates for a fixed time: contacts through `POST /api/v1/inbound` (each
from a new sender, with an `Idempotency-Key`), web chat visitors sending messages over
`/chat/ws`, and agents (made through the API, several chats each) whose desk sockets accept every
offer as it arrives and wrap up and close each interaction after a short handling time, so their
capacity frees up. Requests are spread over the web processes in turn.

Modes (`load_deploy.py`): `one`, a single `contact-center serve` on SQLite; `multi --web N`,
PostgreSQL in a fresh database and Redis under a namespace of its own, with N `serve --role web`
processes and one router, one scheduler and one rq worker. By default all three of `one`,
`multi --web 1` and `multi --web 2` run, one after the other, and print side by side.

Printed per mode: contacts/s achieved, p50/p99 acknowledgement (the inbound answer; the chat
`ack`), p50/p99 contact-to-offer (from the inbound answer to the offer reaching the agent's desk
socket), errors, and CPU per contact of each server process (from /proc; the chat messages, accepts
and closes of the mixed load included); beside them, measured in the same run, the database's
single-row durable commit rate, and the ratios between modes (1 -> 2 web processes).
`--find-max` then raises the rate step by step (x1.4) until p99 acknowledgement exceeds 100 ms,
errors appear or the achieved rate falls short, and prints the highest sustained rate of each mode.
Asserts nothing (docs/performance.md, "Mixed load").

    .venv/bin/python bench/load.py [--mode one|multi] [--web N] [--rate 20] [--chat-rate R]
        [--seconds 10] [--agents 40] [--capacity 15] [--handle-s 3] [--visitors 40] [--find-max]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from inbound import pct
from load_client import Load, Phase
from load_deploy import Deployment, deployed

ACK_LIMIT_MS = 100.0
#: The saturation pass: each step offers this much more than the last, at most this many steps.
STEP_FACTOR = 1.4
MAX_STEPS = 10
MIN_RATE = 1.0


@dataclass
class Result:
    label: str
    phase: Phase
    commits: float
    steps: list[Phase]
    load_avg: tuple[float, float]

    @property
    def sustained(self) -> float:
        """The highest offered rate of the saturation pass that met every condition (0: none)."""
        return max((p.rate for p in self.steps if passes(p)), default=0.0)


def passes(p: Phase) -> bool:
    worst = max(pct(p.acks, 0.99), pct(p.chat_acks, 0.99) if p.chat_acks else 0.0)
    return p.error_count == 0 and worst <= ACK_LIMIT_MS and p.contacts_per_s >= 0.95 * p.rate


def client_cpu() -> float:
    times = os.times()
    return times.user + times.system


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


async def drive(deployment: Deployment, args: argparse.Namespace) -> tuple[Phase, list[Phase]]:
    def cpu() -> dict[str, float]:
        return deployment.cpu() | {"client": client_cpu()}

    chat_rate = args.rate if args.chat_rate is None else args.chat_rate
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        load = Load(http, deployment.bases, args.handle_s)
        try:
            await load.prepare(args.agents, args.capacity, args.visitors)
            warm = await load.run(args.rate, chat_rate, 2.0, cpu)  # and the router leads by now
            if warm.error_count:
                print(f"  warm-up errors: {warm.errors}", file=sys.stderr)
            await load.settle(args.handle_s + 15)
            before = await deployment.transactions()
            main = await load.run(args.rate, chat_rate, args.seconds, cpu)
            main.transactions = await deployment.transactions() - before
            await load.settle(args.handle_s + 15)
            steps = await saturate(load, args.rate, chat_rate / args.rate, args, cpu, deployment.label)
            deployment.check_alive()
            return main, steps
        finally:
            await load.close()


async def saturate(
    load: Load,
    rate: float,
    ratio: float,
    args: argparse.Namespace,
    cpu: Callable[[], dict[str, float]],
    label: str,
) -> list[Phase]:
    """The saturation pass: up by STEP_FACTOR while a step holds; if the first does not, down by
    halves (a busy machine may not hold the starting rate) until one holds. Bounded in steps."""
    steps: list[Phase] = []
    direction = 0
    while args.find_max and len(steps) < MAX_STEPS and rate >= MIN_RATE:
        step = await load.run(rate, rate * ratio, args.seconds, cpu)
        steps.append(step)
        print(f"  {label}: {describe(step)}", file=sys.stderr, flush=True)
        await load.settle(args.handle_s + 15)
        held = passes(step)
        direction = direction or (1 if held else -1)
        if (direction > 0) != held:
            break
        rate = rate * STEP_FACTOR if direction > 0 else rate / 2
    return steps


def describe(p: Phase) -> str:
    return (
        f"offered {p.rate:.1f}/s -> {p.contacts_per_s:.1f}/s, ack p99 {pct(p.acks, 0.99):.0f} ms,"
        f" chat ack p99 {pct(p.chat_acks, 0.99):.0f} ms, errors {p.error_count}"
        f"{' ' + str(p.errors) if p.errors else ''}: {'ok' if passes(p) else 'over'}"
    )


def run_mode(mode: str, web: int, args: argparse.Namespace) -> Result:
    start_load = load_average()
    with deployed(mode, web) as deployment:
        print(f"{deployment.label}: running", file=sys.stderr, flush=True)
        phase, steps = asyncio.run(drive(deployment, args))
        logged = deployment.log_summary()  # before stopping: a stop's own warnings are not the run's
        deployment.stop()
        for line in logged[:8]:
            print(f"  {deployment.label} logged {line}", file=sys.stderr)
        commits = deployment.commit_rate(args.commit_seconds)
        return Result(deployment.label, phase, commits, steps, (start_load, load_average()))


def cpu_line(p: Phase, role: str) -> float:
    return p.cpu.get(role, 0.0) * 1000 / max(p.contacts, 1)


def per_contact(p: Phase) -> str:
    return f"{p.transactions / max(p.contacts, 1):.1f}" if p.transactions > 0 else "-"


def allowed(r: Result) -> str:
    """The ceiling in contacts: single-row commits a second over the transactions a contact took
    (an upper bound: our transactions hold more rows than the ceiling's one)."""
    if r.phase.transactions <= 0:
        return "-"
    return f"{r.commits * r.phase.contacts / r.phase.transactions:,.0f}"


def busiest(p: Phase) -> tuple[str, float]:
    """The server process with the most CPU per contact (a web process: its share of the webs'),
    which bounds the rate if each process had a core of its own."""
    webs = max(1, p.web_processes)
    shares = {role: cpu_line(p, role) / (webs if role == "web" else 1) for role in p.cpu if role != "client"}
    return max(shares.items(), key=lambda kv: kv[1], default=("-", 0.0))


def report(results: list[Result], args: argparse.Namespace) -> None:
    chat_rate = args.rate if args.chat_rate is None else args.chat_rate
    print(
        f"\nmixed load: {args.rate:.0f} contacts/s + {chat_rate:.0f} chat messages/s offered for"
        f" {args.seconds:.0f} s; {args.agents} agents x {args.capacity} chats, {args.handle_s:g} s handling;"
        f" {args.visitors} chat visitors"
    )
    print(
        f"machine: {os.cpu_count()} cores shared by the client, every server process, the database"
        " and Redis (and whatever else runs here): read the ratios"
    )
    width = 16
    print(f"{'':38}" + "".join(f"{r.label:>{width}}" for r in results))
    roles = [*sorted({role for r in results for role in r.phase.cpu} - {"client"}), "client"]
    rows: list[tuple[str, list[str]]] = [
        ("contacts/s achieved", [f"{r.phase.contacts_per_s:.1f}" for r in results]),
        ("chat messages/s acknowledged", [f"{r.phase.chat_per_s:.1f}" for r in results]),
        (
            "inbound ack p50 / p99 ms",
            [f"{pct(r.phase.acks, 0.5):.0f} / {pct(r.phase.acks, 0.99):.0f}" for r in results],
        ),
        (
            "chat ack p50 / p99 ms",
            [f"{pct(r.phase.chat_acks, 0.5):.0f} / {pct(r.phase.chat_acks, 0.99):.0f}" for r in results],
        ),
        (
            "contact-to-offer p50 / p99 ms",
            [f"{pct(r.phase.to_offer, 0.5):.0f} / {pct(r.phase.to_offer, 0.99):.0f}" for r in results],
        ),
        ("errors", [str(r.phase.error_count) for r in results]),
        *[
            (f"CPU ms per contact: {role}", [f"{cpu_line(r.phase, role):.2f}" for r in results])
            for role in roles
        ],
        (
            "busiest process, CPU ms per contact",
            [f"{busiest(r.phase)[1]:.1f} ({busiest(r.phase)[0]})" for r in results],
        ),
        (
            "  contacts/s it takes with a core",
            [f"{1000 / max(busiest(r.phase)[1], 0.001):.0f}" for r in results],
        ),
        ("durable commits/s (ceiling)", [f"{r.commits:,.0f}" for r in results]),
        ("contacts/s / commits/s", [f"{r.phase.contacts_per_s / r.commits:.4f}" for r in results]),
        ("transactions per contact (PostgreSQL)", [per_contact(r.phase) for r in results]),
        ("  contacts/s the commit rate allows", [allowed(r) for r in results]),
        ("load average before / after", [f"{a:.1f} / {b:.1f}" for a, b in (r.load_avg for r in results)]),
    ]
    if args.find_max:
        rows.append(("highest sustained contacts/s", [f"{r.sustained:.1f}" for r in results]))
    for label, cells in rows:
        print(f"  {label:36}" + "".join(f"{c:>{width}}" for c in cells))
    for r in results:
        if r.phase.errors:
            print(f"  {r.label} errors: {r.phase.errors}")
    ratios(results, args.find_max)


def ratios(results: list[Result], find_max: bool) -> None:
    by_label = {r.label: r for r in results}
    for a, b in (("multi web=1", "multi web=2"), ("one (SQLite)", "multi web=1")):
        if a not in by_label or b not in by_label:
            continue
        x, y = by_label[a], by_label[b]
        line = (
            f"  {a} -> {b}: contacts/s x{y.phase.contacts_per_s / x.phase.contacts_per_s:.2f},"
            f" ack p99 x{pct(y.phase.acks, 0.99) / pct(x.phase.acks, 0.99):.2f},"
            f" contact-to-offer p99 x{pct(y.phase.to_offer, 0.99) / pct(x.phase.to_offer, 0.99):.2f}"
        )
        if find_max and x.sustained:
            line += f", highest sustained rate x{y.sustained / x.sustained:.2f}"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mode", choices=["one", "multi"], help="one mode only (default: all three)")
    parser.add_argument("--web", type=int, default=1, help="web processes with --mode multi")
    parser.add_argument("--rate", type=float, default=20.0, help="inbound contacts offered a second")
    parser.add_argument(
        "--chat-rate", type=float, default=None, help="chat messages a second (default: --rate)"
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each measured phase")
    parser.add_argument("--agents", type=int, default=40)
    parser.add_argument("--capacity", type=int, default=15, help="chats each agent may hold")
    parser.add_argument("--handle-s", type=float, default=3.0, help="from accept to wrap-up")
    parser.add_argument("--visitors", type=int, default=40, help="web chat visitors (0: no chat)")
    parser.add_argument(
        "--find-max", action="store_true", help="then raise the rate until it no longer holds"
    )
    parser.add_argument("--commit-seconds", type=float, default=3.0, help="length of the commit-rate ceiling")
    args = parser.parse_args()
    if args.rate <= 0 or args.seconds <= 0 or args.web < 1 or args.agents < 1:
        parser.error("--rate, --seconds, --web and --agents must be positive")
    modes = [(args.mode, args.web)] if args.mode else [("one", 1), ("multi", 1), ("multi", 2)]
    started = time.monotonic()
    results = [run_mode(mode, web, args) for mode, web in modes]
    report(results, args)
    print(f"  (took {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
