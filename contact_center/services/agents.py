"""Agent handlers: accounts, skills and capacity, presence, and sign-in tokens.

Argon2 is slow on purpose (tens of milliseconds of CPU per hash), so hashing and verifying run in
a worker thread: on the event loop, a few concurrent sign-ins would stall every other request. No
transaction is open meanwhile (SQLite's BEGIN IMMEDIATE would hold the write lock for it).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import secrets
import unicodedata
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from contact_center.domain.agents import Agent, ApiToken
from contact_center.domain.commands import CreateAgent, IssueToken, SetPresence, UpdateAgent
from contact_center.domain.enums import Channel, Presence, Role
from contact_center.domain.errors import ConflictError, InvalidInputError, UnauthenticatedError
from contact_center.domain.events import AgentCreated, AgentUpdated, PresenceChanged, TokensRevoked
from contact_center.i18n import LANGUAGES
from contact_center.i18n.formatting import is_zone
from contact_center.services.password_policy import check_new_password
from contact_center.storage.uow import UnitOfWork

_hasher = PasswordHasher()
TOKEN_LIFETIME = timedelta(days=30)
UPDATABLE = frozenset(
    {
        "display_name",
        "role",
        "skills",
        "capacity",
        "is_active",
        "password",
        "team",
        "simulated",
        "language",
        "timezone",
    }
)


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def account_name(raw: str) -> str:
    """The one spelling of a username, at sign-up and at sign-in: NFKC folds full-width and other
    compatibility forms (`ａｄｍｉｎ` is `admin`), casefold folds case (`Admin` is `admin`), so no
    account can be made that looks like another one."""
    return unicodedata.normalize("NFKC", raw).strip().casefold()


async def hash_password(password: str, *, username: str) -> str:
    """Every new password passes here (API, pages, CLI), so the policy is kept in one place: it is
    checked (`password_policy`) before any CPU is spent on the hash."""
    check_new_password(password, username)
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(stored: str | None, password: str) -> bool:
    """True when `password` matches `stored`; None (no usable account) verifies against a dummy
    hash, so the time taken does not reveal which usernames exist."""

    def verify() -> bool:
        try:
            return _hasher.verify(stored or _dummy_hash(), password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)


def temporary_password() -> str:
    """A password an admin hands over after a reset: 16 random characters (about 92 bits), readable
    aloud (no look-alike characters), never among the common ones."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_skills(skills: dict[str, int]) -> dict[str, int]:
    for name, level in skills.items():
        if not name or not isinstance(level, int) or not 1 <= level <= 10:
            raise InvalidInputError(f"skill {name!r} needs a level from 1 to 10", field="skills")
    return dict(skills)


def team_name(raw: str | None) -> str | None:
    """One spelling of a team, for agents and queues alike: blank is no team."""
    if raw is None:
        return None
    name = raw.strip()
    if len(name) > 100:
        raise InvalidInputError("a team name has at most 100 characters", field="team")
    return name or None


def check_language(raw: object) -> str | None:
    """One of LANGUAGES, or None: the user's browser decides."""
    if raw is None:
        return None
    if raw not in LANGUAGES:
        raise InvalidInputError("language must be en or zh-CN (or null: the browser's)", field="language")
    return str(raw)


def check_timezone(raw: object) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw or len(raw) > 64 or not is_zone(raw):
        raise InvalidInputError(
            "timezone must be an IANA time zone name, e.g. Asia/Shanghai", field="timezone"
        )
    return raw


def check_capacity(capacity: dict[str, int]) -> dict[str, int]:
    for channel, slots in capacity.items():
        if channel not in {c.value for c in Channel} or not isinstance(slots, int) or not 0 <= slots <= 50:
            raise InvalidInputError(
                f"capacity for {channel!r} must be a channel with 0 to 50 slots", field="capacity"
            )
    return dict(capacity)


async def create_agent(cmd: CreateAgent, uow: UnitOfWork) -> int:
    username = account_name(cmd.username)
    if not username or len(username) > 64 or not username.replace("_", "").replace(".", "").isalnum():
        raise InvalidInputError(
            "a username has 1 to 64 letters, digits, dots or underscores", field="username"
        )
    skills = check_skills(dict(cmd.skills))
    language, timezone = check_language(cmd.language), check_timezone(cmd.timezone)
    password_hash = await hash_password(cmd.password, username=username) if cmd.password else ""
    async with uow:
        if await uow.agents.by_username(username) is not None:
            raise ConflictError(f"username {username!r} is taken", field="username")
        now = uow.now()
        agent = Agent(
            username=username,
            display_name=cmd.display_name or cmd.username,
            role=cmd.role,
            team=team_name(cmd.team),
            password_hash=password_hash,
            skills=skills,
            presence=Presence.OFFLINE,
            presence_changed_at=now,
            simulated=cmd.simulated,
            language=language,
            timezone=timezone,
            created_at=now,
        )
        if cmd.capacity:
            agent.capacity = {**agent.capacity, **check_capacity(dict(cmd.capacity))}
        await uow.agents.added(agent)
        uow.audit(
            cmd.actor, "agent", agent.id or 0, "create", {"username": agent.username, "role": agent.role}
        )
        uow.emit(
            AgentCreated(agent_id=agent.id or 0, username=agent.username, role=Role(agent.role).value, at=now)
        )
        await uow.commit()
        return agent.id or 0


