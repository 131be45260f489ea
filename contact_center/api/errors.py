"""The one error middleware: domain errors become `{"error": {"code", "message"}}` with their status.

Looked up by exception class, as starlette does. A database or Redis that cannot be reached is a
503; anything unknown is a 500 that carries the request id, with the trace in the log only.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable

from aiohttp import web
from sqlalchemy.exc import IntegrityError

from contact_center import i18n
from contact_center.domain.errors import ConflictError, ContactCenterError, UnavailableError
from contact_center.i18n import N_
from contact_center.logs import log_context
from contact_center.outage import is_outage

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
REQUEST_ID_KEY = web.RequestKey("request_id", str)
#: aiohttp's own refusals say their HTTP reason phrase; marked here so the catalogue has them.
HTTP_REASONS = (
    N_("Bad Request"),
    N_("Not Found"),
    N_("Method Not Allowed"),
    N_("Request Entity Too Large"),
    N_("Unsupported Media Type"),
    N_("Request-URI Too Long"),
    N_("Request Header Fields Too Large"),
)


def error_response(
    status: int, code: str, message: str, *, request_id: str | None = None, field: str | None = None
) -> web.Response:
    """The error document; `message` is for people, so it is said in the request's language (the
    `code` is for programs and never changes). A message built with values in it has no entry in
    the catalogue and stays English."""
    body: dict[str, object] = {"code": code, "message": i18n.gettext(message)}
    if field:
        body["field"] = field
    if request_id:
        body["request_id"] = request_id
    return web.json_response({"error": body}, status=status)


def _is_unique_violation(exc: BaseException) -> bool:
    """Two requests raced to claim the same key (a phone, a username): the loser gets a 409."""
    if not isinstance(exc, IntegrityError):
        return False
    orig = exc.orig
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)


def _request_id(request: web.Request) -> str:
    """The caller's X-Request-Id when it is a plain token, so logs join up; else a fresh one."""
    given = request.headers.get("X-Request-Id", "")
    return given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:16]


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request_id = _request_id(request)
    request[REQUEST_ID_KEY] = request_id
    i18n.use(i18n.negotiate(request.headers.get("Accept-Language")))  # until a signed-in user's own
    context = log_context.set({"request_id": request_id})
    started = time.perf_counter()
    try:
        response = await _answer(request, handler, request_id)
        log.info(
            "http.request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response
    finally:
        log_context.reset(context)


async def _answer(request: web.Request, handler: Handler, request_id: str) -> web.StreamResponse:
    try:
        response = await handler(request)
    except ContactCenterError as exc:
        response = domain_error_response(exc)
    except web.RequestPayloadError:  # a body aiohttp cannot decode (a gzip Content-Encoding that is not)
        response = error_response(400, "malformed_body", "the body's framing or encoding is malformed")
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        response = error_response(exc.status, code_for(exc.status), exc.reason)
        if "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
    except Exception as exc:  # the edge: whatever escaped becomes a JSON answer, never a trace
        response = _unexpected(request, request_id, exc)
    response.headers["X-Request-Id"] = request_id
    return response


def domain_error_response(exc: ContactCenterError) -> web.Response:
    """The answer to a domain error, as the middleware renders it (idempotency stores it too)."""
    response = error_response(exc.http_status, exc.code, exc.message, field=exc.field)
    if exc.retry_after_s is not None:
        response.headers["Retry-After"] = str(exc.retry_after_s)
    return response


def _unexpected(request: web.Request, request_id: str, exc: Exception) -> web.Response:
    """A database or Redis out of reach, or a lost race on a unique key, is a domain error still."""
    if is_outage(exc):
        # Not a warning per request: a database away for ten seconds would write thousands. The
        # outage itself is logged once by /readyz and by each background loop (`outage.py`).
        log.info("request.unavailable", extra={"request_id": request_id, "error": type(exc).__name__})
        return domain_error_response(UnavailableError("a backing service is unavailable, retry shortly"))
    if _is_unique_violation(exc):
        log.info("request.conflict", extra={"request_id": request_id, "path": request.path})
        return domain_error_response(ConflictError("this conflicts with a record stored meanwhile; retry"))
    log.exception("request.failed", extra={"request_id": request_id, "path": request.path})
    return error_response(500, "internal", "internal error", request_id=request_id)


def code_for(status: int) -> str:
    """The error code of an HTTP status that no domain error names (aiohttp's own refusals)."""
    return {
        400: "bad_request",
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        414: "uri_too_long",
        415: "unsupported_media_type",
        422: "unprocessable",
        429: "rate_limited",
        431: "headers_too_large",
        500: "internal",
        504: "timeout",
    }.get(status, "http_error")
