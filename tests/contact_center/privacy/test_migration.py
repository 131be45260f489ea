"""Migration 0007 on both databases: audit entries written before it get their personal values
sealed under new customer keys (and the log stays append-only); its downgrade opens them again."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from contact_center.privacy.sealing import readable
from contact_center.storage.engine import create_engine
from contact_center.storage.migrate import downgrade, upgrade
from tests.contact_center.test_migrations import fresh_postgres_url

__all__ = ["fresh_postgres_url"]

LEGACY: list[tuple[int, str, dict[str, Any]]] = [
    (1, "create", {"name": "Legacy Person", "company": "Old Firm", "tags": []}),
    (1, "update", {"before": {"name": "Legacy Person"}, "after": {"name": "Legacy Renamed"}}),
    (2, "create", {"identity": "phone:+14155550123"}),
    (1, "merge", {"merged_id": 2}),
]


async def execute(url: str, sql: str, **params: Any) -> list[Any]:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(sql), params)
            return list(result.all()) if result.returns_rows else []
    finally:
        await engine.dispose()


async def seed_legacy(url: str) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    for cid in (1, 2):
        await execute(
            url,
            "INSERT INTO customer (id, name, company, region, industry, tags, customer_class,"
            " lifecycle_stage, consent, value, created_at, updated_at) VALUES (:id, :name, '', '', '',"
            " '[]', 'regular', 'potential', '{}', 0, :at, :at)",
            id=cid,
            name=f"Legacy {cid}",
            at=now,
        )
    for cid, action, changes in LEGACY:
        await execute(
            url,
            "INSERT INTO audit_entry (at, actor, entity, entity_id, action, changes)"
            " VALUES (:at, 'test', 'customer', :cid, :action, :changes)",
            at=now,
            cid=cid,
            action=action,
            changes=json.dumps(changes),
        )


async def audit(url: str) -> list[dict[str, Any]]:
    rows = await execute(url, "SELECT changes FROM audit_entry ORDER BY id")
    return [c if isinstance(c, dict) else json.loads(c) for (c,) in rows]


async def round_trip(url: str) -> None:
    upgrade(url, "0006")
    await seed_legacy(url)
    upgrade(url)
    sealed = await audit(url)
    assert "Legacy" not in json.dumps(sealed) and "4155550123" not in json.dumps(sealed)
    assert sealed[3] == {"merged_id": 2}  # no personal value: left as it was
    keys = {
        int(cid): bytes(key) for cid, key in await execute(url, "SELECT customer_id, key FROM customer_key")
    }
    assert set(keys) == {1, 2}
    opened = [readable(c, keys) for c in sealed]
    assert opened[0] == {"fields": ["company", "name", "tags"], **LEGACY[0][2]}
    assert opened[1] == {"fields": ["name"], **LEGACY[1][2]}
    assert opened[2] == {"fields": ["identity"], **LEGACY[2][2]}
    with pytest.raises(DBAPIError, match="append-only"):
        await execute(url, "UPDATE audit_entry SET actor = 'someone else'")

    await execute(url, "DELETE FROM customer_key WHERE customer_id = 2")  # as erasure does
    downgrade(url, "0006")
    assert await audit(url) == [LEGACY[0][2], LEGACY[1][2], {"erased": True}, LEGACY[3][2]]
    with pytest.raises(DBAPIError, match="append-only"):
        await execute(url, "DELETE FROM audit_entry")


async def test_legacy_audit_values_are_sealed_and_opened_again_on_sqlite(tmp_path: Path) -> None:
    await round_trip(f"sqlite:///{tmp_path / 'legacy.db'}")


async def test_legacy_audit_values_are_sealed_and_opened_again_on_postgres(fresh_postgres_url: str) -> None:
    await round_trip(fresh_postgres_url)
