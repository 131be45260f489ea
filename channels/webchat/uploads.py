"""Files a visitor attaches: kept in a local directory, named by a random id, owned by the visitor.

A file is checked before it is kept: its size (read no further than the limit), its declared type
(one of `[webchat] upload_types`) and its first bytes (a "PNG" that is not one is refused, so a
page cannot be smuggled in as an image). Beside each file, a small JSON record says whose it is,
its name and type, when it came, and the interactions whose messages carry it; a message
references the upload by id. Only its owner may attach it; its owner, and staff who see one of
those interactions, may download it.

A file uploaded but never sent is on no interaction, so erasing its customer could not find it
by those. For it, `visitors/<hash of the visitor id>.json` links the visitor who uploaded to
their customer: written at upload (the customer, or none yet for a visitor who has not written),
and completed when the visitor's customer becomes known (`link`). Erasure and the sweep of
unsent files: `upload_cleanup.py`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contact_center.domain.errors import InvalidInputError, NotFoundError, TooLargeError, UnprocessableError

#: The subdirectory of the visitor links.
VISITORS = "visitors"
UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAGIC: dict[str, tuple[bytes, ...]] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "application/pdf": (b"%PDF-",),
}


@dataclass(frozen=True, slots=True)
class Upload:
    id: str
    visitor_id: str
    name: str
    content_type: str
    size: int
    #: The interactions whose messages carry it (what lets an agent who sees one download it).
    interaction_ids: tuple[int, ...] = ()
    #: When it came (None: a record written before this was kept; its file's time stands in).
    uploaded_at: datetime | None = None

    def attachment(self) -> dict[str, Any]:
        """As a message's attachment (what `ReceiveInbound.attachments` carries)."""
        return {
            "name": self.name,
            "content_type": self.content_type,
            "size": self.size,
            "url": f"/chat/files/{self.id}",
            "upload_id": self.id,
        }


