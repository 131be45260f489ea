"""Files that must go: those of an erased customer, and those uploaded but never sent.

Erasure (`customer.erased`, handled live by every web process in its own upload directory)
deletes a customer's files: those on their chats' messages, found by interaction, and those
they uploaded but never sent, found through the visitor links (`uploads.py`). The links of an
erased customer go with them, so nothing on disk still ties a visitor to that customer.

The sweep, every `[webchat] upload_sweep_s`, deletes uploads that no message carries once
they are older than `unsent_upload_max_age_s` (a visitor who attached a file and left), and
the links no unsent file needs any more. It also completes the links still without a customer
from the database, for a visitor whose first message this process did not see (another
process stored it, or it raced with the upload), so that erasing them finds their files.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from channels.webchat.uploads import VISITORS, Upload, UploadStore, read_link

log = logging.getLogger(__name__)


async def erase_for(
    store: UploadStore, customer_ids: Collection[int], interaction_ids: Collection[int]
) -> int:
    """Delete the files of these customers: sent on these interactions, or uploaded by a visitor
    linked to one of them. Returns how many files went."""
    return await asyncio.to_thread(_erase, store, set(customer_ids), set(interaction_ids))


def _erase(store: UploadStore, customer_ids: set[int], interaction_ids: set[int]) -> int:
    directory = store.directory
    if not directory.is_dir():
        return 0
    visitors: set[str] = set()
    for path in _links(directory):
        linked = read_link(path)
        if linked is not None and linked[1] in customer_ids:
            visitors.add(linked[0])
            path.unlink(missing_ok=True)
    erased = 0
    for upload in _uploads(store):
        if upload.visitor_id in visitors or interaction_ids.intersection(upload.interaction_ids):
            _delete(directory, upload)
            erased += 1
    return erased


@dataclass(frozen=True, slots=True)
class Swept:
    deleted: int
    #: Visitors with unsent files whose customer is not noted yet.
    unlinked: list[str]


async def sweep(
    store: UploadStore,
    now: datetime,
    max_age: timedelta,
    customer_of: Callable[[str], Awaitable[int | None]],
) -> int:
    """One pass: delete the unsent uploads older than `max_age` and the links left without an
    unsent file, then note the customers now known of the visitors still unlinked. Returns how
    many files went."""
    swept = await asyncio.to_thread(_sweep_files, store, now - max_age)
    for visitor_id in swept.unlinked:
        customer_id = await customer_of(visitor_id)
        if customer_id is not None:
            await store.link(visitor_id, customer_id)
    return swept.deleted


def _sweep_files(store: UploadStore, cutoff: datetime) -> Swept:
    directory = store.directory
    if not directory.is_dir():
        return Swept(0, [])
    deleted = 0
    waiting: set[str] = set()  # visitors who still have an unsent file
    for upload in _uploads(store):
        if upload.interaction_ids:
            continue
        if _uploaded_at(directory, upload) < cutoff:
            _delete(directory, upload)
            deleted += 1
        else:
            waiting.add(upload.visitor_id)
    unlinked: list[str] = []
    for path in _links(directory):
        linked = read_link(path)
        if linked is None or linked[0] not in waiting:
            # A link is written just before its file: only one older than any unsent file is spare.
            if _modified(path) < cutoff:
                path.unlink(missing_ok=True)
        elif linked[1] is None:
            unlinked.append(linked[0])
    return Swept(deleted, unlinked)


async def sweep_periodically(
    store: UploadStore,
    clock: Callable[[], datetime],
    every_s: float,
    max_age: timedelta,
    customer_of: Callable[[str], Awaitable[int | None]],
) -> None:
    while True:
        deleted = await sweep(store, clock(), max_age, customer_of)
        if deleted:
            log.info("webchat.unsent_uploads_swept", extra={"files": deleted})
        await asyncio.sleep(every_s)


def _uploads(store: UploadStore) -> list[Upload]:
    found = (store.read(record.stem) for record in store.directory.glob("*.json"))
    return [upload for upload in found if upload is not None]


def _links(directory: Path) -> list[Path]:
    return list((directory / VISITORS).glob("*.json"))


def _delete(directory: Path, upload: Upload) -> None:
    (directory / upload.id).unlink(missing_ok=True)
    (directory / f"{upload.id}.json").unlink(missing_ok=True)


def _uploaded_at(directory: Path, upload: Upload) -> datetime:
    if upload.uploaded_at is not None:
        return upload.uploaded_at
    return _modified(directory / f"{upload.id}.json")


def _modified(path: Path) -> datetime:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        return datetime.min.replace(tzinfo=UTC)
