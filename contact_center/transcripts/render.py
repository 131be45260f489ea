"""A conversation's transcript as the customer reads it: their lines and the agents', with times in
the queue's time zone (UTC without one) and the chat's language, as plain text and as HTML.

Only messages are read: internal notes live in their own table and are never part of a transcript,
and system notices are left out. Attachments are listed by name, never attached. The HTML comes
from a jinja2 template with autoescape on, so whatever a customer or an agent wrote is text there,
never markup; nothing is marked safe.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from contact_center.domain.enums import AuthorKind
from contact_center.domain.errors import NotFoundError
from contact_center.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, NP_, translate
from contact_center.storage.tables import INTERACTION, MESSAGE, QUEUE

#: The mail's words in English; the catalogue (docs/i18n.md) has them in the other languages.
TEXTS: dict[str, str | tuple[str, str]] = {
    "subject": N_("Your chat with us on %(date)s"),
    "title": N_("Your chat transcript"),
    "intro": N_("Here is the conversation of %(date)s that you asked us to send you."),
    "zone": N_("Times are in %(zone)s."),
    "you": N_("You"),
    "agent": NP_("to a customer", "Agent"),  # 客服 to a customer, not the staff's 坐席
    "attached": N_("Attached"),
    "empty": N_("(This conversation has no messages.)"),
    "footer": N_("You receive this mail because you asked for the transcript at the end of the chat."),
}
MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True, slots=True)
class Line:
    is_customer: bool
    at: datetime
    body: str
    attachments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Transcript:
    interaction_id: int
    started_at: datetime
    zone: str
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class RenderedTranscript:
    subject: str
    text: str
    html: str


def _zone(name: str | None) -> tzinfo:
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC  # a queue's zone is checked when it is set; an unknown one here is not worth a failure


async def load_transcript(conn: AsyncConnection, interaction_id: int) -> Transcript:
    found = (
        await conn.execute(
            select(INTERACTION.c.created_at, QUEUE.c.timezone)
            .select_from(INTERACTION.outerjoin(QUEUE, QUEUE.c.id == INTERACTION.c.queue_id))
            .where(INTERACTION.c.id == interaction_id)
        )
    ).first()
    if found is None:
        raise NotFoundError(f"interaction {interaction_id} not found")
    started_at, zone_name = found
    rows = await conn.execute(
        select(MESSAGE.c.author_kind, MESSAGE.c.created_at, MESSAGE.c.body, MESSAGE.c.attachments)
        .where(
            MESSAGE.c.interaction_id == interaction_id,
            MESSAGE.c.author_kind.in_([AuthorKind.CUSTOMER, AuthorKind.AGENT]),
        )
        .order_by(MESSAGE.c.created_at, MESSAGE.c.id)
    )
    lines = tuple(
        Line(
            is_customer=AuthorKind(kind) is AuthorKind.CUSTOMER,
            at=at,
            body=body,
            attachments=tuple(_names(attachments)),
        )
        for kind, at, body, attachments in rows
    )
    return Transcript(interaction_id, started_at, zone_name or "UTC", lines)


def _names(attachments: Any) -> list[str]:
    if not isinstance(attachments, list):
        return []
    return [str(a.get("name") or "file") for a in attachments if isinstance(a, dict)]


def _date(at: datetime, language: str) -> str:
    if language == "zh-CN":
        return f"{at.year}年{at.month}月{at.day}日"
    return f"{at.day} {MONTHS[at.month - 1]} {at.year}"


@functools.cache
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("contact_center.transcripts", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(transcript: Transcript, language: str) -> RenderedTranscript:
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    texts = {key: translate(text, language) for key, text in TEXTS.items()}
    tz = _zone(transcript.zone)
    zone_label = "UTC" if tz is UTC else transcript.zone
    day = _date(transcript.started_at.astimezone(tz), language)
    lines = [
        {
            "who": texts["you"] if line.is_customer else texts["agent"],
            "is_customer": line.is_customer,
            "when": f"{_date(line.at.astimezone(tz), language)} {line.at.astimezone(tz):%H:%M}",
            "body": line.body,
            "attachments": line.attachments,
        }
        for line in transcript.lines
    ]
    values = {
        "lang": language,
        "title": texts["title"],
        "intro": texts["intro"] % {"date": day},
        "zone": texts["zone"] % {"zone": zone_label},
        "attached": texts["attached"],
        "empty": texts["empty"],
        "footer": texts["footer"],
        "lines": lines,
    }
    env = _templates()
    return RenderedTranscript(
        subject=texts["subject"] % {"date": day},
        text=env.get_template("transcript.txt").render(values),
        html=env.get_template("transcript.html").render(values),
    )
