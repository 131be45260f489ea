"""Sending a transcript request once: claim the row, send, record the outcome.

`transcript.requested` (committed with the request) reaches `TranscriptJobs`, which enqueues the
`transcripts.send` job with the request's id alone (the address never goes through Redis). The job
claims the row with one conditional UPDATE (`pending` -> `sending`, the attempt counted, the
Message-ID chosen on the first claim and kept): of two jobs for one request, or a job run twice,
exactly one claim succeeds, on SQLite (one writer) as on PostgreSQL (the second UPDATE waits on the
row lock, then finds it no longer `pending`). After the server's answer the row becomes `sent`
(with `sent_at`), `pending` again (deferred: retried after a pause, a limited number of times), or
`failed` with the reason.

The window left: a process that dies after the server accepted the mail but before `sent` was
committed leaves the row `sending`. Such a claim is taken again only once it is older than the
longest a job may run (`STALE_CLAIM`), and then the same Message-ID goes out again, so the
recipient's mail store can tell the copy. A timeout while the server was answering the end of the
message has the same effect. Design: docs/webchat.md, Transcripts by email.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select

from contact_center.domain.errors import ContactCenterError, MailDeferredError
from contact_center.domain.events import Event, TranscriptRequested
from contact_center.domain.work import TranscriptStatus
from contact_center.jobs import RQ_JOB_TIMEOUT_S, JobContext, JobRunner, job
from contact_center.mail import MailSender, OutgoingMail, new_message_id
from contact_center.storage.mail_claims import MailClaims
from contact_center.storage.tables import TRANSCRIPT
from contact_center.storage.uow import UnitOfWork
from contact_center.transcripts.render import load_transcript, render

log = logging.getLogger(__name__)

SEND_TRANSCRIPT = "transcripts.send"
#: A `sending` claim older than this belongs to a job that can no longer be running.
STALE_CLAIM = timedelta(seconds=RQ_JOB_TIMEOUT_S)
CLAIMS = MailClaims(
    TRANSCRIPT,
    TRANSCRIPT.c.status,
    TRANSCRIPT.c.claimed_at,
    TRANSCRIPT.c.attempts,
    TranscriptStatus.PENDING.value,
    TranscriptStatus.SENDING.value,
    STALE_CLAIM,
)
ERROR_CHARS = 500


class Outcome(StrEnum):
    SENT = "sent"
    DEFERRED = "deferred"
    FAILED = "failed"
    #: Another job holds it, or it was sent or given up already: nothing done.
    NOT_CLAIMED = "not_claimed"


@dataclass(frozen=True, slots=True)
class Claim:
    request_id: int
    interaction_id: int
    email: str
    language: str
    message_id: str
    attempts: int


async def claim(uow: UnitOfWork, request_id: int, now: datetime, domain: str) -> Claim | None:
    """Take the request for one attempt, or None when it is not this caller's to send."""
    t = TRANSCRIPT.c
    async with uow:
        conn = await uow.connection()
        message_id = func.coalesce(t.message_id, new_message_id(domain, "transcript"))
        taken = await conn.execute(CLAIMS.claim(request_id, now, message_id=message_id))
        if taken.rowcount != 1:
            return None
        row = (
            await conn.execute(
                select(t.interaction_id, t.email, t.language, t.message_id, t.attempts).where(
                    t.id == request_id
                )
            )
        ).one()
        await uow.commit()
    return Claim(request_id, row.interaction_id, row.email, row.language, row.message_id, row.attempts)


async def record(
    uow: UnitOfWork, held: Claim, status: TranscriptStatus, now: datetime, error: str = ""
) -> None:
    """The attempt's outcome, written only while this claim still holds the row."""
    values: dict[str, Any] = {"status": status.value, "last_error": error[:ERROR_CHARS]}
    if status is TranscriptStatus.SENT:
        values["sent_at"] = now
    await CLAIMS.record(uow, held.request_id, held.attempts, **values)


async def send_once(
    uow: Callable[[], UnitOfWork],
    sender: MailSender,
    request_id: int,
    clock: Callable[[], datetime],
    *,
    domain: str,
    max_attempts: int,
) -> tuple[Outcome, int]:
    """One attempt: returns its outcome and the request's attempts so far."""
    held = await claim(uow(), request_id, clock(), domain)
    if held is None:
        return Outcome.NOT_CLAIMED, 0
    if not held.email:  # erased since it was requested
        await record(uow(), held, TranscriptStatus.FAILED, clock(), "the address was erased")
        return Outcome.FAILED, held.attempts
    try:
        async with uow() as work:
            transcript = await load_transcript(await work.connection(), held.interaction_id)
        rendered = render(transcript, held.language)
        mail = OutgoingMail(
            to=held.email,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            message_id=held.message_id,
            headers=(("Auto-Submitted", "auto-generated"),),
            language=held.language,
        )
        await sender.send(mail)
    except MailDeferredError as exc:
        final = held.attempts >= max_attempts
        status = TranscriptStatus.FAILED if final else TranscriptStatus.PENDING
        await record(uow(), held, status, clock(), exc.message)
        log.warning(
            "transcript.deferred",
            extra={"request_id": request_id, "attempts": held.attempts, "gave_up": final},
        )
        return (Outcome.FAILED if final else Outcome.DEFERRED), held.attempts
    except ContactCenterError as exc:  # refused by the server, or nothing left to transcribe
        await record(uow(), held, TranscriptStatus.FAILED, clock(), exc.message)
        log.warning("transcript.failed", extra={"request_id": request_id, "code": exc.code})
        return Outcome.FAILED, held.attempts
    except BaseException:
        # Not the server's answer (a bug, a cancelled job): give the row back for a later job.
        await asyncio.shield(record(uow(), held, TranscriptStatus.PENDING, clock(), "interrupted"))
        raise
    await record(uow(), held, TranscriptStatus.SENT, clock())
    log.info("transcript.sent", extra={"request_id": request_id, "attempts": held.attempts})
    return Outcome.SENT, held.attempts


@job(SEND_TRANSCRIPT)
async def send_transcript(ctx: JobContext, request_id: int) -> dict[str, Any]:
    """Send one request, waiting out `mail.retry_delays_s` between deferred attempts."""
    settings = ctx.settings.mail
    if ctx.mail is None:  # this process has no mail server configured: leave it pending
        log.warning("transcript.no_mail", extra={"request_id": request_id})
        return {"request_id": request_id, "outcome": "no_mail"}
    delays = settings.retry_delays_s
    outcome, attempts = Outcome.NOT_CLAIMED, 0
    for _ in range(len(delays) + 1):
        outcome, attempts = await send_once(
            ctx.uow, ctx.mail, request_id, ctx.clock, domain=settings.domain, max_attempts=len(delays) + 1
        )
        if outcome is not Outcome.DEFERRED:
            break
        ctx.progress(attempts / (len(delays) + 1), f"deferred {attempts} time(s); waiting")
        await asyncio.sleep(delays[min(attempts, len(delays)) - 1])
    return {"request_id": request_id, "outcome": outcome.value, "attempts": attempts}


class TranscriptJobs:
    """Subscribed to `transcript.requested` (a durable group): enqueues the job that sends it."""

    def __init__(self, jobs: JobRunner) -> None:
        self._jobs = jobs

    async def on_event(self, event: Event) -> None:
        if isinstance(event, TranscriptRequested):
            await self._jobs.enqueue(SEND_TRANSCRIPT, {"request_id": event.request_id})
