"""Column types shared by the tables: aware UTC datetimes and JSON documents on both databases.

SQLite keeps no time zone, so every datetime is stored as naive UTC and handed back aware; a
naive datetime given to us is a programming error, not something to guess about.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utc_field(*, nullable: bool = False, index: bool = False, default: Any = None) -> Any:
    return Field(default=default, sa_type=UTCDateTime, nullable=nullable, index=index)


def json_field(default_factory: Any) -> Any:
    return Field(default_factory=default_factory, sa_type=JSON, nullable=False)


def enum_field(enum: type[StrEnum], *, default: Any = ..., index: bool = False) -> Any:
    """Stored as the value string (VARCHAR), never as a native enum type that migrations must alter."""
    sa_type = SAEnum(
        enum,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        length=20,
        validate_strings=True,
    )
    if default is ...:
        return Field(sa_type=sa_type, index=index)
    return Field(default=default, sa_type=sa_type, index=index)
