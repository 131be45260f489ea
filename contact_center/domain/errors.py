"""One hierarchy of domain errors, each with a stable code and the HTTP status the edge answers with.

The web middleware maps these to `{"error": {"code", "message"}}`; anything outside the hierarchy is
a 500 whose trace stays in the log.
"""

from __future__ import annotations


class ContactCenterError(Exception):
    code: str = "error"
    http_status: int = 500
    #: Seconds after which a retry may succeed (sent as Retry-After), when that is known.
    retry_after_s: int | None = None
    #: The request field the error is about, when it is about one: a form shows it next to it.
    field: str | None = None

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        retry_after_s: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if retry_after_s is not None:
            self.retry_after_s = retry_after_s
        if field is not None:
            self.field = field


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
    """A request body over `http.max_body_bytes`: refused before any of it is parsed."""

    code = "too_large"
    http_status = 413


class RateLimitedError(ContactCenterError):
    code = "rate_limited"
    http_status = 429
    retry_after_s = 1


class UnavailableError(ContactCenterError):
    """The database or Redis cannot be reached: nothing was changed, and a retry soon may work."""

    code = "unavailable"
    http_status = 503
    retry_after_s = 5


class ConfigError(ContactCenterError):
    code = "invalid_config"


class FencedError(ConflictError):
    """A router whose lease was taken over tried to write; the newer router's decisions stand."""

    code = "fenced"


class MailRefusedError(ContactCenterError):
    """The mail server refused the message for good (a 5xx answer): sending it again will not help."""

    code = "mail_refused"
    http_status = 502


class MailDeferredError(ContactCenterError):
    """The mail could not be handed over now (a 4xx answer, no connection, a timeout): a later
    attempt may succeed."""

    code = "mail_deferred"
    http_status = 503
    retry_after_s = 60
