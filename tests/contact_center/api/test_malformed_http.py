"""Malformed HTTP, sent over raw sockets to a real server, gets the API's JSON error shape.

These requests never reach a route or the error middleware: aiohttp's parser refuses them. Each
answer must carry the right 4xx, `{"error": {"code", "message"}}`, the security headers, no trace,
no software banner and none of the request's own bytes.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web

from contact_center.api.protocol_errors import ApiRunner
from contact_center.bootstrap import build_api_app, build_container
from tests.conftest import make_settings

MARK = b"zq7xw"  # in every malformed request: the answer must not echo it


@dataclass(frozen=True, slots=True)
class RawAnswer:
    status: int
    headers: dict[str, str]
    body: bytes
    raw: bytes

    def error(self) -> dict[str, str]:
        assert self.headers["content-type"].startswith("application/json"), self.raw
        document = json.loads(self.body)
        assert set(document) == {"error"}, document
        error = document["error"]
        assert isinstance(error["code"], str) and isinstance(error["message"], str) and error["message"]
        return dict(error)


@pytest.fixture
async def address(sqlite_url: str) -> AsyncIterator[tuple[str, int]]:
    """The API on a real socket, run as `serve` runs it."""
    container = build_container(make_settings(sqlite_url))
    runner = ApiRunner(build_api_app(container))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield str(host), int(port)
    finally:
        await runner.cleanup()
        await container.close()


async def send_raw(address: tuple[str, int], request: bytes) -> RawAnswer:
    reader, writer = await asyncio.open_connection(*address)
    try:
        writer.write(request)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout=10)  # every one of these closes the connection
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return RawAnswer(int(status_line.split()[1]), headers, body, raw)


def _request(line: bytes, *headers: bytes, body: bytes = b"") -> bytes:
    return line + b"\r\n" + b"".join(h + b"\r\n" for h in (b"Host: localhost", *headers)) + b"\r\n" + body


MALFORMED = {
    "not HTTP at all": (MARK + b" nonsense\r\n\r\n", 400),
    "a method with a bad character": (b"G@T /" + MARK + b" HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    "an unknown HTTP version": (_request(b"GET /" + MARK + b" HTTP/9.9"), 400),
    "TLS sent to the plain port": (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + MARK, 400),
    "a header name with a space": (_request(b"GET /healthz HTTP/1.1", b"Bad " + MARK + b": y"), 400),
    "a NUL in a header value": (_request(b"GET /healthz HTTP/1.1", b"X-A: " + MARK + b"\x00"), 400),
    "a request line too long": (_request(b"GET /" + MARK * 2000 + b" HTTP/1.1"), 414),
    "a header too long": (_request(b"GET /healthz HTTP/1.1", b"X-Big: " + MARK * 2000), 431),
    "too many headers": (
        _request(b"GET /healthz HTTP/1.1", *(b"X-%d: " % i + MARK for i in range(200))),
        431,
    ),
    "a bad chunk size": (
        _request(
            b"POST /api/v1/auth/token HTTP/1.1",
            b"Content-Type: application/json",
            b"Transfer-Encoding: chunked",
            body=MARK + b"\r\nabc\r\n0\r\n\r\n",
        ),
        400,
    ),
    "chunked and a length": (
        _request(
            b"POST /api/v1/auth/token HTTP/1.1",
            b"Transfer-Encoding: chunked",
            b"Content-Length: 5",
            body=b"0\r\n\r\n",
        ),
        400,
    ),
    "a length that is not a number": (
        _request(b"POST /api/v1/auth/token HTTP/1.1", b"Content-Length: " + MARK),
        400,
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
async def test_malformed_request_gets_the_json_error_shape(address: tuple[str, int], case: str) -> None:
    request, status = MALFORMED[case]
    answer = await send_raw(address, request)
    assert answer.status == status, answer.raw
    error = answer.error()
    assert error["code"] in {"bad_request", "uri_too_long", "headers_too_large"}, error
    assert "request_id" not in error  # a client's mistake, nothing for the log to join
    assert answer.headers["server"] == "contact-center"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" in answer.headers and answer.headers["x-request-id"]
    for leak in (b"aiohttp", b"Python", b"Traceback", MARK, b"text/plain"):
        assert leak not in answer.raw, (leak, answer.raw)


async def test_a_body_whose_content_encoding_lies_is_a_400(address: tuple[str, int]) -> None:
    """The parser accepts the framing; decoding fails when the handler reads the body."""
    body = b"not gzip " + MARK
    answer = await send_raw(
        address,
        _request(
            b"POST /api/v1/auth/token HTTP/1.1",
            b"Content-Type: application/json",
            b"Content-Encoding: gzip",
            b"Connection: close",
            b"Content-Length: %d" % len(body),
            body=body,
        ),
    )
    assert answer.status == 400, answer.raw
    assert answer.error()["code"] == "malformed_body"
    assert MARK not in answer.raw and b"Traceback" not in answer.raw


async def test_a_well_formed_request_on_the_same_server_is_served(address: tuple[str, int]) -> None:
    body = gzip.compress(json.dumps({"username": "nobody", "password": "x"}).encode())
    answer = await send_raw(
        address,
        _request(
            b"POST /api/v1/auth/token HTTP/1.1",
            b"Content-Type: application/json",
            b"Content-Encoding: gzip",
            b"Connection: close",
            b"Content-Length: %d" % len(body),
            body=body,
        ),
    )
    assert answer.status == 401, answer.raw  # read, decoded, and refused for the right reason
    assert answer.error()["code"] == "unauthenticated"


async def test_an_exception_no_middleware_caught_is_a_json_500_without_its_trace() -> None:
    """The protocol handler's last resort (the error middleware normally answers first)."""

    async def broken(request: web.Request) -> web.Response:
        raise RuntimeError("secret detail " + MARK.decode())

    app = web.Application()
    app.router.add_get("/broken", broken)
    runner = ApiRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        answer = await send_raw((host, port), _request(b"GET /broken HTTP/1.1", b"Accept: text/html"))
    finally:
        await runner.cleanup()
    assert answer.status == 500, answer.raw
    error = answer.error()
    assert error["code"] == "internal" and error["request_id"] == answer.headers["x-request-id"]
    for leak in (b"secret detail", b"Traceback", b"aiohttp", b"<html"):
        assert leak not in answer.raw
