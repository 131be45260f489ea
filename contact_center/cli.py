"""`contact-center`: serve, migrate, seed the demo, simulate traffic, manage users, check the setup.

A composition root like bootstrap.py: the one other place allowed to import agent_ui and channels.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

from contact_center import i18n
from contact_center.cli_privacy import add_privacy_commands
from contact_center.cli_users import add_users_commands
from contact_center.domain.errors import ConfigError, ContactCenterError
from contact_center.i18n import _, ngettext
from contact_center.i18n.formatting import pad
from contact_center.logs import configure_logging
from contact_center.settings import Settings, load_settings

log = logging.getLogger(__name__)


def _progress(label: str) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{end}")
        sys.stderr.flush()

    return show


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from contact_center.storage.migrate import upgrade

    upgrade(settings.database.url, args.revision)
    where = {"url": _safe_url(settings.database.url), "revision": args.revision}
    print(_("database at %(url)s is at revision %(revision)s") % where)
    return 0


def cmd_seed_demo(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from contact_center.bootstrap import build_container
    from contact_center.demo import (
        DEMO_PASSWORD,
        SIMULATED,
        STAFF,
        MovableClock,
        is_seeded,
        mark_simulated,
        seed_demo,
    )
    from contact_center.demo_schedule import DEMO_SCHEDULE_QUEUE, publish_demo_schedule

    async def run() -> int:
        clock = MovableClock(datetime.now(UTC))
        container = build_container(settings, clock=clock)
        try:
            if await is_seeded(container.uow()):
                if args.if_empty:
                    marked = await mark_simulated(container.bus, container.uow)
                    print(
                        _("demo data already present; nothing to do")
                        if not marked
                        else ngettext(
                            "demo data already present; marked %(count)s agent as simulated",
                            "demo data already present; marked %(count)s agents as simulated",
                            marked,
                        )
                        % {"count": marked}
                    )
                    return 0
                print(_("the database already has the demo users; use a fresh database"), file=sys.stderr)
                return 1
            counts = await seed_demo(
                container.bus,
                container.uow,
                clock,
                customers=args.customers,
                progress=_progress("seeding customers"),
                history_weeks=args.history_weeks,
            )
            if args.history_weeks > 0:
                print(
                    _("planning and publishing this week's schedule for the %(queue)s queue")
                    % {"queue": DEMO_SCHEDULE_QUEUE}
                )
                await publish_demo_schedule(container.bus, container.uow)
                counts["schedules"] = 1
        finally:
            await container.close()
        names = {
            "queues": _("queues"),
            "agents": _("agents"),
            "customers": _("customers"),
            "interactions": _("interactions"),
            "history_interactions": _("past contacts to forecast from"),
            "schedules": _("published schedule"),
        }
        print(
            _("seeded %(counts)s")
            % {"counts": ", ".join(f"{v} {names.get(k, k)}" for k, v in counts.items())}
        )
        users = ", ".join(staff[0] for staff in STAFF)
        print(
            _("sign in as any of: %(users)s (password: %(password)s)")
            % {"users": users, "password": DEMO_PASSWORD}
        )
        simulated = ", ".join(sorted(SIMULATED))
        print(
            _("the simulator works as %(agents)s; other agents get their own offers") % {"agents": simulated}
        )
        return 0

    return asyncio.run(run())


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from contact_center.server import run_worker, serve

    if args.role == "worker" and settings.is_distributed:
        return run_worker(settings)  # rq installs signal handlers: it must own the main thread
    return asyncio.run(serve(settings, role=args.role, simulate=args.simulate))


def cmd_simulate(settings: Settings, args: argparse.Namespace) -> int:
    from contact_center.bootstrap import build_container
    from contact_center.demo import demo_customers
    from contact_center.simulator import Simulator

    async def run() -> int:
        container = build_container(settings)
        await container.start()
        sim = Simulator(container.bus, container.uow, mean_interval_s=args.interval, seed=args.seed)
        try:
            await sim._agents_online()
            people = demo_customers(200, sim.rng)
            show = _progress("simulating contacts")
            for i in range(args.count):
                await sim.arrival(sim.rng.choice(people))
                await sim.answer_offers()
                show(i + 1, args.count)
                await asyncio.sleep(args.interval)
        finally:
            await container.close()
        return 0

    return asyncio.run(run())


#: Columns of `queues list`: id, name, channels, SL target, waiting (then longest wait).
WIDTHS = (4, 16, 26, 10, 7)


def cmd_queues_list(settings: Settings, args: argparse.Namespace) -> int:
    from contact_center.bootstrap import build_container
    from contact_center.queries.dashboard import queue_figures

    async def run() -> int:
        container = build_container(settings)
        try:
            async with container.uow() as uow:
                figures = await queue_figures(uow, uow.now())
                queues = {q.id: q for q in await uow.queues.list()}
        finally:
            await container.close()
        heads = (_("id"), _("name"), _("channels"), _("SL target"), _("waiting"), _("longest"))
        print(" ".join(pad(h, w) for h, w in zip(heads, (*WIDTHS, 0), strict=True)).rstrip())
        for f in figures:
            q = queues[f.queue_id]
            target = f"{q.sl_target:.0%}/{q.sl_threshold_s}s"
            cells = (str(f.queue_id), f.name, ",".join(f.channels), target, str(f.waiting))
            row = " ".join(pad(c, w) for c, w in zip(cells, WIDTHS, strict=False))
            print(f"{row} {f.longest_wait_s:.0f}s")
        return 0

    return asyncio.run(run())


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    from contact_center.bootstrap import build_container
    from contact_center.readiness import Readiness

    async def run() -> int:
        container = build_container(settings)
        try:
            failures = await Readiness(container.database.reader, container.redis).failures()
        finally:
            await container.close()
        where = {"database": _safe_url(settings.database.url), "redis": str(settings.redis.url)}
        for name, exc in failures.items():
            if exc is None:
                print(f"{name:<10} ok    {where[name]}")
            else:  # the check reports every failure as a line, not a trace
                print(f"{name:<10} FAIL  {where[name]}: {type(exc).__name__}: {exc}")
        distributed = _("distributed (web, router, scheduler, worker processes)")
        mode = distributed if settings.is_distributed else _("single process")
        print("config     ok    " + _("mode: %(mode)s") % {"mode": mode})
        return 0 if all(exc is None for exc in failures.values()) else 1

    return asyncio.run(run())


def _container(settings: Settings) -> Any:
    """The composition root, for commands that live in modules of their own (`cli_privacy.py`)."""
    from contact_center.bootstrap import build_container

    return build_container(settings)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="contact-center",
        description="An omnichannel contact center: one queue for voice, SMS, email and chat.",
        epilog="Example: contact-center migrate && contact-center seed-demo && contact-center serve",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, help_: str, example: str, fn: Callable[[Settings, argparse.Namespace], int]
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name,
            help=help_,
            description=help_,
            epilog=f"Example: {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.set_defaults(fn=fn)
        return p

    p = add(
        "serve",
        "Serve the contact center (web, router and jobs in one process by default).",
        "contact-center serve --simulate   |   contact-center serve --role web",
        cmd_serve,
    )
    p.add_argument(
        "--role",
        choices=["all", "web", "router", "scheduler", "worker"],
        default="all",
        help="which part to run; web/router/scheduler/worker need DATABASE_URL (PostgreSQL) and REDIS_URL",
    )
    p.add_argument("--simulate", action="store_true", help="also run the traffic simulator (demo)")

    p = add("migrate", "Create or upgrade the database schema.", "contact-center migrate", cmd_migrate)
    p.add_argument("--revision", default="head", help="target revision (default: head)")

    p = add(
        "seed-demo",
        "Seed demo queues, agents and 200 customers with a history on every channel.",
        "contact-center seed-demo --if-empty",
        cmd_seed_demo,
    )
    p.add_argument("--if-empty", action="store_true", help="do nothing when the demo is already there")
    p.add_argument("--customers", type=int, default=200, help="how many customers (default 200)")
    p.add_argument(
        "--history-weeks",
        type=int,
        default=8,
        help="weeks of planning history per queue, written in bulk (default 8; 0 for none)",
    )

    p = add(
        "simulate",
        "Send simulated contacts through the service layer; simulated agents answer the router's offers.",
        "contact-center simulate --count 50 --interval 0.5",
        cmd_simulate,
    )
    p.add_argument("--count", type=int, default=20, help="how many contacts (default 20)")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between contacts (default 1)")
    p.add_argument("--seed", type=int, default=None, help="random seed, for a repeatable run")

    add_users_commands(sub, _container)

    queues = sub.add_parser(
        "queues",
        help="Inspect queues.",
        description="Inspect queues.",
        epilog="Example: contact-center queues list",
    )
    queues_sub = queues.add_subparsers(dest="queues_command", required=True, metavar="ACTION")
    p = queues_sub.add_parser(
        "list",
        help="List queues with waiting count and longest wait.",
        description="List queues with waiting count and longest wait.",
        epilog="Example: contact-center queues list",
    )
    p.set_defaults(fn=cmd_queues_list)

    add_privacy_commands(sub, _container)
    add(
        "check",
        "Validate the configuration and connect to the database (and Redis when configured).",
        "DATABASE_URL=postgresql://127.0.0.1/cc REDIS_URL=redis://127.0.0.1:6379/0 contact-center check",
        cmd_check,
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    with i18n.speaking(i18n.from_environment()):  # CC_LANGUAGE, else LANG and friends
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"contact-center: {_(exc.message)}", file=sys.stderr)
        return 2
    configure_logging(settings.log_format, settings.log_level, settings.environment)
    try:
        return int(args.fn(settings, args))
    except ContactCenterError as exc:
        print(f"contact-center: {_(exc.message)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
