"""Request bodies and query strings parsed into strict models: unknown fields and wrong types are 4xx.

Models forbid extra fields and do not coerce ("5" is not an int), so a client learns of its mistake
instead of having it guessed away. The same models feed the OpenAPI document. Ids, numbers and
texts carry the bounds of their columns, so a value the database would refuse is a 4xx here rather
than a 500 there.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from aiohttp import web
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from contact_center.api.keys import SETTINGS
from contact_center.domain.errors import InvalidInputError, NotFoundError, TooLargeError, UnprocessableError

M = TypeVar("M", bound=BaseModel)

MAX_ID = 2**31 - 1  # ids are 32-bit integer columns on PostgreSQL
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Int32 = Annotated[int, Field(ge=-(2**31), le=MAX_ID)]
DIGITS = re.compile(r"-?[0-9]{1,30}")


def _within_utc(value: datetime) -> datetime:
    """An aware time as UTC; one that UTC cannot hold (0001-01-01T00:00+14:00) is a 422 here, not
    an OverflowError in a handler. A naive one is left for the handler to refuse as it words it."""
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range once converted to UTC") from None


#: A time in a body: ISO 8601, converted to UTC when it has an offset.
UtcTime = Annotated[datetime, AfterValidator(_within_utc)]
#: The same, where the offset is required (a naive time is a 422).
AwareUtcTime = Annotated[AwareDatetime, AfterValidator(_within_utc)]


def length(max_length: int, min_length: int = 0) -> StringConstraints:
    """The bounds of a string column (VARCHAR(n) on PostgreSQL refuses longer), for
    `Annotated[str, length(100)]`: a type mypy can check, unlike one a function returns."""
    return StringConstraints(min_length=min_length, max_length=max_length)


def omitted() -> Any:
    """Default of a PATCH field that may be left out but not set to null: its column is NOT NULL.

    The None default never reaches a handler (they read only the fields sent), so the schema leaves
    it out rather than document a default its own type refuses.
    """
    return Field(default=None, json_schema_extra=_no_default)


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


async def read_body(request: web.Request) -> bytes:
    """The raw body (read once, then cached by aiohttp), or a 413 past `http.max_body_bytes`."""
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        limit = request.app[SETTINGS].http.max_body_bytes
        raise TooLargeError(f"the body is larger than the limit of {limit} bytes") from None


async def parse_body(request: web.Request, model: type[M]) -> M:
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(reason="send the body as application/json")
    return parse_json(await read_body(request), model)


def parse_json(raw: bytes, model: type[M]) -> M:
    """A body's bytes as `model`, or a 4xx `ContactCenterError` saying what is wrong; never any
    other exception, whatever the bytes (the fuzz tests hold it to that)."""
    try:
        data = json.loads(raw.decode("utf-8") or "null")  # UTF-8 only (RFC 8259), as pydantic reads it
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"the body is not valid JSON: {exc}", code="malformed_json") from exc
    except RecursionError:
        raise InvalidInputError("the body is nested too deeply", code="malformed_json") from None
    if not isinstance(data, dict):
        raise InvalidInputError("the body must be a JSON object", code="malformed_json")
    _refuse_nul(data)
    return validate(model, raw)


def _refuse_nul(data: object) -> None:
    """PostgreSQL text cannot hold U+0000; refuse it here instead of failing at the insert."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str) and "\x00" in item:
            raise UnprocessableError(
                "text must not contain the NUL character (\\u0000)", code="invalid_field"
            )
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


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
        first = exc.errors()[0]["loc"] if exc.errors() else ()
        field = str(first[0]) if first else None
        raise UnprocessableError("; ".join(problems), code=code, field=field) from None


def _integer(raw: str, name: str) -> int:
    """Plain ASCII digits only: int() would also take " 5", "1_000" and non-Latin digits."""
    if not DIGITS.fullmatch(raw):
        raise InvalidInputError(f"{name} must be an integer")
    return int(raw)


def query_int(request: web.Request, name: str, default: int, *, low: int = 1, high: int = 200) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    value = _integer(raw, name)
    if not low <= value <= high:
        raise InvalidInputError(f"{name} must be between {low} and {high}")
    return value


def query_text(request: web.Request, name: str, *, max_length: int = 200) -> str:
    value = request.query.get(name, "").strip()
    if "\x00" in value:
        raise InvalidInputError(f"{name} must not contain the NUL character")
    if len(value) > max_length:
        raise InvalidInputError(f"{name} is longer than {max_length} characters")
    return value


def query_id(request: web.Request, name: str) -> int | None:
    raw = request.query.get(name)
    return None if raw is None else query_int(request, name, 0, high=MAX_ID)


def query_time(request: web.Request, name: str) -> datetime | None:
    raw = request.query.get(name)
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInputError(f"{name} must be an ISO 8601 time with offset") from None
    if value.tzinfo is None:
        raise InvalidInputError(f"{name} needs a UTC offset, e.g. 2026-01-01T00:00:00+00:00")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise InvalidInputError(f"{name} is out of range") from None


def encode_cursor(value: int) -> str:
    return base64.urlsafe_b64encode(f"id:{value}".encode()).decode().rstrip("=")


def decode_cursor(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        prefix, _, value = text.partition(":")
        if prefix != "id" or not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_ID:
            raise ValueError(text)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInputError("cursor is not one this API gave out", code="invalid_cursor") from None


def path_id(request: web.Request, name: str = "id") -> int:
    value = _integer(request.match_info[name], name)
    if value < 1:
        raise InvalidInputError(f"{name} must be positive")
    if value > MAX_ID:
        raise NotFoundError(f"no record has {name} {value}")
    return value
