"""Signed visitor tokens: the web chat visitor's only credential.

A token names a visitor id (the chat identity a customer is resolved by) and the site it was made
for, with the time it was issued, signed with HMAC-SHA256 under `[webchat] secret`. A returning
visitor presents it and resumes the same conversation; a token that fails the signature, names
another site or is older than `token_max_age_days` is refused (the widget then starts afresh).
Nothing secret is inside: the visitor id is random and names nobody.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

VISITOR_PREFIX = "wc_"


class BadTokenError(ValueError):
    """The token is malformed, forged, expired, or for another site."""


@dataclass(frozen=True, slots=True)
class Visitor:
    visitor_id: str
    site: str
    issued_at: datetime


def new_visitor_id() -> str:
    return VISITOR_PREFIX + secrets.token_urlsafe(18)


class VisitorTokens:
    def __init__(self, secret: bytes, *, max_age: timedelta) -> None:
        if len(secret) < 32:
            raise ValueError("a visitor token secret needs at least 32 bytes")
        self._secret = secret
        self._max_age = max_age

    def issue(self, visitor_id: str, site: str, now: datetime) -> str:
        payload = json.dumps({"v": visitor_id, "s": site, "t": int(now.timestamp())}, separators=(",", ":"))
        body = _b64(payload.encode())
        return f"{body}.{self._sign(body)}"

    def verify(self, token: str, site: str, now: datetime) -> Visitor:
        body, dot, signature = token.partition(".")
        # Bytes, not str: compare_digest refuses (raises on) a str with non-ASCII characters,
        # which is what a hostile client would send.
        expected = self._sign(body).encode()
        if not dot or len(token) > 512 or not hmac.compare_digest(signature.encode(), expected):
            raise BadTokenError("the visitor token is not valid")
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            visitor_id, token_site, issued = str(data["v"]), str(data["s"]), int(data["t"])
        except (ValueError, KeyError, TypeError) as exc:
            raise BadTokenError("the visitor token is not valid") from exc
        if token_site != site:
            raise BadTokenError("the visitor token is for another site")
        issued_at = datetime.fromtimestamp(issued, tz=now.tzinfo)
        if now - issued_at > self._max_age:
            raise BadTokenError("the visitor token has expired")
        return Visitor(visitor_id, token_site, issued_at)

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._secret, body.encode(), hashlib.sha256).digest())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
