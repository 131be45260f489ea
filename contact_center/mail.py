"""The outgoing mail port: what the core hands to whatever sends mail (the SMTP adapter in
`channels/smtp.py`), and the two ways that can fail.

The core chooses everything a recipient sees (addressee, subject, both bodies, the Message-ID and
threading headers, the language); the adapter only knows how to put it on the wire. A failure is
either a refusal (`MailRefusedError`: the server said no for good) or a deferral
(`MailDeferredError`: try again later), so a caller can decide whether to retry without knowing SMTP
reply codes. Transcripts are the first user (`contact_center/transcripts/`); supervisor alerts and
the email channel are meant to reuse it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from contact_center.domain.errors import InvalidInputError, MailDeferredError, MailRefusedError

__all__ = ["MailDeferredError", "MailRefusedError", "MailSender", "OutgoingMail", "new_message_id"]

#: Headers the adapter writes itself from the mail's fields; `headers` may not set them again.
OWN_HEADERS = frozenset(
    {"from", "to", "cc", "bcc", "subject", "message-id", "date", "content-language", "sender", "reply-to"}
    | {"content-type", "content-transfer-encoding", "mime-version"}
)


def _single_line(name: str, value: str) -> None:
    # A line break in a header value would let text a customer typed add headers of its own.
    if "\r" in value or "\n" in value:
        raise InvalidInputError(f"a mail's {name} is one line")


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """One message to one recipient.

    `message_id` is chosen by the core (see `new_message_id`) so that it is stored before the mail
    leaves, and sending the same mail again carries the same id. `headers` adds threading or
    classification headers (`In-Reply-To`, `References`, `Auto-Submitted`), never the ones above."""

    to: str
    subject: str
    text: str
    message_id: str
    html: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    #: A BCP 47 tag (`en`, `zh-CN`), written as Content-Language.
    language: str = "en"

    def __post_init__(self) -> None:
        for name, value in (("to", self.to), ("subject", self.subject), ("message id", self.message_id)):
            _single_line(name, value)
        if "@" not in self.to:
            raise InvalidInputError("a mail's recipient is an email address")
        if not (self.message_id.startswith("<") and self.message_id.endswith(">") and "@" in self.message_id):
            raise InvalidInputError("a Message-ID looks like <left@right>")
        for name, value in self.headers:
            _single_line(f"header {name!r}", value)
            if not name or not all(33 <= ord(ch) <= 126 and ch != ":" for ch in name):
                raise InvalidInputError(f"{name!r} is not a header name")
            if name.lower() in OWN_HEADERS:
                raise InvalidInputError(f"the {name} header comes from the mail's own fields")


def new_message_id(domain: str, kind: str = "cc") -> str:
    """A fresh Message-ID under our own domain (RFC 5322: unique, `<left@right>`)."""
    return f"<{kind}.{uuid.uuid4().hex}@{domain}>"


class MailSender(Protocol):
    """What sends mail. `send` returns once the server has accepted the message for delivery."""

    async def send(self, mail: OutgoingMail) -> None:
        """Raise `MailRefusedError` when the server refuses it for good, `MailDeferredError` when
        it cannot be handed over now (a 4xx answer, no connection, a timeout)."""
        ...
