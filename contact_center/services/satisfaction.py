"""What a customer says at the end of a conversation: a rating and, on request, the transcript.

Both are the customer's own words about their own interaction: the channel that asks (web chat)
has checked that the interaction is the customer's before it sends the command, and the handler
checks it again inside the transaction, so a mismatch changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from contact_center.domain.commands import RateInteraction, RequestTranscript
from contact_center.domain.errors import InvalidInputError, NotFoundError
from contact_center.domain.events import TranscriptRequested
from contact_center.domain.identity import normalise_email
from contact_center.domain.work import SatisfactionScore, TranscriptRequest, TranscriptStatus
from contact_center.storage.uow import UnitOfWork

MAX_COMMENT_CHARS = 2000
#: The languages a transcript is written in (`transcripts/render.py` has their texts).
TRANSCRIPT_LANGUAGES = ("en", "zh-CN")


async def rate_interaction(cmd: RateInteraction, uow: UnitOfWork) -> int:
    """Store (or replace) the interaction's score; returns the score's id."""
    if not 1 <= cmd.score <= 5:
        raise InvalidInputError("a rating is a whole number from 1 to 5")
    if len(cmd.comment) > MAX_COMMENT_CHARS:
        raise InvalidInputError(f"a comment has at most {MAX_COMMENT_CHARS} characters")
    async with uow:
        await _owned(uow, cmd.interaction_id, cmd.customer_id)
        stmt = select(SatisfactionScore).where(SatisfactionScore.interaction_id == cmd.interaction_id)
        score = (await uow.session.exec(stmt)).first()
        if score is None:
            score = SatisfactionScore(
                interaction_id=cmd.interaction_id,
                customer_id=cmd.customer_id,
                score=cmd.score,
                comment=cmd.comment,
                created_at=uow.now(),
            )
            uow.session.add(score)
        else:
            score.score, score.comment, score.created_at = cmd.score, cmd.comment, uow.now()
        uow.audit(cmd.actor, "interaction", cmd.interaction_id, "rate", {"score": cmd.score})
        await uow.session.flush()
        await uow.commit()
        return score.id or 0


@dataclass(frozen=True, slots=True)
class TranscriptRecorded:
    request_id: int
    #: True: a job will mail it; False: no mail server is configured, so nothing will.
    is_queued: bool


async def request_transcript(
    cmd: RequestTranscript, uow: UnitOfWork, *, can_mail: bool
) -> TranscriptRecorded:
    """Record the request and, when mail is configured, its `transcript.requested` event in the same
    transaction: the event's subscriber enqueues the job that mails it (`transcripts/sending.py`),
    so a request is never enqueued before it is stored, nor lost between the two."""
    email = normalise_email(cmd.email)
    if cmd.language not in TRANSCRIPT_LANGUAGES:
        raise InvalidInputError(f"a transcript is written in {' or '.join(TRANSCRIPT_LANGUAGES)}")
    async with uow:
        await _owned(uow, cmd.interaction_id, cmd.customer_id)
        request = TranscriptRequest(
            interaction_id=cmd.interaction_id,
            customer_id=cmd.customer_id,
            email=email,
            language=cmd.language,
            status=TranscriptStatus.PENDING if can_mail else TranscriptStatus.UNAVAILABLE,
            created_at=uow.now(),
        )
        uow.session.add(request)
        await uow.session.flush()
        request_id = request.id or 0
        if can_mail:
            uow.emit(TranscriptRequested(request_id, cmd.interaction_id, cmd.customer_id, uow.now()))
        await uow.commit()
        return TranscriptRecorded(request_id, is_queued=can_mail)


async def _owned(uow: UnitOfWork, interaction_id: int, customer_id: int) -> None:
    interaction = await uow.interactions.get(interaction_id)
    if interaction.customer_id != customer_id:
        raise NotFoundError(f"interaction {interaction_id} not found")
