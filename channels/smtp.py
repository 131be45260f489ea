"""The SMTP adapter of the mail port (`contact_center/mail.py`): builds the MIME message and hands it
to the configured server with aiosmtplib.

Settings come from `[mail]` (`MailSettings`): STARTTLS, TLS from the first byte, or none, with an
optional login. Each mail opens its own connection: transcripts are few, and a connection kept
open would need its own health checks. The server's answer decides the error: a 5xx answer (or a
server that lacks what the settings ask for) is a refusal, anything else that stops the handover
(4xx, no connection, a timeout) a deferral that a later attempt may cure. The reason kept with
either is the server's code and text, cut short; it can name the recipient, so callers store it
only where erasure reaches.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

import aiosmtplib

from contact_center.mail import MailDeferredError, MailRefusedError, OutgoingMail
from contact_center.settings import MailSettings

log = logging.getLogger(__name__)

#: Bodies as quoted-printable or base64 (whichever is shorter), headers RFC 2047: every byte ASCII,
#: so a server without 8BITMIME or SMTPUTF8 relays it unchanged.
SEVEN_BIT = SMTP.clone(cte_type="7bit")
#: The longest server text kept in an error (the rest is rarely more than a link to a help page).
REASON_CHARS = 300


def build_message(mail: OutgoingMail, settings: MailSettings, *, now: datetime | None = None) -> EmailMessage:
    """The message as it goes on the wire: UTF-8 bodies (text, and HTML as its alternative) in a
    7-bit encoding, non-ASCII headers encoded (RFC 2047), addresses from the settings and the mail."""
    assert settings.from_address is not None
    message = EmailMessage(policy=SEVEN_BIT)
    user, _, domain = settings.from_address.rpartition("@")
    message["From"] = Address(display_name=settings.from_name, username=user, domain=domain)
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = mail.message_id
    for name, value in mail.headers:
        message[name] = value
    message.set_content(mail.text, charset="utf-8")
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html", charset="utf-8")
    # After the bodies: making the message multipart moves the Content-* headers set before into
    # its first part.
    message["Content-Language"] = mail.language
    return message


def _reason(code: int | None, text: str) -> str:
    return (f"{code} {text}" if code is not None else text).strip()[:REASON_CHARS]


class SmtpSender:
    """`MailSender` over SMTP."""

    def __init__(self, settings: MailSettings) -> None:
        if settings.host is None or settings.from_address is None:
            raise ValueError("SmtpSender needs mail.host and mail.from_address")
        self._settings = settings

    async def send(self, mail: OutgoingMail) -> None:
        settings = self._settings
        try:
            message = build_message(mail, settings)
        except (ValueError, MessageError) as exc:  # an address the email package cannot write
            raise MailRefusedError(_reason(None, f"cannot write this mail: {exc}")) from None
        password = settings.password.get_secret_value() if settings.password is not None else None
        try:
            await aiosmtplib.send(
                message,
                sender=settings.from_address,
                recipients=[mail.to],
                hostname=settings.host,
                port=settings.port,
                username=settings.username,
                password=password,
                use_tls=settings.security == "tls",
                start_tls=settings.security == "starttls",
                timeout=settings.timeout_s,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            first = exc.recipients[0] if exc.recipients else None
            code = first.code if first is not None else 550
            raise _classified(code, first.message if first is not None else "recipient refused") from None
        except aiosmtplib.SMTPResponseException as exc:  # the server answered with an error code
            raise _classified(exc.code, exc.message) from None
        except OSError as exc:  # no connection, a timeout, a dropped line (aiosmtplib's included)
            raise MailDeferredError(_reason(None, f"{type(exc).__name__}: {exc}")) from None
        except aiosmtplib.SMTPException as exc:
            # The server lacks what the settings ask for (STARTTLS, a login method): our settings'
            # fault, which no retry cures.
            raise MailRefusedError(_reason(None, str(exc)), code="mail_not_supported") from None
        log.info("mail.sent", extra={"message_id": mail.message_id})


def _classified(code: int, text: str) -> MailRefusedError | MailDeferredError:
    reason = _reason(code, text)
    return MailRefusedError(reason) if code >= 500 else MailDeferredError(reason)
