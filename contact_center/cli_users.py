"""`contact-center users add|set`: accounts from the shell, with what a newcomer reads in their
own language (`CC_LANGUAGE`, else `LANG`: docs/i18n.md).

The composition root stays in `cli.py`, which hands these commands the factory that builds the
container; nothing here imports it.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from functools import partial
from typing import Any

from contact_center.domain.commands import CreateAgent, UpdateAgent
from contact_center.domain.enums import Role
from contact_center.domain.errors import InvalidInputError, NotFoundError
from contact_center.i18n import LANGUAGES, _
from contact_center.settings import Settings

#: Builds the application's container for a command (`cli._container`).
Containers = Callable[[Settings], Any]


def add_users_commands(sub: Any, containers: Containers) -> None:
    """Add `users` to the CLI's subcommands (`sub`, argparse's subparsers)."""
    users = sub.add_parser(
        "users",
        help="Manage users (agents, supervisors, planners, admins).",
        description="Manage users.",
        epilog="Example: contact-center users add alice --role agent",
    )
    users_sub = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    p = users_sub.add_parser(
        "add",
        help="Add a user.",
        description="Add a user with a role, password and skills.",
        epilog="Example: contact-center users add alice --role agent --password kettle-drum-49 "
        "--skill billing=7 --skill support=5",
    )
    p.set_defaults(fn=partial(_add, containers=containers))
    p.add_argument("username")
    p.add_argument("--role", choices=[r.value for r in Role], default="agent")
    p.add_argument("--name", default="", help="display name")
    p.add_argument(
        "--password",
        default=None,
        help="password for signing in: 8 characters or more, not a common one, not containing the "
        "username (omit for no sign-in)",
    )
    p.add_argument("--skill", action="append", default=[], help="NAME=LEVEL (1-10); repeat for more")
    p.add_argument(
        "--team", default=None, help="the team an agent works in or a supervisor oversees (default: none)"
    )
    p.add_argument(
        "--language",
        choices=LANGUAGES,
        default=None,
        help="the language of their pages (default: their browser's)",
    )
    p.add_argument(
        "--timezone", default=None, help="IANA time zone, e.g. Asia/Shanghai (default: their browser's)"
    )

    p = users_sub.add_parser(
        "set",
        help="Change a user's language or time zone.",
        description="Change a user's language or time zone (`none`: follow their browser).",
        epilog="Example: contact-center users set alice --language zh-CN --timezone Asia/Shanghai",
    )
    p.set_defaults(fn=partial(_set, containers=containers))
    p.add_argument("username")
    p.add_argument("--language", choices=[*LANGUAGES, "none"], default=None, help="en, zh-CN or none")
    p.add_argument("--timezone", default=None, help="IANA time zone, or none")


def parse_skill(raw: str) -> tuple[str, int]:
    name, _sep, level = raw.partition("=")
    try:
        return name, int(level or "5")
    except ValueError:
        raise argparse.ArgumentTypeError(f"skill {raw!r}: use NAME=LEVEL, e.g. billing=7") from None


def _add(settings: Settings, args: argparse.Namespace, *, containers: Containers) -> int:
    skills = tuple(parse_skill(s) for s in args.skill)

    async def run() -> int:
        container = containers(settings)
        try:
            agent_id = await container.bus.handle(
                CreateAgent(
                    username=args.username,
                    display_name=args.name or args.username,
                    role=Role(args.role),
                    password=args.password,
                    skills=skills,
                    team=args.team,
                    language=args.language,
                    timezone=args.timezone,
                    actor="cli",
                )
            )
            await container.dispatcher.drain()
        finally:
            await container.close()
        said = {"role": args.role, "username": args.username, "id": agent_id}
        print(_("created %(role)s %(username)s (id %(id)s)") % said)
        return 0

    return asyncio.run(run())


def _set(settings: Settings, args: argparse.Namespace, *, containers: Containers) -> int:
    changes: list[tuple[str, object]] = []
    for name in ("language", "timezone"):
        value = getattr(args, name)
        if value is not None:
            changes.append((name, None if value == "none" else value))
    if not changes:
        raise InvalidInputError("nothing to change: give --language or --timezone")

    async def run() -> int:
        container = containers(settings)
        try:
            async with container.uow() as uow:
                agent = await uow.agents.by_username(args.username)
            if agent is None:
                raise NotFoundError("no such user")
            await container.bus.handle(
                UpdateAgent(agent_id=agent.id or 0, changes=tuple(changes), actor="cli")
            )
            await container.dispatcher.drain()
        finally:
            await container.close()
        shown = ", ".join(f"{k}={v if v is not None else 'none'}" for k, v in changes)
        print(_("updated %(username)s: %(changes)s") % {"username": args.username, "changes": shown})
        return 0

    return asyncio.run(run())
