"""A user's language and time zone through the API, and error messages in the reader's language:
the user's own, else the browser's Accept-Language; the code never changes (SQLite, PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from contact_center.bootstrap import Container
from contact_center.domain.enums import Role
from tests.conftest import unique
from tests.contact_center.api.conftest import Staff, error_of, new_agent, ok

Client = TestClient[Any, Any]
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


async def test_an_admin_sets_a_users_language_and_zone_and_bad_values_change_nothing(
    client: Client, staff: Staff, container: Container
) -> None:
    user = await new_agent(container)
    me = await ok(await client.get("/api/v1/me", headers=user.headers))
    assert me["language"] is None and me["timezone"] is None  # the browser's, until someone chooses
    path = f"/api/v1/agents/{user.agent_id}"
    for bad, status in (
        ({"language": "fr"}, 422),
        ({"language": "zh"}, 422),
        ({"timezone": ""}, 422),
        ({"timezone": "Mars/Olympus"}, 400),
    ):
        await error_of(await client.patch(path, json=bad, headers=staff.admin.headers), status)
    assert await ok(await client.get("/api/v1/me", headers=user.headers)) == me
    changes = {"language": "zh-CN", "timezone": "Asia/Shanghai"}
    updated = await ok(await client.patch(path, json=changes, headers=staff.admin.headers))
    assert {k: updated[k] for k in changes} == changes
    # The same token speaks the new language at once: its cached principal was dropped.
    shared = {"title": "Hi", "body": "Hello", "shared": True}
    refused = await error_of(
        await client.post("/api/v1/canned-responses", json=shared, headers=user.headers), 403
    )
    assert refused["message"] == "共享快捷回复由主管维护"
    me = await ok(await client.get("/api/v1/me", headers=user.headers))
    assert me["language"] == "zh-CN" and me["timezone"] == "Asia/Shanghai"
    cleared = await ok(await client.patch(path, json={"language": None}, headers=staff.admin.headers))
    assert cleared["language"] is None and cleared["timezone"] == "Asia/Shanghai"
    # Not theirs to set through this route: an admin's.
    await error_of(await client.patch(path, json={"language": "en"}, headers=user.headers), 403)


async def test_error_messages_follow_the_user_then_the_browser_and_keep_their_code(
    client: Client, staff: Staff, container: Container
) -> None:
    chinese, english = await new_agent(container), await new_agent(container)
    for user, language in ((chinese, "zh-CN"), (english, "en")):
        path = f"/api/v1/agents/{user.agent_id}"
        await ok(await client.patch(path, json={"language": language}, headers=staff.admin.headers))
    path, body = "/api/v1/canned-responses", {"title": "Hi", "body": "Hello", "shared": True}
    zh = await error_of(await client.post(path, json=body, headers=chinese.headers), 403, "forbidden")
    assert zh["message"] == "共享快捷回复由主管维护"
    # The user's own language wins over the browser's.
    headers = {**english.headers, **ZH}
    en = await error_of(await client.post(path, json=body, headers=headers), 403, "forbidden")
    assert en["message"] == "shared canned responses are kept by supervisors"
    # Nobody signed in: the browser's.
    anonymous = await error_of(await client.get("/api/v1/me", headers=ZH), 401, "unauthenticated")
    assert anonymous["message"] == "请登录：发送 Authorization: Bearer <token>"
    plain = await error_of(await client.get("/api/v1/me"), 401, "unauthenticated")
    assert plain["message"] == "sign in: send Authorization: Bearer <token>"
    # aiohttp's own refusals too; a message with values in it has no entry and stays English.
    missing = await error_of(await client.get("/api/v1/no-such-thing", headers=ZH), 404, "not_found")
    assert missing["message"] == "未找到"
    hidden = await error_of(await client.get("/api/v1/agents/2000000000", headers=chinese.headers), 404)
    assert hidden["message"] == "agent 2000000000 not found"


async def test_a_user_created_with_a_language_gets_it(client: Client, staff: Staff) -> None:
    body = {"username": unique("lang_"), "role": Role.AGENT.value, "language": "zh-CN"}
    created = await ok(await client.post("/api/v1/agents", json=body, headers=staff.admin.headers), 201)
    assert created["language"] == "zh-CN" and created["timezone"] is None


async def test_a_user_sets_their_own_language_and_zone_and_nothing_else(
    client: Client, staff: Staff, container: Container
) -> None:
    """`PATCH /api/v1/me`: the caller's own language and time zone, audited like an admin's
    change; anything else of the account, or a bad value, is a 422 that changes nothing."""
    user, other = await new_agent(container), await new_agent(container)
    me = await ok(await client.get("/api/v1/me", headers=user.headers))
    other_path = f"/api/v1/agents/{other.agent_id}"
    other_before = await ok(await client.get(other_path, headers=staff.admin.headers))
    for bad, field in (
        ({"language": "fr"}, "language"),
        ({"language": "zh"}, "language"),
        ({"language": 7}, "language"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"timezone": "Asia/" + "x" * 60}, "timezone"),
        ({"language": "zh-CN", "timezone": "Mars/Olympus"}, "timezone"),  # one bad value refuses all
        ({"language": "zh-CN", "role": "admin"}, "role"),
        ({"display_name": "The boss"}, "display_name"),
        ({"team": "A"}, "team"),
        ({"is_active": False}, "is_active"),
        ({"password": "a long new passphrase"}, "password"),
        ({"skills": {"billing": 10}}, "skills"),
        ({"agent_id": other.agent_id, "language": "zh-CN"}, "agent_id"),
        ({}, None),
    ):
        refused = await error_of(await client.patch("/api/v1/me", json=bad, headers=user.headers), 422)
        assert refused.get("field") == field, (bad, refused)
        assert refused["message"], bad
    assert await ok(await client.get("/api/v1/me", headers=user.headers)) == me  # nothing changed
    bad_zone = await client.patch("/api/v1/me", json={"timezone": "Mars/Olympus"}, headers=user.headers)
    assert (await error_of(bad_zone, 422))["message"] == (
        "timezone must be an IANA time zone name, e.g. Asia/Shanghai"
    )

    chosen = {"language": "zh-CN", "timezone": "Asia/Shanghai"}
    changed = await ok(await client.patch("/api/v1/me", json=chosen, headers=user.headers))
    assert changed == {**me, **chosen}  # those two, and nothing else of the account
    assert await ok(await client.get("/api/v1/me", headers=user.headers)) == changed
    # The same token speaks the new language at once: its cached principal was dropped.
    shared = {"title": "Hi", "body": "Hello", "shared": True}
    refused = await error_of(
        await client.post("/api/v1/canned-responses", json=shared, headers=user.headers), 403
    )
    assert refused["message"] == "共享快捷回复由主管维护"
    assert await ok(await client.get(other_path, headers=staff.admin.headers)) == other_before

    # A field left out stays; null follows the browser again.
    zone_only = await ok(
        await client.patch("/api/v1/me", json={"timezone": "Europe/London"}, headers=user.headers)
    )
    assert (zone_only["language"], zone_only["timezone"]) == ("zh-CN", "Europe/London")
    cleared = await ok(
        await client.patch("/api/v1/me", json={"language": None, "timezone": None}, headers=user.headers)
    )
    assert cleared == me

    audit = await ok(
        await client.get(
            "/api/v1/audit",
            params={"entity": "agent", "entity_id": str(user.agent_id), "action": "update"},
            headers=staff.admin.headers,
        )
    )
    assert [(e["actor"], e["changes"]) for e in audit["items"]] == [
        (f"agent:{user.username}", {"language": None, "timezone": None}),
        (f"agent:{user.username}", {"timezone": "Europe/London"}),
        (f"agent:{user.username}", chosen),
    ]  # the refusals left no entry


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.PLANNER, Role.ADMIN, Role.INTEGRATION])
async def test_every_role_sets_its_own_language(client: Client, container: Container, role: Role) -> None:
    user = await new_agent(container, role)
    changed = await ok(await client.patch("/api/v1/me", json={"language": "zh-CN"}, headers=user.headers))
    assert (changed["id"], changed["role"], changed["language"]) == (user.agent_id, role.value, "zh-CN")
    signed_out = await client.patch("/api/v1/me", json={"language": "en"})
    await error_of(signed_out, 401, "unauthenticated")
