"""The chat sites as the widget's endpoints read them: the stored records, refreshed every few
seconds, so an admin's change reaches new visitors without a restart.

At start the settings file's sites seed the table (`services/webchat_sites.seed_webchat_sites`):
stored when missing, brought in line while no admin has changed them. Every hello and upload asks
for its site; the copy here answers them, and is read again once older than `ttl_s`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from contact_center.bus import MessageBus
from contact_center.domain.webchat_sites import SeedWebchatSites
from contact_center.outage import is_outage
from contact_center.services.webchat_sites import all_sites, site_of
from contact_center.settings import WebchatSite
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)


class SiteDirectory:
    def __init__(self, read_uow: Callable[[], UnitOfWork], *, ttl_s: float = 2.0) -> None:
        self._read_uow = read_uow
        self._ttl = ttl_s
        self._sites: dict[str, WebchatSite] = {}
        self._read_at: float | None = None
        self._lock = asyncio.Lock()

    async def get(self, key: str) -> WebchatSite | None:
        if self._read_at is None or time.monotonic() - self._read_at >= self._ttl:
            async with self._lock:  # a burst of hellos reads the table once
                if self._read_at is None or time.monotonic() - self._read_at >= self._ttl:
                    await self.refresh()
        return self._sites.get(key)

    async def refresh(self) -> None:
        async with self._read_uow() as uow:
            records = await all_sites(uow)
        self._sites = {r.key: site_of(r) for r in records}
        self._read_at = time.monotonic()


async def seed_sites(bus: MessageBus, sites: dict[str, WebchatSite]) -> None:
    """Two web processes starting together may both insert a site: the loser tries once more,
    and then finds it stored. A database out of reach leaves the sites as stored (the next start
    seeds them); the chat answers as it can meanwhile."""
    command = SeedWebchatSites(
        sites=tuple((key, site.model_dump(mode="json")) for key, site in sites.items()), actor="settings"
    )
    try:
        try:
            written = await bus.handle(command)
        except IntegrityError:
            written = await bus.handle(command)
    except Exception as exc:  # the edge: a web process starts (degraded) while the database is down
        if not is_outage(exc):
            raise
        log.warning("webchat.sites_not_seeded", extra={"error": type(exc).__name__})
        return
    if written:
        log.info("webchat.sites_seeded", extra={"written": written})
