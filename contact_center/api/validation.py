"""Request bodies and query strings parsed into strict models: unknown fields and wrong types are 4xx.

Models forbid extra fields and do not coerce ("5" is not an int), so a client learns of its mistake
instead of having it guessed away. The same models feed the OpenAPI document.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, ValidationError

from contact_center.domain.errors import InvalidInputError, UnprocessableError

M = TypeVar("M", bound=BaseModel)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


async def parse_body(request: web.Request, model: type[M]) -> M:
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(reason="send the body as application/json")
    raw = await request.read()
    try:
        data = json.loads(raw or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"the body is not valid JSON: {exc}", code="malformed_json") from exc
    if not isinstance(data, dict):
        raise InvalidInputError("the body must be a JSON object", code="malformed_json")
    return validate(model, raw)


def validate(model: type[M], raw: bytes) -> M:
    """Validate in JSON mode, where strict still reads an enum from its string value."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "body"
            problems.append(f"{where}: {err['msg']}")
        code = (
            "unknown_field" if any(e["type"] == "extra_forbidden" for e in exc.errors()) else "invalid_field"
        )
        raise UnprocessableError("; ".join(problems), code=code) from None


def query_int(request: web.Request, name: str, default: int, *, low: int = 1, high: int = 200) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInputError(f"{name} must be an integer") from None
    if not low <= value <= high:
        raise InvalidInputError(f"{name} must be between {low} and {high}")
    return value


def encode_cursor(value: int) -> str:
    return base64.urlsafe_b64encode(f"id:{value}".encode()).decode().rstrip("=")


def decode_cursor(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        prefix, _, value = text.partition(":")
        if prefix != "id":
            raise ValueError(text)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInputError("cursor is not one this API gave out", code="invalid_cursor") from None


def path_id(request: web.Request, name: str = "id") -> int:
    try:
        value = int(request.match_info[name])
    except ValueError:
        raise InvalidInputError(f"{name} must be an integer") from None
    if value < 1:
        raise InvalidInputError(f"{name} must be positive")
    return value
