"""Queue alerts: open an episode when a queue's wallboard turns red, clear it when it is no longer
red, and mail its recipients once per episode (docs/supervisor.md, Alerts).

The scheduler runs `ALERTS_JOB` every `[scheduler] wallboard_alerts` (30 s), once per due time
however many schedulers run. It reads the figures with `queries.wallboard.wallboard` (all queues),
then: an open episode whose queue is no longer red gets `cleared_at`; a red queue without an open
episode gets one, inserted in its own transaction, where the partial unique index lets one insert
win if two evaluations ever overlap. Mail is claimed as a transcript's is
(`transcripts/sending.py`): one conditional UPDATE moves the episode `pending -> sending`, so two
jobs never both send; each address mailed is recorded at once, so a retry after a deferral (the
next run) mails only the others. A mail carries a Message-ID made from the episode and address, the
same on a retry. Rows `sending` for longer than a job may run are taken again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from contact_center.domain.errors import ConflictError, ContactCenterError, MailDeferredError
from contact_center.domain.queue_alerts import AlertMail
from contact_center.jobs import RQ_JOB_TIMEOUT_S, JobContext, job
from contact_center.mail import MailSender
from contact_center.queries.wallboard import wallboard
from contact_center.services.queue_alert_mail import alert_mail
from contact_center.settings import SlFormula
from contact_center.storage.mail_claims import MailClaims
from contact_center.storage.tables import QUEUE, QUEUE_ALERT
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

ALERTS_JOB = "wallboard.alerts"
STALE_CLAIM = timedelta(seconds=RQ_JOB_TIMEOUT_S)
CLAIMS = MailClaims(
    QUEUE_ALERT,
    QUEUE_ALERT.c.mail_status,
    QUEUE_ALERT.c.mail_claimed_at,
    QUEUE_ALERT.c.mail_attempts,
    AlertMail.PENDING.value,
    AlertMail.SENDING.value,
    STALE_CLAIM,
)
#: Deferred tries (one per run of the job) before an episode's mail is given up.
MAX_ATTEMPTS = 5
ERROR_CHARS = 500


@dataclass(frozen=True, slots=True)
class Evaluated:
    opened: tuple[int, ...]  # episode ids
    cleared: tuple[int, ...]


async def evaluate_alerts(
    uow: Callable[[], UnitOfWork], now: datetime, formula: SlFormula = "offered"
) -> Evaluated:
    """Open and clear episodes after today's figures (all queues), service level by `formula`."""
    board = await wallboard(uow(), formula=formula)
    red = {int(a["queue_id"]): a["breaches"] for a in board["alerts"]}
    a = QUEUE_ALERT.c
    async with uow() as work:
        conn = await work.connection()
        rows = await conn.execute(select(a.queue_id, a.id).where(a.cleared_at.is_(None)))
        open_now = {int(queue_id): int(alert_id) for queue_id, alert_id in rows.all()}
        cleared = tuple(aid for qid, aid in open_now.items() if qid not in red)
        if cleared:
            await conn.execute(
                update(QUEUE_ALERT).where(a.id.in_(cleared), a.cleared_at.is_(None)).values(cleared_at=now)
            )
        recipients = dict((await conn.execute(select(QUEUE.c.id, QUEUE.c.alert_emails))).all())
        await work.commit()
    opened = []
    for queue_id, breaches in red.items():
        if queue_id in open_now:
            continue
        mail = AlertMail.PENDING if recipients.get(queue_id) else AlertMail.NONE
        values = {"queue_id": queue_id, "opened_at": now, "reasons": breaches, "mail_status": mail.value}
        try:
            async with uow() as work:
                conn = await work.connection()
                inserted = await conn.execute(
                    insert(QUEUE_ALERT)
                    .values(**values, mail_attempts=0, mailed_to=[], mail_error="")
                    .returning(a.id)
                )
                opened.append(int(inserted.scalar_one()))
                await work.commit()
        except (IntegrityError, ConflictError):  # another evaluation opened it first
            continue
    if opened or cleared:
        log.info("wallboard.alerts", extra={"opened": opened, "cleared": list(cleared)})
    return Evaluated(tuple(opened), cleared)


