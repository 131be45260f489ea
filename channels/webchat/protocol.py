"""The frames of `/chat/ws`: parsing what a visitor sends, and the error codes it may get back.

Every frame is a JSON object with a `type`. A frame that is not JSON, too large, of an unknown
type or with a bad field is answered with `{"type": "error", "code": ..., "message": ...}` (and
the frame's `client_id` when it had one) and changes nothing. docs/webchat.md lists them all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_BODY_CHARS = 4000
MAX_ATTACHMENTS = 5


class FrameError(Exception):
    """A frame refused: `code` is stable, `message` is for people."""

    def __init__(self, code: str, message: str, client_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.client_id = client_id

    def frame(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "error", "code": self.code, "message": self.message}
        if self.client_id is not None:
            out["client_id"] = self.client_id
        return out


@dataclass(frozen=True, slots=True)
class Profile:
    """The pre-chat form's answers."""

    name: str = ""
    email: str = ""
    phone: str = ""
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class Hello:
    site: str
    token: str | None
    last_seq: int | None
    lang: str | None
    profile: Profile


@dataclass(frozen=True, slots=True)
class SendMessage:
    client_id: str
    body: str
    attachments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Typing:
    pass


@dataclass(frozen=True, slots=True)
class Read:
    up_to: int


@dataclass(frozen=True, slots=True)
class End:
    pass


@dataclass(frozen=True, slots=True)
class Rate:
    score: int
    comment: str
    transcript_email: str | None


Frame = Hello | SendMessage | Typing | Read | End | Rate


def parse(raw: str, max_bytes: int) -> Frame:
    if len(raw.encode()) > max_bytes:
        raise FrameError("frame_too_large", f"a frame has at most {max_bytes} bytes")
    try:
        data = json.loads(raw)
    except ValueError:
        raise FrameError("not_json", "a frame is one JSON object") from None
    if not isinstance(data, dict):
        raise FrameError("not_json", "a frame is one JSON object")
    kind = data.get("type")
    reader = _READERS.get(kind) if isinstance(kind, str) else None
    if reader is None:
        raise FrameError("unknown_type", f"unknown frame type {str(kind)[:40]!r}")
    return reader(data)


def _text(data: dict[str, Any], key: str, limit: int, *, required: bool = False) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise FrameError("bad_field", f"{key} must be text of 1 to {limit} characters")
    return value


def _int(data: dict[str, Any], key: str, *, optional: bool = False) -> int | None:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value >= 2**63:
        raise FrameError("bad_field", f"{key} must be a whole number")
    return value


def _hello(data: dict[str, Any]) -> Hello:
    token = data.get("token")
    if token is not None and not isinstance(token, str):
        raise FrameError("bad_token", "the visitor token is not valid")
    profile = data.get("profile") or {}
    if not isinstance(profile, dict):
        raise FrameError("bad_field", "profile must be an object")
    topic = profile.get("topic")
    if topic is not None and not isinstance(topic, str):
        raise FrameError("bad_field", "topic must be text")
    return Hello(
        site=_text(data, "site", 64, required=True),
        token=token or None,
        last_seq=_int(data, "last_seq", optional=True),
        lang=_text(data, "lang", 20) or None,
        profile=Profile(
            name=_text(profile, "name", 200).strip(),
            email=_text(profile, "email", 254).strip(),
            phone=_text(profile, "phone", 40).strip(),
            topic=topic,
        ),
    )


def _message(data: dict[str, Any]) -> SendMessage:
    client_id = data.get("client_id")
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise FrameError("bad_field", "client_id must be 1 to 64 letters, digits, _ or -")
    try:
        body = _text(data, "body", MAX_BODY_CHARS)
        attachments = data.get("attachments") or []
        if (
            not isinstance(attachments, list)
            or len(attachments) > MAX_ATTACHMENTS
            or not all(isinstance(a, str) and CLIENT_ID.match(a) for a in attachments)
        ):
            raise FrameError("bad_field", f"attachments are at most {MAX_ATTACHMENTS} upload ids")
        if not body.strip() and not attachments:
            raise FrameError("bad_field", "a message needs a body or an attachment")
    except FrameError as exc:
        raise FrameError(exc.code, exc.message, client_id) from None
    return SendMessage(client_id, body, tuple(attachments))


def _read(data: dict[str, Any]) -> Read:
    up_to = _int(data, "up_to")
    assert up_to is not None
    return Read(up_to)


def _rate(data: dict[str, Any]) -> Rate:
    score = _int(data, "score")
    if score is None or not 1 <= score <= 5:
        raise FrameError("bad_field", "score must be a whole number from 1 to 5")
    email = _text(data, "transcript_email", 254).strip() or None
    return Rate(score, _text(data, "comment", 2000), email)


_READERS: dict[str, Callable[[dict[str, Any]], Frame]] = {
    "hello": _hello,
    "message": _message,
    "typing": lambda _d: Typing(),
    "read": _read,
    "end": lambda _d: End(),
    "rate": _rate,
}
