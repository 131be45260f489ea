"""Idempotency-Key on creating POSTs: a retry gets the first answer, never a second row."""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from sqlmodel import col, func, select

from contact_center.api.idempotency import honours_idempotency_key
from contact_center.bootstrap import Container
from contact_center.domain.customers import Customer
from contact_center.storage.idempotency import IdempotencyRecord
from contact_center.storage.job_store import JobRecord
from tests.conftest import unique
from tests.contact_center.api.conftest import PASSWORD, Staff, User, error_of, ok, sign_up

Client = TestClient[Any, Any]
CUSTOMERS = "/api/v1/customers"


def keyed(user: User, key: str) -> dict[str, str]:
    return {**user.headers, "Idempotency-Key": key}


async def customers_named(container: Container, name: str) -> int:
    async with container.read_uow() as uow:
        stmt = select(func.count()).select_from(Customer).where(col(Customer.name) == name)
        return int((await uow.session.exec(stmt)).one())


async def claims_of(container: Container, key: str) -> list[IdempotencyRecord]:
    async with container.read_uow() as uow:
        stmt = select(IdempotencyRecord).where(col(IdempotencyRecord.key) == key)
        return list((await uow.session.exec(stmt)).all())


async def test_a_retried_create_gets_the_first_answer_word_for_word_and_stores_one_row(
    container: Container, client: Client, staff: Staff
) -> None:
    name, key = unique("Ida "), unique("key-")
    first = await client.post(
        CUSTOMERS, json={"name": name, "company": "Acme"}, headers=keyed(staff.agent, key)
    )
    first_text = await first.text()
    assert first.status == 201 and "Idempotent-Replayed" not in first.headers, first_text
    # The same body with other spacing and key order is the same request.
    again = await client.post(
        CUSTOMERS,
        data=json.dumps({"company": "Acme", "name": name}, indent=2),
        headers={**keyed(staff.agent, key), "Content-Type": "application/json"},
    )
    assert again.status == 201 and await again.text() == first_text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.content_type == "application/json"
    assert await customers_named(container, name) == 1


async def test_the_same_key_with_another_body_is_refused(client: Client, staff: Staff) -> None:
    key = unique("key-")
    await ok(await client.post(CUSTOMERS, json={"name": unique("A ")}, headers=keyed(staff.agent, key)), 201)
    other = await client.post(CUSTOMERS, json={"name": unique("B ")}, headers=keyed(staff.agent, key))
    await error_of(other, 422, "idempotency_key_reused")


async def test_eight_concurrent_retries_store_one_row_and_give_one_answer(
    container: Container, client: Client, staff: Staff
) -> None:
    name, key = unique("Con "), unique("key-")
    answers = await asyncio.gather(
        *(client.post(CUSTOMERS, json={"name": name}, headers=keyed(staff.agent, key)) for _ in range(8))
    )
    created = [a for a in answers if a.status == 201]
    fresh = [a for a in created if "Idempotent-Replayed" not in a.headers]
    assert len(fresh) == 1
    texts = {await a.text() for a in created}
    assert len(texts) == 1
    for busy in (a for a in answers if a.status != 201):
        await error_of(busy, 409, "idempotency_key_in_progress")
        assert busy.headers["Retry-After"] == "1"
    replay = await client.post(CUSTOMERS, json={"name": name}, headers=keyed(staff.agent, key))
    assert replay.status == 201 and await replay.text() in texts
    assert await customers_named(container, name) == 1


async def test_a_key_belongs_to_its_caller(container: Container, client: Client, staff: Staff) -> None:
    name, key = unique("Two "), unique("key-")
    one = await ok(await client.post(CUSTOMERS, json={"name": name}, headers=keyed(staff.agent, key)), 201)
    two = await client.post(CUSTOMERS, json={"name": name}, headers=keyed(staff.supervisor, key))
    assert two.status == 201 and "Idempotent-Replayed" not in two.headers
    assert (await two.json())["id"] != one["id"]
    assert await customers_named(container, name) == 2


