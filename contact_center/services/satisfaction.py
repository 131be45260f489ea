"""What a customer says at the end of a conversation: a rating and, on request, the transcript.

Both are the customer's own words about their own interaction: the channel that asks (web chat)
has checked that the interaction is the customer's before it sends the command, and the handler
checks it again inside the transaction, so a mismatch changes nothing.
"""

from __future__ import annotations

from sqlmodel import select

from contact_center.domain.commands import RateInteraction, RequestTranscript
from contact_center.domain.errors import InvalidInputError, NotFoundError
from contact_center.domain.identity import normalise_email
from contact_center.domain.work import SatisfactionScore, TranscriptRequest
from contact_center.storage.uow import UnitOfWork

MAX_COMMENT_CHARS = 2000


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


async def request_transcript(cmd: RequestTranscript, uow: UnitOfWork) -> int:
    """Record the request (sent later by the email adapter); returns its id."""
    email = normalise_email(cmd.email)
    async with uow:
        await _owned(uow, cmd.interaction_id, cmd.customer_id)
        request = TranscriptRequest(
            interaction_id=cmd.interaction_id, customer_id=cmd.customer_id, email=email, created_at=uow.now()
        )
        uow.session.add(request)
        await uow.session.flush()
        await uow.commit()
        return request.id or 0


async def _owned(uow: UnitOfWork, interaction_id: int, customer_id: int) -> None:
    interaction = await uow.interactions.get(interaction_id)
    if interaction.customer_id != customer_id:
        raise NotFoundError(f"interaction {interaction_id} not found")
