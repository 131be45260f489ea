"""Rows to JSON documents: what the API returns for each record (customers: `api/customers.py`,
whose identities are masked per reader)."""

from __future__ import annotations

from typing import Any

from sqlmodel import SQLModel

from contact_center.domain.agents import Agent


def row(record: SQLModel, *, exclude: set[str] | None = None) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude=exclude)


def agent(record: Agent) -> dict[str, Any]:
    return row(record, exclude={"password_hash"})
