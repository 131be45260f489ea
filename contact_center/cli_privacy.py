"""`contact-center customers export|erase` and `contact-center privacy purge-messages`: a
customer's personal data from the shell (docs/privacy.md).

The composition root stays in `cli.py`, which hands these commands the factory that builds the
container; nothing here imports it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from contact_center.i18n import _
from contact_center.settings import Settings

#: Builds the application's container for a command (`cli._container`).
Containers = Callable[[Settings], Any]
Command = Callable[[Settings, argparse.Namespace, Containers], int]


def add_privacy_commands(sub: Any, containers: Containers) -> None:
    """Add `customers` and `privacy` to the CLI's subcommands (`sub`, argparse's subparsers)."""
    customers = sub.add_parser(
        "customers",
        help="A customer's personal data: export it, erase it (docs/privacy.md).",
        description="A customer's personal data: export it, erase it.",
        epilog="Example: contact-center customers export 97 --out customer-97.json",
    )
    customers_sub = customers.add_subparsers(dest="customers_command", required=True, metavar="ACTION")
    p = customers_sub.add_parser(
        "export",
        help="Write everything held about a customer as JSON (logged and audited).",
        description="Write everything held about a customer as JSON (logged and audited).",
        epilog="Example: contact-center customers export 97 --out customer-97.json",
    )
    p.set_defaults(fn=partial(_run, _export, containers))
    p.add_argument("customer_id", type=int)
    p.add_argument("--out", default="-", help="file to write (default: standard output)")
    p = customers_sub.add_parser(
        "erase",
        help="Erase a customer's personal data, keeping anonymous statistics.",
        description="Erase a customer's personal data (and of the customers merged into it), keeping "
        "anonymous statistics. Cannot be undone; running it again is harmless.",
        epilog="Example: contact-center customers erase 97 --yes",
    )
    p.set_defaults(fn=partial(_run, _erase, containers))
    p.add_argument("customer_id", type=int)
    p.add_argument("--yes", action="store_true", help="confirm: the erasure cannot be undone")

    privacy = sub.add_parser(
        "privacy",
        help="Retention of personal data.",
        description="Retention of personal data.",
        epilog="Example: contact-center privacy purge-messages --days 365",
    )
    privacy_sub = privacy.add_subparsers(dest="privacy_command", required=True, metavar="ACTION")
    p = privacy_sub.add_parser(
        "purge-messages",
        help="Empty the bodies of messages older than the retention (the rows and their times stay).",
        description="Empty the bodies of messages older than privacy.message_retention_days, or --days.",
        epilog="Example: contact-center privacy purge-messages --days 365",
    )
    p.set_defaults(fn=partial(_run, _purge, containers))
    p.add_argument("--days", type=int, default=None, help="override privacy.message_retention_days")


def _run(command: Command, containers: Containers, settings: Settings, args: argparse.Namespace) -> int:
    return command(settings, args, containers)


def _export(settings: Settings, args: argparse.Namespace, containers: Containers) -> int:
    import json

    from contact_center.domain.commands import RecordCustomerAccess
    from contact_center.domain.privacy import AccessKind
    from contact_center.privacy.export import export_customer
    from contact_center.privacy.records import customer_group

    async def run() -> dict[str, Any]:
        container = containers(settings)
        try:
            async with container.read_uow() as uow:
                customer_id = (await customer_group(uow, args.customer_id))[0]
            access = RecordCustomerAccess(customer_id=customer_id, kind=AccessKind.EXPORT.value, actor="cli")
            await container.bus.handle(access)  # logged and audited before any of it is written out
            async with container.read_uow() as uow:
                return await export_customer(uow, customer_id)
        finally:
            await container.close()

    document = asyncio.run(run())
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if args.out == "-":
        print(text)
    else:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        said = {"id": document["customer"]["id"], "path": args.out}
        print(_("exported customer %(id)s to %(path)s") % said, file=sys.stderr)
    return 0


def _erase(settings: Settings, args: argparse.Namespace, containers: Containers) -> int:
    from contact_center.domain.commands import EraseCustomer

    if not args.yes:
        print(_("erasure cannot be undone: repeat with --yes to erase"), file=sys.stderr)
        return 2

    async def run() -> int:
        container = containers(settings)
        try:
            result = await container.bus.handle(EraseCustomer(customer_id=args.customer_id, actor="cli"))
            await container.dispatcher.drain()  # customer.erased leaves before the process ends
        finally:
            await container.close()
        ids = ", ".join(str(i) for i in result["customer_ids"])
        if result["already_erased"]:
            print(_("erased customer %(ids)s (already erased; anything new was blanked)") % {"ids": ids})
        else:
            print(_("erased customer %(ids)s") % {"ids": ids})
        return 0

    return asyncio.run(run())


def _purge(settings: Settings, args: argparse.Namespace, containers: Containers) -> int:
    from contact_center.privacy.retention import purge_message_bodies, purge_whisper_bodies

    days = args.days if args.days is not None else settings.privacy.message_retention_days
    if days is not None and days < 1:
        print(_("--days must be 1 or more"), file=sys.stderr)
        return 2
    if days is None:
        print(_("no retention set: pass --days or set privacy.message_retention_days"), file=sys.stderr)
        return 2

    async def run() -> int:
        container = containers(settings)
        try:
            purged = await purge_message_bodies(container.uow, container.clock(), days)
            whispers = await purge_whisper_bodies(container.uow, container.clock(), days)
        finally:
            await container.close()
        said = {"messages": purged, "whispers": whispers, "days": days}
        purged_text = _(
            "purged the bodies of %(messages)s messages and %(whispers)s whispers older than %(days)s days"
        )
        print(purged_text % said)
        return 0

    return asyncio.run(run())
