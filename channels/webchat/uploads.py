"""Files a visitor attaches: kept in a local directory, named by a random id, owned by the visitor.

A file is checked before it is kept: its size (read no further than the limit), its declared type
(one of `[webchat] upload_types`) and its first bytes (a "PNG" that is not one is refused, so a
page cannot be smuggled in as an image). Beside each file, a small JSON record says whose it is,
its name and type, and the interactions whose messages carry it; a message references the upload
by id. Only its owner may attach it; its owner, and staff who see one of those interactions, may
download it.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contact_center.domain.errors import InvalidInputError, NotFoundError, TooLargeError, UnprocessableError

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

    async def save(self, visitor_id: str, name: str, content_type: str, data: bytes) -> Upload:
        if len(data) > self._max:
            raise TooLargeError(f"a file has at most {self._max} bytes")
        if not data:
            raise InvalidInputError("the file is empty")
        self.check_type(content_type)
        if not _looks_like(content_type, data):
            raise UnprocessableError(f"the file's content is not {content_type}")
        upload = Upload(secrets.token_urlsafe(18), visitor_id, _safe_name(name), content_type, len(data))
        await asyncio.to_thread(self._write, upload, data)
        return upload

    def _write(self, upload: Upload, data: bytes) -> None:
        self._dir.mkdir(parents=True, exist_ok=True)
        (self._dir / upload.id).write_bytes(data)
        self._write_record(upload)

    def _write_record(self, upload: Upload) -> None:
        record = {
            "visitor_id": upload.visitor_id,
            "name": upload.name,
            "content_type": upload.content_type,
            "size": upload.size,
            "interaction_ids": list(upload.interaction_ids),
        }
        (self._dir / f"{upload.id}.json").write_text(json.dumps(record), encoding="utf-8")

    async def attached(self, uploads: list[Upload], interaction_id: int) -> None:
        """Note that a stored message of `interaction_id` carries these uploads."""
        for upload in uploads:
            if interaction_id not in upload.interaction_ids:
                noted = Upload(
                    upload.id,
                    upload.visitor_id,
                    upload.name,
                    upload.content_type,
                    upload.size,
                    (*upload.interaction_ids, interaction_id),
                )
                await asyncio.to_thread(self._write_record, noted)

    async def erase_for(self, interaction_ids: set[int]) -> int:
        """Delete the files sent on these interactions (a customer erased): how many went."""
        return await asyncio.to_thread(self._erase_for, interaction_ids)

    def _erase_for(self, interaction_ids: set[int]) -> int:
        if not interaction_ids or not self._dir.is_dir():
            return 0
        erased = 0
        for record in self._dir.glob("*.json"):
            upload = self._read(record.stem)
            if upload is None or not interaction_ids.intersection(upload.interaction_ids):
                continue
            (self._dir / upload.id).unlink(missing_ok=True)
            record.unlink(missing_ok=True)
            erased += 1
        return erased

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
        return Upload(
            upload_id,
            record["visitor_id"],
            record["name"],
            record["content_type"],
            record["size"],
            tuple(record.get("interaction_ids", ())),
        )


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
