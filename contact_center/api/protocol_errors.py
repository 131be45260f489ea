"""Requests too malformed to reach the application, answered in the API's JSON error shape.

aiohttp's HTTP parser refuses a bad request line, a malformed or oversized header, too many
headers, or a broken chunked body before any route or middleware sees the request, and its
protocol handler answered those in text/plain with the parser's message (which echoes the
offending bytes) and a `Server: Python/... aiohttp/...` banner. aiohttp offers no public hook
there (its issue #3287), so `ApiRunner` makes its server build protocol handlers of
`ErrorDocumentHandler`, whose `handle_error` renders `{"error": {"code", "message"}}` with the
security headers. The same method answers whatever escapes the application (a 500 or a 504),
which the error middleware normally catches first; there too no trace reaches the client.

The request line and the header fields get limits of different sizes, so an overflow tells which
of the two it was: 414 for the request line, 431 for a header (RFC 9110 and RFC 6585).
"""

from __future__ import annotations

import json
import logging
import uuid
from http import HTTPStatus
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import (
    BadHttpMethod,
    BadStatusLine,
    HttpProcessingError,
    InvalidHeader,
    InvalidURLError,
    LineTooLong,
    PayloadEncodingError,
)
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

from contact_center.api.errors import code_for
from contact_center.api.headers import set_security_headers

log = logging.getLogger(__name__)

#: The longest request line (method, target, version) read; past it, 414.
MAX_REQUEST_LINE_BYTES = 8192
#: The longest header field (name and value) read; past it, 431. Differs from the line's limit
#: on purpose: the parser's error carries only the limit it hit.
MAX_HEADER_FIELD_BYTES = 8190
MAX_HEADERS = 128


def refusal(exc: BaseException | None, status: int) -> tuple[int, str]:
    """The status and a message for a refused request; the message never echoes the request's
    bytes (aiohttp's own messages do)."""
    if isinstance(exc, LineTooLong):
        if exc.args[1:2] == (MAX_REQUEST_LINE_BYTES,):
            return 414, f"the request line is longer than {MAX_REQUEST_LINE_BYTES} bytes"
        return 431, f"a header field is longer than {MAX_HEADER_FIELD_BYTES} bytes"
    if isinstance(exc, HttpProcessingError) and exc.message.startswith("Too many headers"):
        return 431, f"the request has more than {MAX_HEADERS} header fields"
    if isinstance(exc, BadHttpMethod):
        return 400, "the request line does not start with an HTTP method"
    if isinstance(exc, BadStatusLine | InvalidURLError):
        return 400, "the request line is malformed"
    if isinstance(exc, InvalidHeader):
        return 400, "a header field is malformed"
    if isinstance(exc, PayloadEncodingError):
        return 400, "the body's framing or encoding is malformed"
    if isinstance(exc, HttpProcessingError):
        return status, _reason(exc.message) or HTTPStatus(status).phrase.lower()
    if status == 504:
        return 504, "the request took too long"
    return status, "internal error"


def _reason(message: str) -> str:
    """The parser's own description without the excerpt it quotes ("Invalid header token:\\n\\n
    b'...'" gives "invalid header token"), or "" when it cannot be told apart from the bytes."""
    first = message.split(":\n", 1)[0].strip()
    if not first or len(first) > 80 or any(c in first for c in "'\"\\\n"):
        return ""
    return "the request is malformed: " + first[0].lower() + first[1:]


class ErrorDocumentHandler(RequestHandler):
    """aiohttp's protocol handler, answering its errors as the API answers its own."""

    __slots__ = ()

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if request.writer.output_size > 0:  # as aiohttp: an answer is under way, the connection is lost
            raise ConnectionError("an answer was already being sent")
        status, text = refusal(exc, status)
        request_id = uuid.uuid4().hex[:16]
        if status >= 500:
            log.error("http.failed", extra={"request_id": request_id, "status": status}, exc_info=exc)
        else:  # a client's mistake (or a port scan): one line, no trace
            log.info(
                "http.malformed",
                extra={"request_id": request_id, "status": status, "remote": request.remote or ""},
            )
        error: dict[str, Any] = {"code": code_for(status), "message": text}
        if status >= 500:
            error["request_id"] = request_id
        response = web.Response(
            status=status, text=json.dumps({"error": error}), content_type="application/json"
        )
        # No settings reach here, so no HSTS: a browser that sends unparseable HTTP has no use for it.
        set_security_headers(response.headers, https=False)
        response.headers["X-Request-Id"] = request_id
        response.force_close()
        return response


class _ErrorDocumentServer(web.Server):
    def __call__(self) -> RequestHandler:
        return ErrorDocumentHandler(self, loop=self._loop, **self._kwargs)


class ApiRunner(web.AppRunner):
    """`web.AppRunner` whose connections answer malformed requests with the JSON error shape.

    Every server of the contact center (and the tests' served apps) runs the app with this."""

    def __init__(self, app: web.Application, **kwargs: Any) -> None:
        kwargs.setdefault("max_line_size", MAX_REQUEST_LINE_BYTES)
        kwargs.setdefault("max_field_size", MAX_HEADER_FIELD_BYTES)
        kwargs.setdefault("max_headers", MAX_HEADERS)
        super().__init__(app, **kwargs)

    async def _make_server(self) -> web.Server:
        # The application builds its server as usual (start-up signals, its handler arguments);
        # only the factory of protocol handlers changes. The class adds no state of its own.
        server = await super()._make_server()
        server.__class__ = _ErrorDocumentServer
        return server
