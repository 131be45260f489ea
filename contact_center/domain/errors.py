"""One hierarchy of domain errors, each with a stable code and the HTTP status the edge answers with.

The web middleware maps these to `{"error": {"code", "message"}}`; anything outside the hierarchy is
a 500 whose trace stays in the log.
"""

from __future__ import annotations


class ContactCenterError(Exception):
    code: str = "error"
    http_status: int = 500

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFoundError(ContactCenterError):
    code = "not_found"
    http_status = 404


class ConflictError(ContactCenterError):
    code = "conflict"
    http_status = 409


class IllegalTransitionError(ConflictError):
    code = "illegal_transition"


class InvalidInputError(ContactCenterError):
    code = "invalid_input"
    http_status = 400


class UnprocessableError(ContactCenterError):
    code = "unprocessable"
    http_status = 422


class UnauthenticatedError(ContactCenterError):
    code = "unauthenticated"
    http_status = 401


class ForbiddenError(ContactCenterError):
    code = "forbidden"
    http_status = 403


class TooLargeError(ContactCenterError):
    code = "too_large"
    http_status = 413


class RateLimitedError(ContactCenterError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after_s: int = 1) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class UnavailableError(ContactCenterError):
    code = "unavailable"
    http_status = 503


class ConfigError(ContactCenterError):
    code = "invalid_config"


class FencedError(ConflictError):
    """A router whose lease was taken over tried to write; the newer router's decisions stand."""

    code = "fenced"
