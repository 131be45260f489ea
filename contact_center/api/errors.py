"""The one error middleware: domain errors become `{"error": {"code", "message"}}` with their status.

Looked up by exception class, as starlette does. A database or Redis that cannot be reached is a
503; anything unknown is a 500 that carries the request id, with the trace in the log only.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable

from aiohttp import web
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from contact_center.domain.errors import ContactCenterError, RateLimitedError

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
UNAVAILABLE = (OperationalError, PoolTimeoutError, RedisConnectionError, ConnectionError, OSError)


def error_response(status: int, code: str, message: str, *, request_id: str | None = None) -> web.Response:
    body: dict[str, object] = {"code": code, "message": message}
    if request_id:
        body["request_id"] = request_id
    return web.json_response({"error": body}, status=status)


def _is_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, UNAVAILABLE)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex[:16]
    request["request_id"] = request_id
    try:
        response = await handler(request)
    except ContactCenterError as exc:
        response = error_response(exc.http_status, exc.code, exc.message)
        if isinstance(exc, RateLimitedError):
            response.headers["Retry-After"] = str(exc.retry_after_s)
    except web.HTTPRequestEntityTooLarge:
        response = error_response(413, "too_large", "request body too large")
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        response = error_response(exc.status, _code_for(exc.status), exc.reason)
    except json.JSONDecodeError:
        response = error_response(400, "malformed_json", "the body is not valid JSON")
    except Exception as exc:
        if _is_unavailable(exc):
            log.warning("request.unavailable", extra={"request_id": request_id, "error": type(exc).__name__})
            response = error_response(503, "unavailable", "a backing service is unavailable, retry shortly")
            response.headers["Retry-After"] = "5"
        else:
            log.exception("request.failed", extra={"request_id": request_id, "path": request.path})
            response = error_response(500, "internal", "internal error", request_id=request_id)
    response.headers["X-Request-Id"] = request_id
    return response


def _code_for(status: int) -> str:
    return {
        400: "bad_request",
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        415: "unsupported_media_type",
        422: "unprocessable",
        429: "rate_limited",
    }.get(status, "http_error")
