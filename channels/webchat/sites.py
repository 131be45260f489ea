"""The sites that embed the widget: who may open a chat from where, in which language, and whether
anyone is there to answer now.

Each site is a `[webchat.sites.<key>]` section of the settings. A page may open the chat only from
an origin the site lists (or this server's own, which serves the demo shop); the topics a visitor
picks map to queues; the queue's business hours and the agents available say whether the chat is
live or the visitor leaves a message (it waits as a queued interaction, answered when an agent
can: in the same chat when the visitor returns).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from contact_center.domain.enums import Channel, Presence
from contact_center.domain.queues import Queue
from contact_center.settings import WebchatSite
from contact_center.storage.uow import UnitOfWork

Availability = Literal["open", "closed", "no_agents"]
LANGUAGES = ("en", "zh-CN")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def origin_allowed(site: WebchatSite, origin: str | None, own: Iterable[str]) -> bool:
    """A browser always sends Origin on a websocket and a cross-site request; without one, no."""
    if origin is None:
        return False
    origin = origin.rstrip("/")
    return origin in site.allowed_origins or origin in set(own)


def language(site: WebchatSite, asked: str | None) -> str:
    """The visitor's language among the site's: `zh`, `zh-CN`, `zh-Hans` read as Simplified Chinese."""
    if asked:
        wanted = "zh-CN" if asked.lower().startswith("zh") else "en" if asked.lower().startswith("en") else ""
        if wanted in site.languages:
            return wanted
    return site.languages[0] if site.languages else "en"


def queue_for(site: WebchatSite, topic: str | None) -> str | None:
    """The queue a topic routes to; None (no topic, or a site without topics): the first chat queue."""
    if topic is None or not site.topics:
        return None
    if topic not in site.topics:
        raise KeyError(topic)
    return site.topics[topic]


def open_now(queue: Queue, now: datetime) -> bool:
    """Within the queue's business hours, in its time zone, and not on one of its holidays; a
    queue without hours is open every other day around the clock."""
    try:
        local = now.astimezone(ZoneInfo(queue.timezone))
    except ZoneInfoNotFoundError:
        local = now
    if local.date().isoformat() in queue.holidays:
        return False
    if not queue.business_hours:
        return True
    clock = local.strftime("%H:%M")
    spans = queue.business_hours.get(DAYS[local.weekday()], [])
    return any(start <= clock < end for start, end in spans)


class AvailabilityCache:
    """What `availability` answered per queue, kept for a few seconds: every visitor's hello asks,
    and a burst of hellos should read the agents once, not once each."""

    def __init__(self, read_uow: Callable[[], UnitOfWork], *, ttl_s: float = 3.0) -> None:
        self._read_uow = read_uow
        self._ttl = ttl_s
        self._known: dict[str | None, tuple[float, Availability]] = {}

    async def of(self, queue_name: str | None, now: datetime) -> Availability:
        at = time.monotonic()
        known = self._known.get(queue_name)
        if known is not None and at - known[0] < self._ttl:
            return known[1]
        answer = await availability(self._read_uow, queue_name, now)
        self._known[queue_name] = (at, answer)
        return answer


async def availability(
    read_uow: Callable[[], UnitOfWork], queue_name: str | None, now: datetime
) -> Availability:
    """`open` when the queue is within its hours and an agent who could take a chat is available."""
    async with read_uow() as uow:
        queue = (
            await uow.queues.by_name(queue_name) if queue_name else await uow.queues.for_channel(Channel.CHAT)
        )
        if queue is not None and not open_now(queue, now):
            return "closed"
        needs = queue.required_skills if queue is not None else {}
        for agent in await uow.agents.list():
            if (
                agent.is_active
                and agent.presence == Presence.AVAILABLE
                and agent.capacity.get(Channel.CHAT.value, 0) > 0
                and all(agent.skills.get(skill, 0) >= level for skill, level in needs.items())
            ):
                return "open"
    return "no_agents"
