"""Every limit and every bad frame is answered with a clear error frame and changes nothing."""

from __future__ import annotations

import aiohttp
import pytest
from sqlalchemy import func
from sqlmodel import select

from contact_center.domain.interactions import Message
from tests.channels.webchat.conftest import SHOP, Served, Visitor


async def messages_with(served: Served, body: str) -> int:
    async with served.container.uow() as uow:
        stmt = select(func.count()).select_from(Message).where(Message.body == body)
        return int((await uow.session.exec(stmt)).one())


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not json", "not_json"),
        ("[1, 2]", "not_json"),
        ('{"type": "shout"}', "unknown_type"),
        ('{"no": "type"}', "unknown_type"),
        ('{"type": "message", "client_id": "x", "body": "hi"}', "hello_first"),
        ('{"type": "hello", "site": "shop", "token": "forged.token"}', "bad_token"),
        ('{"type": "hello", "site": "shop", "token": "forged.t\u00f6ken"}', "bad_token"),  # not ASCII
        ('{"type": "hello", "site": "shop", "token": "f\u00f6rged.token"}', "bad_token"),
        ('{"type": "hello", "site": "nowhere"}', "unknown_site"),
        ('{"type": "hello", "site": "shop", "last_seq": "7"}', "bad_field"),
    ],
)
async def test_a_bad_frame_gets_an_error_frame_and_the_connection_stays(
    served: Served, raw: str, code: str
) -> None:
    visitor = await served.visitor()
    await visitor.ws.send_str(raw)
    error = await visitor.until("error")
    assert error["code"] == code and error["message"]
    assert (await visitor.hello())["token"]  # still usable
    await visitor.close()


async def test_a_frame_over_the_size_limit_is_refused_and_not_stored(served: Served) -> None:
    visitor = await served.visitor()
    await visitor.hello()
    body = "x" * 3000  # the limit is 2,048 bytes
    await visitor.send({"type": "message", "client_id": "big", "body": body})
    assert (await visitor.until("error"))["code"] == "frame_too_large"
    assert await messages_with(served, body) == 0
    await visitor.close()


async def test_a_frame_far_over_the_limit_closes_with_message_too_big(served: Served) -> None:
    visitor = await served.visitor()
    await visitor.hello()
    await visitor.ws.send_str("y" * 20_000)
    message = await visitor.ws.receive(timeout=10)
    assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
    assert visitor.ws.close_code == 1009


async def test_bad_fields_of_a_message_name_its_client_id(served: Served) -> None:
    visitor = await served.visitor()
    await visitor.hello()
    await visitor.send({"type": "message", "client_id": "has space", "body": "hi"})
    assert (await visitor.until("error"))["code"] == "bad_field"
    await visitor.send({"type": "message", "client_id": "empty", "body": "  "})
    error = await visitor.until("error")
    assert error["code"] == "bad_field" and error["client_id"] == "empty"
    await visitor.send(
        {"type": "message", "client_id": "att", "body": "see", "attachments": ["nosuchupload123456"]}
    )
    error = await visitor.until("error")
    assert error["code"] == "bad_attachment" and error["client_id"] == "att"
    await visitor.close()


async def test_too_many_messages_a_second_are_refused_with_retry_after(served: Served) -> None:
    visitor = await served.visitor()
    await visitor.hello()
    for n in range(5):  # the burst
        await visitor.say(f"ok{n}", f"burst {n}")
    await visitor.send({"type": "message", "client_id": "over", "body": "one too many"})
    error = await visitor.until("error", client_id="over")
    assert error["code"] == "rate_limited" and error["retry_after_ms"] > 0
    assert await messages_with(served, "one too many") == 0
    await visitor.close()


async def test_connections_over_the_limit_per_address_are_refused(served: Served) -> None:
    visitors = [await served.visitor() for _ in range(6)]
    extra = await served.visitor()
    error = await extra.receive()
    assert error["type"] == "error" and error["code"] == "too_many_connections"
    await extra.ws.receive(timeout=10)
    assert extra.ws.close_code == 1008
    await visitors[0].close()
    again = await served.visitor()  # a connection closed makes room
    assert (await again.hello())["token"]
    for v in [*visitors[1:], again]:
        await v.close()


@pytest.mark.parametrize("origin", ["https://evil.example", None])
async def test_an_origin_the_site_does_not_allow_is_refused(served: Served, origin: str | None) -> None:
    headers = {"Origin": origin} if origin else {}
    ws = await served.http.ws_connect(served.ws_url, headers=headers)
    visitor = Visitor(ws)
    await visitor.send({"type": "hello", "site": "shop"})
    error = await visitor.receive()
    assert error["code"] == "origin_not_allowed"
    await ws.receive(timeout=10)
    assert ws.close_code == 1008


async def test_this_servers_own_origin_may_open_any_site(served: Served) -> None:
    visitor = await served.visitor(origin=served.base)
    assert (await visitor.hello())["token"]
    await visitor.close()
    listed = await served.visitor(origin=SHOP)
    assert (await listed.hello())["token"]
    await listed.close()


async def test_a_token_of_another_site_is_refused(served: Served) -> None:
    visitor = await served.visitor(origin=served.base)
    token = (await visitor.hello(site="other"))["token"]
    await visitor.close()
    other = await served.visitor()
    await other.send({"type": "hello", "site": "shop", "token": token})
    assert (await other.until("error"))["code"] == "bad_token"
    await other.close()


async def test_a_flood_of_frames_of_any_type_is_answered_with_rate_limited(served: Served) -> None:
    visitor = await served.visitor()
    await visitor.hello()
    for _ in range(60):
        await visitor.send({"type": "read", "up_to": 1})
    frames = await visitor.quiet(1.0)
    limited = [f for f in frames if f["type"] == "error" and f["code"] == "rate_limited"]
    assert limited and all(f["retry_after_ms"] > 0 for f in limited)
    await visitor.close()
