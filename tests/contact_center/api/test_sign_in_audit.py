"""Every sign-in attempt is in the audit log, on both databases: successes and failures with the
account tried and the caller's address, and never the password tried."""

from __future__ import annotations

import json
from typing import Any

from aiohttp.test_utils import TestClient
from sqlmodel import col, select

from contact_center.bootstrap import Container
from contact_center.domain.audit import AuditEntry
from tests.conftest import unique
from tests.contact_center.api.conftest import PASSWORD, error_of, ok, sign_up

Client = TestClient[Any, Any]


async def _sign_ins(container: Container, since_id: int) -> list[AuditEntry]:
    async with container.read_uow() as uow:
        stmt = (
            select(AuditEntry)
            .where(col(AuditEntry.id) > since_id, col(AuditEntry.action).startswith("sign_in"))
            .order_by(col(AuditEntry.id))
        )
        return list((await uow.session.exec(stmt)).all())


async def _last_id(container: Container) -> int:
    async with container.read_uow() as uow:
        rows = (await uow.session.exec(select(AuditEntry.id).order_by(col(AuditEntry.id).desc()))).first()
    return int(rows or 0)


async def test_sign_ins_are_audited_with_account_and_address_but_no_password(
    container: Container, client: Client
) -> None:
    user = await sign_up(container, client)
    ghost = unique("ghost")
    since = await _last_id(container)
    guess = "guess-" + unique()
    await error_of(
        await client.post("/api/v1/auth/token", json={"username": user.username.upper(), "password": guess}),
        401,
    )
    await error_of(await client.post("/api/v1/auth/token", json={"username": ghost, "password": guess}), 401)
    body = {"username": user.username, "password": PASSWORD, "label": "laptop"}
    await ok(await client.post("/api/v1/auth/token", json=body), 201)

    entries = [
        e for e in await _sign_ins(container, since) if e.changes.get("account") in (user.username, ghost)
    ]
    assert [(e.action, e.changes["account"], e.changes.get("reason")) for e in entries] == [
        ("sign_in_failed", user.username, "wrong_password"),  # every spelling counts as the account
        ("sign_in_failed", ghost, "unknown_account"),
        ("sign_in", user.username, None),
    ]
    failed, unknown, success = entries
    assert failed.entity_id == user.agent_id and unknown.entity_id == 0
    assert success.entity_id == user.agent_id and success.actor == f"agent:{user.username}"
    assert success.changes["label"] == "laptop"
    assert all(e.changes["address"] == "127.0.0.1" for e in entries)
    for entry in entries:
        stored = json.dumps(entry.changes) + entry.actor
        assert guess not in stored and PASSWORD not in stored
