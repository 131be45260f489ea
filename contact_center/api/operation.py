"""One documented operation of the API, as `openapi.py` turns it into the OpenAPI document."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    summary: str
    body: type[BaseModel] | None = None
    status: int = 200
    auth: bool = True
    query: tuple[str, ...] = ()
    #: What a success answers with (the exports are files, not JSON).
    content_type: str = "application/json"
