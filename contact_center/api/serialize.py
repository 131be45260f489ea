"""Rows to JSON documents: what the API returns for each record."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import SQLModel

from contact_center.domain.agents import Agent
from contact_center.domain.customers import Customer, CustomerIdentity


def row(record: SQLModel, *, exclude: set[str] | None = None) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude=exclude)


def customer(record: Customer, identities: Sequence[CustomerIdentity] = ()) -> dict[str, Any]:
    out = row(record)
    out["identities"] = [{"kind": str(i.kind), "address": i.address} for i in identities]
    return out


def agent(record: Agent) -> dict[str, Any]:
    return row(record, exclude={"password_hash"})
