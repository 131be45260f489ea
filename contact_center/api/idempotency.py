"""`Idempotency-Key` on every creating POST: a retry gets the first answer, never a second row.

`@idempotent()` wraps a handler. Without the header the handler runs as it is. With it, the key is
scoped to the caller, the method and the path, and the body's fingerprint is kept with it: a known
key with another body is 422 `idempotency_key_reused`; a key whose request is still running is 409
`idempotency_key_in_progress` (Retry-After); an answered key gets the first answer word for word
plus `Idempotent-Replayed: true`. A new key is claimed in the transaction that stores the command's
rows (`storage/idempotency.py`), and the answer is stored right after. Design: docs/api.md.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiohttp import web

from contact_center.api.auth import authenticate
from contact_center.api.errors import domain_error_response
from contact_center.api.keys import IDEMPOTENCY
from contact_center.api.validation import read_body
from contact_center.domain.errors import (
    ConflictError,
    ContactCenterError,
    InvalidInputError,
    UnprocessableError,
)
from contact_center.storage.idempotency import (
    SCOPE_LENGTH,
    Answer,
    Claim,
    IdempotencyRecord,
    IdempotencyStore,
    pending,
)

log = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 200
#: A claim without an answer this long after it was made belongs to a request that died.
ANSWER_GRACE = timedelta(minutes=1)
#: Headers of an answer that a replay repeats.
KEPT_HEADERS = ("Content-Type", "Location", "Retry-After")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
#: Who is asking, as the scope's first part; None when the body cannot say (the handler refuses it).
Caller = Callable[[web.Request, Any], Awaitable[str | None]]


def idempotency_key(request: web.Request) -> str | None:
    """The caller's key, checked: printable ASCII, at most 200 characters."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise InvalidInputError(
            f"{IDEMPOTENCY_HEADER} must be 1 to {MAX_KEY_LENGTH} printable ASCII characters"
        )
    return key


async def signed_in_agent(request: web.Request, body: Any) -> str:
    return f"agent:{(await authenticate(request)).agent_id}"


async def named_user(request: web.Request, body: Any) -> str | None:
    """For signing in, where nobody is signed in yet: the username the body names."""
    username = body.get("username") if isinstance(body, dict) else None
    return f"user:{username}" if isinstance(username, str) and username else None


def idempotent(
    *, caller: Caller = signed_in_agent, holds_secret: bool = False
) -> Callable[[Handler], Handler]:
    """Make a creating handler honour `Idempotency-Key`.

    `holds_secret`: the body holds a password or the answer a token. The fingerprint is then a
    salted scrypt hash (no cheap guessing of the password from it) and the stored answer is sealed
    with a key only the same body can derive, so the table never holds a usable token."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def honour_key(request: web.Request) -> web.StreamResponse:
            key = idempotency_key(request)
            if key is None:
                return await handler(request)
            raw = await read_body(request)
            who = await caller(request, _json_or_none(raw))
            if who is None:
                return await handler(request)
            scope = _scope(who, request)
            fingerprint, secret = await _fingerprint(_canonical(raw), scope, key, holds_secret)
            store = request.app[IDEMPOTENCY]
            if (found := await store.find(scope, key)) is not None:
                return _retry_answer(store, found, fingerprint, secret)
            nonce = secrets.token_hex(16) if holds_secret else ""
            claim = Claim(scope, key, fingerprint, nonce, created_at=store.clock())
            try:
                with pending(claim):
                    response = await handler(request)
            except Exception as exc:
                if not claim.is_committed:
                    # Nothing of ours committed; if another request claimed the key meanwhile
                    # (the unique key refused ours), answer as to a retry of that one.
                    if (raced := await store.find(scope, key)) is not None:
                        return _retry_answer(store, raced, fingerprint, secret)
                    raise
                if not isinstance(exc, ContactCenterError):
                    raise  # committed, then failed: the key stays unanswered (docs/api.md)
                response = domain_error_response(exc)
            if claim.is_committed:
                await _store_answer(store, claim, response, secret)
            return response

        honour_key.honours_idempotency_key = True  # type: ignore[attr-defined]
        return honour_key

    return decorate


def honours_idempotency_key(handler: Handler) -> bool:
    return getattr(handler, "honours_idempotency_key", False) is True


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return None


def _canonical(raw: bytes) -> bytes:
    """The body as canonical JSON (sorted keys, no spaces), so spacing and key order do not count."""
    data = _json_or_none(raw)
    if data is None:
        return raw
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _scope(who: str, request: web.Request) -> str:
    scope = f"{who} {request.method} {request.path}"
    if len(scope) <= SCOPE_LENGTH:
        return scope
    return f"{who} {request.method} sha256:{hashlib.sha256(request.path.encode()).hexdigest()}"[:SCOPE_LENGTH]


async def _fingerprint(body: bytes, scope: str, key: str, holds_secret: bool) -> tuple[str, bytes]:
    """The body's fingerprint, and (for secrets) the key that seals the answer."""
    if not holds_secret:
        return hashlib.sha256(body).hexdigest(), b""
    salt = f"{scope}\n{key}".encode()
    derived = await asyncio.to_thread(hashlib.scrypt, body, salt=salt, n=2**14, r=8, p=1, dklen=64)
    return derived[:32].hex(), derived[32:]


def _xor_stream(data: bytes, secret: bytes, nonce: str) -> bytes:
    """Seal or unseal: XOR with a SHAKE-256 stream keyed by the body-derived secret and the claim's
    own random nonce, so no two answers share a stream."""
    stream = hashlib.shake_256(b"idempotency-answer\0" + secret + bytes.fromhex(nonce)).digest(len(data))
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def _retry_answer(
    store: IdempotencyStore, found: IdempotencyRecord, fingerprint: str, secret: bytes
) -> web.Response:
    if not secrets.compare_digest(found.fingerprint, fingerprint):
        raise UnprocessableError(
            f"this {IDEMPOTENCY_HEADER} was used with a different body; a new request needs a new key",
            code="idempotency_key_reused",
        )
    if found.status is not None and found.answer is not None:
        body = found.answer
        if found.is_sealed:
            body = _xor_stream(base64.b64decode(body), secret, found.nonce).decode()
        headers = {**(found.headers or {}), REPLAYED_HEADER: "true"}
        return web.Response(status=found.status, body=body.encode(), headers=headers)
    if store.clock() - found.created_at < ANSWER_GRACE:
        raise ConflictError(
            f"the first request with this {IDEMPOTENCY_HEADER} is still running; retry shortly",
            code="idempotency_key_in_progress",
            retry_after_s=1,
        )
    raise ConflictError(
        f"the request with this {IDEMPOTENCY_HEADER} was applied, but its answer was lost: "
        "do not send it again; read the resource to see the result",
        code="idempotency_answer_lost",
    )


async def _store_answer(
    store: IdempotencyStore, claim: Claim, response: web.StreamResponse, secret: bytes
) -> None:
    """A 5xx after the commit is not the answer (the rows exist): the key stays unanswered."""
    raw = response.body if isinstance(response, web.Response) else None
    if response.status >= 500 or not isinstance(raw, bytes):
        log.warning("idempotency.answer_unstored", extra={"status": response.status})
        return
    text = raw.decode()
    headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    sealed = bool(secret)
    body = base64.b64encode(_xor_stream(text.encode(), secret, claim.nonce)).decode() if sealed else text
    await store.answer(claim, Answer(response.status, body, headers, is_sealed=sealed))
