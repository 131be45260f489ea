"""What the chat's endpoints use: the websocket (`visitor_socket.py`) and the HTTP side
(`endpoints.py`) alike, handed over by `setup_webchat`.

In a module of its own so that both read it without either importing the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from channels.webchat import sites
from channels.webchat.hub import VisitorHub
from channels.webchat.limits import ConnectionCounts
from channels.webchat.site_directory import SiteDirectory
from channels.webchat.tokens import VisitorTokens
from channels.webchat.uploads import UploadStore
from contact_center.bus import MessageBus
from contact_center.settings import WebchatSettings
from contact_center.signals import Signals
from contact_center.storage.uow import Clock, UnitOfWork


@dataclass
class ChatDeps:
    """What the endpoint uses, handed over by `setup_webchat`; `tokens` is set at start-up."""

    settings: WebchatSettings
    bus: MessageBus
    read_uow: Callable[[], UnitOfWork]
    reader: AsyncEngine
    clock: Clock
    hub: VisitorHub
    counts: ConnectionCounts
    signals: Signals
    uploads: UploadStore
    own_origins: Callable[[web.Request], set[str]]
    availability: sites.AvailabilityCache
    sites: SiteDirectory
    default_region: str = "US"
    tokens: VisitorTokens | None = None