class UploadStore:
    def __init__(self, directory: Path, *, max_bytes: int, types: list[str]) -> None:
        self._dir = directory
        self._max = max_bytes
        self._types = frozenset(types)

    @property
    def max_bytes(self) -> int:
        return self._max

    def check_type(self, content_type: str) -> None:
        if content_type not in self._types:
            allowed = ", ".join(sorted(self._types))
            raise UnprocessableError(
                f"files of type {content_type or 'unknown'} are not accepted ({allowed})"
            )

    @property
    def directory(self) -> Path:
        return self._dir

    async def save(
        self,
        visitor_id: str,
        name: str,
        content_type: str,
        data: bytes,
        *,
        customer_id: int | None = None,
        at: datetime | None = None,
    ) -> Upload:
        """Keep a checked file; `customer_id`: the visitor's customer when known (erasing that
        customer deletes the file even if it is never sent)."""
        if len(data) > self._max:
            raise TooLargeError(f"a file has at most {self._max} bytes")
        if not data:
            raise InvalidInputError("the file is empty")
        self.check_type(content_type)
        if not _looks_like(content_type, data):
            raise UnprocessableError(f"the file's content is not {content_type}")
        upload = Upload(
            secrets.token_urlsafe(18),
            visitor_id,
            _safe_name(name),
            content_type,
            len(data),
            uploaded_at=at or datetime.now(UTC),
        )
        await asyncio.to_thread(self._write, upload, data, customer_id)
        return upload

    def _write(self, upload: Upload, data: bytes, customer_id: int | None) -> None:
        self._dir.mkdir(parents=True, exist_ok=True)
        # The link first: a file on disk is never without the way to its customer.
        self._write_link(upload.visitor_id, customer_id, keep_known=True)
        (self._dir / upload.id).write_bytes(data)
        self._write_record(upload)

    def _write_record(self, upload: Upload) -> None:
        record = {
            "visitor_id": upload.visitor_id,
            "name": upload.name,
            "content_type": upload.content_type,
            "size": upload.size,
            "interaction_ids": list(upload.interaction_ids),
            "uploaded_at": upload.uploaded_at.isoformat() if upload.uploaded_at else None,
        }
        (self._dir / f"{upload.id}.json").write_text(json.dumps(record), encoding="utf-8")

    async def link(self, visitor_id: str, customer_id: int) -> bool:
        """The visitor's customer is known now: note it where the visitor has uploaded (a
        visitor who never uploaded costs one look at the disk). True when it was noted."""
        return await asyncio.to_thread(self._link_known, visitor_id, customer_id)

    def _link_known(self, visitor_id: str, customer_id: int) -> bool:
        path = self.link_path(visitor_id)
        if not path.exists():
            return False
        linked = read_link(path)
        if linked is not None and linked[1] == customer_id:
            return False
        self._write_link(visitor_id, customer_id, keep_known=False)
        return True

    def _write_link(self, visitor_id: str, customer_id: int | None, *, keep_known: bool) -> None:
        """`keep_known`: an upload by a visitor not (yet) known as a customer does not forget a
        customer noted before (another process may have seen their first message)."""
        path = self.link_path(visitor_id)
        if keep_known and customer_id is None and path.exists():
            linked = read_link(path)
            customer_id = linked[1] if linked is not None else None
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"visitor_id": visitor_id, "customer_id": customer_id})
        temporary = path.with_suffix(".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)  # whole or not at all: a reader never sees half a link

    def link_path(self, visitor_id: str) -> Path:
        """Named by a hash: the visitor id is ours, but a file name need not trust even that."""
        digest = hashlib.sha256(visitor_id.encode()).hexdigest()[:40]
        return self._dir / VISITORS / f"{digest}.json"

    async def attached(self, uploads: list[Upload], interaction_id: int) -> None:
        """Note that a stored message of `interaction_id` carries these uploads."""
        for upload in uploads:
            if interaction_id not in upload.interaction_ids:
                noted = dataclasses.replace(upload, interaction_ids=(*upload.interaction_ids, interaction_id))
                await asyncio.to_thread(self._write_record, noted)

    async def find(self, upload_id: str) -> Upload:
        upload = await asyncio.to_thread(self._read, upload_id)
        if upload is None:
            raise NotFoundError(f"upload {upload_id} not found")
        return upload

    async def owned(self, visitor_id: str, upload_id: str) -> Upload:
        """The visitor's upload; another's, or none, is answered alike (not found)."""
        upload = await asyncio.to_thread(self._read, upload_id)
        if upload is None or upload.visitor_id != visitor_id:
            raise NotFoundError(f"upload {upload_id} not found")
        return upload

    def path_of(self, upload: Upload) -> Path:
        return self._dir / upload.id

    def _read(self, upload_id: str) -> Upload | None:
        if not UPLOAD_ID.match(upload_id):
            return None
        try:
            record = json.loads((self._dir / f"{upload_id}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        uploaded_at = record.get("uploaded_at")
        return Upload(
            upload_id,
            record["visitor_id"],
            record["name"],
            record["content_type"],
            record["size"],
            tuple(record.get("interaction_ids", ())),
            datetime.fromisoformat(uploaded_at) if uploaded_at else None,
        )

    def read(self, upload_id: str) -> Upload | None:
        """The record of one upload, read here and now (blocking: for a thread)."""
        return self._read(upload_id)


def read_link(path: Path) -> tuple[str, int | None] | None:
    """A visitor link: (visitor id, their customer or None), None if unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        customer_id = data["customer_id"]
        return str(data["visitor_id"]), int(customer_id) if customer_id is not None else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _looks_like(content_type: str, data: bytes) -> bool:
    if content_type == "text/plain":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    if content_type == "image/webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    return any(data.startswith(m) for m in MAGIC.get(content_type, (b"",)))


def _safe_name(name: str) -> str:
    """The file's own name, without any path, control characters or more than 200 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return cleaned[:200] or "file"
