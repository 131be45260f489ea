"""Chat sites as stored records: created and changed by admins, seeded from the settings file.

Every value passes the same checks as the settings file's (`settings.WebchatSite`), one field at
a time so a refusal names its field; a topic must name an existing queue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlmodel import col, select

from contact_center.domain.errors import ConflictError, InvalidInputError, NotFoundError
from contact_center.domain.webchat_sites import (
    DEFAULT_COLOUR,
    CreateWebchatSite,
    SeedWebchatSites,
    UpdateWebchatSite,
    WebchatSiteRecord,
)
from contact_center.settings import WebchatSite
from contact_center.storage.uow import UnitOfWork

FIELDS = ("allowed_origins", "languages", "prechat", "topics", "colour")
KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,49}")
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _checked(field: str, value: Any) -> Any:
    if field not in FIELDS:
        raise InvalidInputError(f"unknown site field {field!r}", field=field)
    if field == "colour":
        if not isinstance(value, str) or not COLOUR.fullmatch(value):
            raise InvalidInputError("a colour is #rrggbb, e.g. #0b57d0", field=field)
        return value.lower()
    try:
        checked = WebchatSite.model_validate({field: value})
    except ValidationError as exc:
        message = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise InvalidInputError(message, field=field) from None
    result = getattr(checked, field)
    if field == "languages" and not result:
        raise InvalidInputError("a site offers at least one language", field=field)
    return list(result) if isinstance(result, list) else dict(result)


async def _check_topics(uow: UnitOfWork, topics: dict[str, str]) -> None:
    for topic, queue in topics.items():
        if not topic.strip():
            raise InvalidInputError("a topic needs a name", field="topics")
        if await uow.queues.by_name(queue) is None:
            raise InvalidInputError(f"topic {topic!r}: no queue named {queue!r}", field="topics")


def site_of(record: WebchatSiteRecord) -> WebchatSite:
    """The stored site as the widget's code reads it."""
    return WebchatSite.model_validate(
        {
            "allowed_origins": record.allowed_origins,
            "languages": record.languages,
            "prechat": record.prechat,
            "topics": record.topics,
            "colour": record.colour,
        }
    )


async def all_sites(uow: UnitOfWork) -> Sequence[WebchatSiteRecord]:
    return (await uow.session.exec(select(WebchatSiteRecord).order_by(col(WebchatSiteRecord.key)))).all()


async def create_webchat_site(cmd: CreateWebchatSite, uow: UnitOfWork) -> WebchatSiteRecord:
    key = cmd.key.strip().lower()
    if not KEY.fullmatch(key):
        raise InvalidInputError(
            "a site key has 1 to 50 lowercase letters, digits, '_' or '-', starting with a letter or digit",
            field="key",
        )
    defaults = WebchatSite()
    values: dict[str, Any] = {
        "allowed_origins": list(defaults.allowed_origins),
        "languages": list(defaults.languages),
        "prechat": list(defaults.prechat),
        "topics": {},
        "colour": DEFAULT_COLOUR,
    }
    values |= {field: _checked(field, value) for field, value in cmd.settings}
    async with uow:
        await _check_topics(uow, values["topics"])
        found = await uow.session.exec(select(WebchatSiteRecord).where(col(WebchatSiteRecord.key) == key))
        if found.first() is not None:
            raise ConflictError(f"site {key!r} exists", field="key")
        record = WebchatSiteRecord(key=key, updated_at=uow.now(), **values)
        uow.session.add(record)
        await uow.session.flush()
        uow.audit(cmd.actor, "webchat_site", record.id or 0, "create", {"key": key, **values})
        await uow.commit()
        return record


async def update_webchat_site(cmd: UpdateWebchatSite, uow: UnitOfWork) -> WebchatSiteRecord:
    stored = {field: _checked(field, value) for field, value in cmd.changes}
    async with uow:
        record = await uow.session.get(WebchatSiteRecord, cmd.site_id)
        if record is None:
            raise NotFoundError(f"no site {cmd.site_id}")
        if "topics" in stored:
            await _check_topics(uow, stored["topics"])
        changed = {
            f: {"from": getattr(record, f), "to": v} for f, v in stored.items() if getattr(record, f) != v
        }
        for field, value in stored.items():
            setattr(record, field, value)
        record.from_settings = False  # an admin's version now: the settings file no longer steers it
        record.updated_at = uow.now()
        uow.session.add(record)
        if changed:
            uow.audit(cmd.actor, "webchat_site", cmd.site_id, "update", changed)
        await uow.commit()
        return record


async def seed_webchat_sites(cmd: SeedWebchatSites, uow: UnitOfWork) -> int:
    """Store the settings file's sites that are not stored, and bring those still as seeded in line
    with the file; a site an admin changed is left alone. Answers how many rows were written."""
    written = 0
    async with uow:
        stored = {r.key: r for r in await all_sites(uow)}
        for key, document in cmd.sites:
            site = WebchatSite.model_validate(document)
            values: dict[str, Any] = {
                "allowed_origins": list(site.allowed_origins),
                "languages": list(site.languages),
                "prechat": list(site.prechat),
                "topics": dict(site.topics),
                "colour": site.colour,
            }
            record = stored.get(key)
            if record is None:
                record = WebchatSiteRecord(key=key, from_settings=True, updated_at=uow.now(), **values)
            elif not record.from_settings or all(getattr(record, f) == v for f, v in values.items()):
                continue
            else:
                for field, value in values.items():
                    setattr(record, field, value)
                record.updated_at = uow.now()
            uow.session.add(record)
            await uow.session.flush()
            uow.audit(cmd.actor, "webchat_site", record.id or 0, "seed", {"key": key, **values})
            written += 1
        await uow.commit()
    return written