async def test_a_failed_command_leaves_no_claim_so_the_retry_runs_again(
    container: Container, client: Client, staff: Staff
) -> None:
    key = unique("key-")
    missing = {"customer_id": 999_999_999, "channel": "sms"}
    failed = await client.post("/api/v1/interactions", json=missing, headers=keyed(staff.agent, key))
    await error_of(failed, 404)
    assert await claims_of(container, key) == []
    # Had the failure left a claim, another body with this key would be refused as a reuse.
    name = unique("After ")
    await ok(await client.post(CUSTOMERS, json={"name": name}, headers=keyed(staff.agent, key)), 201)
    done = await client.post("/api/v1/interactions", json=missing, headers=keyed(staff.agent, key))
    assert done.status == 404 and "Idempotent-Replayed" not in done.headers


async def test_a_claim_commits_with_the_rows_and_its_answer_right_after(
    container: Container, client: Client, staff: Staff
) -> None:
    key, name = unique("key-"), unique("Row ")
    created = await ok(
        await client.post(CUSTOMERS, json={"name": name}, headers=keyed(staff.agent, key)), 201
    )
    (claim,) = await claims_of(container, key)
    assert claim.scope == f"agent:{staff.agent.agent_id} POST {CUSTOMERS}"
    assert claim.status == 201 and json.loads(claim.answer or "") == created
    assert claim.answered_at is not None and claim.answered_at >= claim.created_at


