"""A user's language and time zone through the API, and error messages in the reader's language:
the user's own, else the browser's Accept-Language; the code never changes (SQLite, PostgreSQL)."""

from __future__ import annotations

from typing import Any

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
