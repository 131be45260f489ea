"""The sites that embed the chat widget, as stored records an admin edits on the admin pages.

The settings file's `[webchat.sites.<key>]` sections seed them: at start a site the file names is
stored, or brought in line with the file while no admin has changed it (`from_settings`); once an
admin saves it, the stored site is the one that counts. Commands to create and change one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from contact_center.domain.columns import json_field, utc_field
from contact_center.domain.commands import Command

DEFAULT_COLOUR = "#0b57d0"


class WebchatSiteRecord(SQLModel, table=True):
    __tablename__ = "webchat_site"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=50, unique=True)
    allowed_origins: list[str] = json_field(list)
    languages: list[str] = json_field(list)
    prechat: list[str] = json_field(list)
    #: Topic shown to the visitor -> the name of the queue its chats wait in.
    topics: dict[str, str] = json_field(dict)
    colour: str = Field(default=DEFAULT_COLOUR, max_length=7)
    #: Still as the settings file seeded it: the next start may bring it in line with the file.
    from_settings: bool = False
    updated_at: datetime = utc_field()


@dataclass(frozen=True, slots=True)
class CreateWebchatSite(Command):
    key: str
    settings: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class UpdateWebchatSite(Command):
    site_id: int
    changes: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class SeedWebchatSites(Command):
    """The settings file's sites, as `WebchatSite` documents by key."""

    sites: tuple[tuple[str, dict[str, Any]], ...]