async def plant_claim(
    container: Container, user: User, key: str, body: dict[str, Any], age: timedelta
) -> None:
    """A claim as a process that died between the commit and the answer leaves it."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    record = IdempotencyRecord(
        scope=f"agent:{user.agent_id} POST {CUSTOMERS}",
        key=key,
        fingerprint=hashlib.sha256(canonical.encode()).hexdigest(),
        created_at=container.clock() - age,
    )
    async with container.uow() as uow:
        uow.session.add(record)
        await uow.commit()


async def test_a_claim_without_an_answer_is_in_progress_then_lost(
    container: Container, client: Client, staff: Staff
) -> None:
    body = {"name": unique("Lost ")}
    running, dead = unique("key-"), unique("key-")
    await plant_claim(container, staff.agent, running, body, timedelta(seconds=5))
    await plant_claim(container, staff.agent, dead, body, timedelta(minutes=2))

    busy = await client.post(CUSTOMERS, json=body, headers=keyed(staff.agent, running))
    await error_of(busy, 409, "idempotency_key_in_progress")
    assert busy.headers["Retry-After"] == "1"
    lost = await error_of(await client.post(CUSTOMERS, json=body, headers=keyed(staff.agent, dead)), 409)
    assert lost["code"] == "idempotency_answer_lost" and "read the resource" in lost["message"]
    assert await customers_named(container, body["name"]) == 0


async def test_an_expired_key_is_purged_and_may_be_used_again(
    container: Container, client: Client, staff: Staff
) -> None:
    key, name = unique("key-"), unique("Old ")
    await plant_claim(container, staff.agent, key, {"name": "another body"}, timedelta(hours=25))
    created = await client.post(CUSTOMERS, json={"name": name}, headers=keyed(staff.agent, key))
    assert created.status == 201 and "Idempotent-Replayed" not in created.headers
    (claim,) = await claims_of(container, key)
    assert claim.status == 201


async def test_a_retried_sign_in_gets_the_same_token_never_stored_in_clear(
    container: Container, client: Client
) -> None:
    user = await sign_up(container, client)
    key = unique("key-")
    body = {"username": user.username, "password": PASSWORD}
    headers = {"Idempotency-Key": key}
    first = await ok(await client.post("/api/v1/auth/token", json=body, headers=headers), 201)
    again = await client.post("/api/v1/auth/token", json=body, headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true" and await again.json() == first
    (claim,) = await claims_of(container, key)
    assert claim.scope == f"user:{user.username} POST /api/v1/auth/token"
    assert first["token"] not in (claim.answer or "") and claim.is_sealed
    wrong = {**body, "password": "not the password"}
    await error_of(await client.post("/api/v1/auth/token", json=wrong, headers=headers), 422)
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {first['token']}"})
    assert (await ok(me))["username"] == user.username


async def test_a_retried_schedule_build_starts_one_job(
    container: Container, client: Client, staff: Staff
) -> None:
    queue = await ok(
        await client.post("/api/v1/queues", json={"name": unique("q")}, headers=staff.admin.headers), 201
    )
    path = f"/api/v1/planning/queues/{queue['id']}/schedules"
    key, build = unique("key-"), {"days": 1, "time_limit_s": 1.0}
    async with container.read_uow() as uow:
        jobs_before = int((await uow.session.exec(select(func.count()).select_from(JobRecord))).one())
    first = await client.post(path, json=build, headers=keyed(staff.planner, key))
    again = await client.post(path, json=build, headers=keyed(staff.planner, key))
    assert first.status == again.status == 202
    assert await again.json() == await first.json() and again.headers["Location"] == first.headers["Location"]
    async with container.read_uow() as uow:
        jobs_after = int((await uow.session.exec(select(func.count()).select_from(JobRecord))).one())
    assert jobs_after == jobs_before + 1


#: POSTs that create nothing, each with why; any other POST must honour Idempotency-Key.
NOT_CREATING = {
    "/api/v1/agents/{id}/revoke-tokens": "revoking again revokes nothing more",
    "/api/v1/agents/{id}/reset-password": "a reset replaces the password: a repeat replaces it again",
    "/api/v1/customers/{id}/merge": "a second merge of the same pair is refused, not repeated",
    "/api/v1/customers/{id}/erase": "erasing again erases nothing more and answers as the first time",
    "/api/v1/interactions/{id}/transitions": "a move is checked against the state it leaves",
    "/api/v1/interactions/{id}/accept": "only an open offer can be accepted",
    "/api/v1/interactions/{id}/reject": "only an open offer can be rejected",
    "/api/v1/interactions/{id}/signals": "a typing or read mark is passed on, never stored",
    "/api/v1/planning/schedules/{id}/publish": "publishing twice publishes one schedule",
    "/api/v1/canned-responses/{id}/render": "a read: it stores nothing",
    "/api/v1/interactions/{id}/transfer": "a transfer is checked against the state it leaves (active)",
    "/api/v1/interactions/{id}/take-over": "a second try finds the caller handling it already (403)",
}
#: Idempotent by the provider's message id, or by the key turned into one (api/inbound.py).
OWN_DEDUPE = {"/api/v1/inbound"}


async def test_every_creating_post_honours_the_idempotency_key(client: Client, staff: Staff) -> None:
    posts = {
        route.resource.canonical: route.handler
        for route in client.app.router.routes()
        if route.method == "POST" and route.resource is not None
    }
    creating = set(posts) - set(NOT_CREATING)
    assert set(NOT_CREATING) <= set(posts), "a listed route is gone: drop it from NOT_CREATING"
    forgot = {path for path in creating - OWN_DEDUPE if not honours_idempotency_key(posts[path])}
    assert not forgot, f"creating POSTs without @idempotent(): {sorted(forgot)}"
    inbound = {"channel": "sms", "sender": "+14155550100", "body": "hi"}
    for path in sorted(creating):
        url = path.replace("{id}", "1")
        headers = {**staff.admin.headers, "Idempotency-Key": "k" * 201}
        refused = await client.post(url, json=inbound if path in OWN_DEDUPE else {}, headers=headers)
        error = await error_of(refused, 400, "invalid_input")
        assert "Idempotency-Key" in error["message"], path
