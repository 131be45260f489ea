"""Agents are the users of the system: agents, supervisors, planners and admins."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from contact_center.domain.columns import enum_field, json_field, utc_field
from contact_center.domain.enums import DEFAULT_CAPACITY, Presence, Role

#: An agent in one of these is at their desk to answer the conversations they hold; away or
#: offline, a customer writing to them would wait for nobody (the inbound path then requeues).
AT_DESK: frozenset[Presence] = frozenset({Presence.AVAILABLE, Presence.BUSY, Presence.WRAP_UP})

#: NIST SP 800-63B's floor for a password a person chooses; no composition rules.
MIN_PASSWORD_CHARS = 8


def _default_capacity() -> dict[str, int]:
    return dict(DEFAULT_CAPACITY)


class Agent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(default="", max_length=200)
    role: Role = enum_field(Role, default=Role.AGENT)
    #: The team a supervisor oversees or an agent works in; None: no team (a supervisor sees all).
    team: str | None = Field(default=None, max_length=100, index=True)
    password_hash: str = Field(default="", max_length=255)
    skills: dict[str, int] = json_field(dict)
    capacity: dict[str, int] = json_field(_default_capacity)
    presence: Presence = enum_field(Presence, default=Presence.OFFLINE)
    presence_reason: str = Field(default="", max_length=100)
    presence_changed_at: datetime = utc_field()
    is_active: bool = True
    missed_offers: int = 0
    #: Driven by the demo's traffic simulator, never by a person: the simulator answers offers
    #: for these agents only, so a person signing in as any other agent gets their own offers.
    simulated: bool = False
    #: The language the pages and messages speak to this user in: `en` or `zh-CN`; None: their
    #: browser's (`Accept-Language`).
    language: str | None = Field(default=None, max_length=10)
    #: The IANA time zone their dates and times are shown in; None: their browser's (UTC on the server).
    timezone: str | None = Field(default=None, max_length=64)
    created_at: datetime = utc_field()


class ApiToken(SQLModel, table=True):
    """A bearer token; only its SHA-256 is stored, so a database leak does not leak sessions."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="agent.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    label: str = Field(default="", max_length=100)
    created_at: datetime = utc_field()
    expires_at: datetime | None = utc_field(nullable=True)
    #: The last request made with it, as the token cache last wrote it (at most once a minute);
    #: None until then. The idle timeout counts from it.
    last_seen_at: datetime | None = utc_field(nullable=True)
    revoked: bool = False