@dataclass(frozen=True, slots=True)
class Claim:
    alert_id: int
    queue: str
    opened_at: datetime
    reasons: list[dict[str, Any]]
    recipients: list[str]
    mailed_to: list[str]
    attempts: int


async def claim(uow: UnitOfWork, alert_id: int, now: datetime) -> Claim | None:
    """Take the episode's mail for one attempt, or None when it is not this caller's to send."""
    a = QUEUE_ALERT.c
    async with uow:
        conn = await uow.connection()
        taken = await conn.execute(CLAIMS.claim(alert_id, now))
        if taken.rowcount != 1:
            return None
        row = (
            await conn.execute(
                select(
                    QUEUE.c.name, QUEUE.c.alert_emails, a.opened_at, a.reasons, a.mailed_to, a.mail_attempts
                )
                .join(QUEUE, QUEUE.c.id == a.queue_id)
                .where(a.id == alert_id)
            )
        ).one()
        await uow.commit()
    return Claim(alert_id, row[0], row[2], list(row[3]), list(row[1]), list(row[4]), int(row[5]))


async def _record(uow: UnitOfWork, held: Claim, **values: Any) -> None:
    """Write while this claim still holds the row."""
    await CLAIMS.record(uow, held.alert_id, held.attempts, **values)


async def send_alert(
    uow: Callable[[], UnitOfWork],
    sender: MailSender,
    alert_id: int,
    clock: Callable[[], datetime],
    domain: str,
) -> str:
    """One attempt at an episode's mail; returns the status it left."""
    held = await claim(uow(), alert_id, clock())
    if held is None:
        return "not_claimed"
    mailed, errors = list(held.mailed_to), []
    opened = held.opened_at.strftime("%Y-%m-%d %H:%M")
    for address in held.recipients:
        if address in mailed:
            continue
        message_id = f"<queue-alert.{alert_id}.{held.recipients.index(address)}@{domain}>"
        try:
            await sender.send(alert_mail(address, held.queue, opened, held.reasons, message_id))
        except MailDeferredError as exc:
            final = held.attempts >= MAX_ATTEMPTS
            status = AlertMail.FAILED if final else AlertMail.PENDING
            await _record(
                uow(), held, mail_status=status.value, mailed_to=mailed, mail_error=exc.message[:ERROR_CHARS]
            )
            log.warning("wallboard.alert_mail_deferred", extra={"alert_id": alert_id, "gave_up": final})
            return status.value
        except ContactCenterError as exc:  # refused for good: the other addresses still get theirs
            errors.append(f"{address}: {exc.message}")
            continue
        mailed.append(address)
        await _record(uow(), held, mailed_to=mailed)
    status = AlertMail.SENT if mailed or not errors else AlertMail.FAILED
    values: dict[str, Any] = {"mail_status": status.value, "mail_error": "; ".join(errors)[:ERROR_CHARS]}
    if status is AlertMail.SENT:
        values["mailed_at"] = clock()
    await _record(uow(), held, **values)
    log.info("wallboard.alert_mail", extra={"alert_id": alert_id, "status": status.value, "to": len(mailed)})
    return status.value


async def mail_waiting(
    uow: Callable[[], UnitOfWork], sender: MailSender, clock: Callable[[], datetime], domain: str
) -> dict[int, str]:
    """Try every episode whose mail is waiting (new, deferred, or held by a lost job)."""
    a, now = QUEUE_ALERT.c, clock()
    async with uow() as work:
        conn = await work.connection()
        waiting = CLAIMS.waiting(now)
        ids = [int(i) for i in (await conn.execute(select(a.id).where(waiting).order_by(a.id))).scalars()]
    return {alert_id: await send_alert(uow, sender, alert_id, clock, domain) for alert_id in ids}


@job(ALERTS_JOB)
async def alerts_job(ctx: JobContext) -> dict[str, Any]:
    evaluated = await evaluate_alerts(ctx.uow, ctx.clock(), ctx.settings.service_level_formula)
    mailed: dict[int, str] = {}
    if ctx.mail is not None:  # without a mail server the episodes' mail waits, pending
        mailed = await mail_waiting(ctx.uow, ctx.mail, ctx.clock, ctx.settings.mail.domain)
    return {"opened": list(evaluated.opened), "cleared": list(evaluated.cleared), "mailed": mailed}