async def update_agent(cmd: UpdateAgent, uow: UnitOfWork) -> Agent:
    changes = dict(cmd.changes)
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise InvalidInputError(f"unknown agent fields: {', '.join(sorted(unknown))}")
    if "password" in changes:
        async with uow:  # a short read: no transaction stays open while the password is hashed
            username = (await uow.agents.get(cmd.agent_id)).username
        changes["password"] = await hash_password(str(changes["password"]), username=username)
    async with uow:
        agent = await uow.agents.get(cmd.agent_id)
        audit: dict[str, object] = {}
        for key, value in changes.items():
            if key == "password":
                agent.password_hash = value
                audit[key] = "changed"
                continue
            if key == "skills":
                value = check_skills(value)
            elif key == "capacity":
                value = {**agent.capacity, **check_capacity(value)}
            elif key == "role":
                value = Role(value)
            elif key == "team":
                value = team_name(value)
            elif key == "simulated":
                value = bool(value)
            elif key == "language":
                value = check_language(value)
            elif key == "timezone":
                value = check_timezone(value)
            setattr(agent, key, value)
            audit[key] = value
        uow.session.add(agent)
        # Whoever held the old password keeps no session made with it; a deactivated agent keeps
        # none at all, so reactivating the account later brings no old token back to life.
        if "password" in changes or changes.get("is_active") is False:
            audit["tokens_revoked"] = await uow.agents.revoke_tokens(agent.id or 0, None)
            uow.emit(TokensRevoked(agent_id=agent.id or 0, all_tokens=True, at=uow.now()))
        uow.audit(cmd.actor, "agent", agent.id or 0, "update", audit)
        uow.emit(AgentUpdated(agent_id=agent.id or 0, fields=sorted(changes), at=uow.now()))
        await uow.commit()
        return agent


async def set_presence(cmd: SetPresence, uow: UnitOfWork) -> Agent:
    async with uow:
        agent = await presence_step(uow, cmd)
        await uow.commit()
        return agent


async def presence_step(uow: UnitOfWork, cmd: SetPresence) -> Agent:
    """A presence change inside the caller's transaction (the router's pass uses it too)."""
    agent = await uow.agents.get(cmd.agent_id)
    previous = Presence(agent.presence)
    now = uow.now()
    agent.presence = cmd.presence
    agent.presence_reason = cmd.reason[:100]
    agent.presence_changed_at = now
    uow.session.add(agent)
    uow.audit(
        cmd.actor,
        "agent",
        agent.id or 0,
        "presence",
        {"from": previous.value, "to": cmd.presence.value, "reason": cmd.reason},
    )
    uow.emit(
        PresenceChanged(
            agent_id=agent.id or 0,
            presence=cmd.presence.value,
            previous=previous.value,
            reason=cmd.reason,
            at=now,
        )
    )
    return agent


async def issue_token(cmd: IssueToken, uow: UnitOfWork, *, lifetime: timedelta = TOKEN_LIFETIME) -> str:
    """A fresh bearer token for a valid username and password; the same error for any mismatch.

    Every attempt goes into the audit log with the account tried and the caller's address: a
    success with the token's label, a failure with why (never the password tried)."""
    account = account_name(cmd.username)
    async with uow:
        agent = await uow.agents.by_username(account)
        usable = agent is not None and agent.is_active and bool(agent.password_hash)
        stored = agent.password_hash if usable and agent is not None else None
    if agent is None or not await verify_password(stored, cmd.password):
        reason = "unknown_account" if agent is None else "wrong_password" if usable else "account_disabled"
        await _record_failed_sign_in(uow, cmd, account, agent, reason)
        raise UnauthenticatedError("wrong username or password")
    async with uow:
        # Read again: the account may have changed while the password was being checked.
        agent = await uow.agents.get(agent.id or 0)
        if agent.is_active and agent.password_hash == stored:
            token = secrets.token_urlsafe(32)
            now = uow.now()
            uow.session.add(
                ApiToken(
                    agent_id=agent.id or 0,
                    token_hash=token_hash(token),
                    label=cmd.label[:100],
                    created_at=now,
                    expires_at=now + lifetime,
                )
            )
            uow.audit(
                f"agent:{agent.username}",
                "agent",
                agent.id or 0,
                "sign_in",
                {"account": agent.username, "address": cmd.source, "label": cmd.label},
            )
            await uow.commit()
            return token
    await _record_failed_sign_in(uow, cmd, account, agent, "account_changed")
    raise UnauthenticatedError("wrong username or password")


async def _record_failed_sign_in(
    uow: UnitOfWork, cmd: IssueToken, account: str, agent: Agent | None, reason: str
) -> None:
    """One audit entry per failed attempt: the account tried (as folded, so every spelling of a
    name counts as one), the address, and why; the password tried is never stored. Attempts past
    the sign-in limits are refused before reaching here (`sign_in_limits`), and only logged."""
    async with uow:
        uow.audit(
            "anonymous",
            "agent",
            (agent.id or 0) if agent is not None else 0,
            "sign_in_failed",
            {"account": account[:200], "address": cmd.source, "reason": reason},
        )
        await uow.commit()


async def create_token_for(uow: UnitOfWork, agent_id: int, label: str) -> str:
    """A token without a password (CLI and seed use it, never the web)."""
    async with uow:
        await uow.agents.get(agent_id)
        token = secrets.token_urlsafe(32)
        uow.session.add(
            ApiToken(agent_id=agent_id, token_hash=token_hash(token), label=label, created_at=uow.now())
        )
        await uow.commit()
        return token
