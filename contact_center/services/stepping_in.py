"""A supervisor stepping in: whispering to the agent of a live conversation, and taking it over.

Both ask the policy (`policy.whisper_refusal`, `policy.take_over_refusal`) on facts read under the
interaction's row lock, write in one transaction with their audit entry, and leave through the
outbox. A whisper's event (`interaction.whispered`) carries no body and is no `message.added`:
outbound delivery and the chat's push never hear of it (docs/supervisor-agents.md).
"""

from __future__ import annotations

from contact_center.domain.enums import InteractionState
from contact_center.domain.errors import InvalidInputError
from contact_center.domain.events import Whispered
from contact_center.domain.stepping_in import WHISPER_MAX_CHARS, TakeOverInteraction, Whisper, WhisperToAgent
from contact_center.services import policy
from contact_center.services.interactions import InteractionRecord, record_of, transition
from contact_center.storage import access_facts
from contact_center.storage.uow import UnitOfWork


async def whisper(cmd: WhisperToAgent, uow: UnitOfWork) -> Whisper:
    body = cmd.body.strip()
    if not body or len(body) > WHISPER_MAX_CHARS:
        raise InvalidInputError("a whisper has 1 to 2000 characters", field="body")
    async with uow:
        interaction = await uow.interactions.get(cmd.interaction_id, for_update=True)
        facts = await access_facts.interaction_facts(uow.session, cmd.interaction_id)
        policy.check(policy.whisper_refusal(cmd.principal, facts), f"interaction {cmd.interaction_id}")
        now = uow.now()
        note = Whisper(
            interaction_id=cmd.interaction_id,
            author_agent_id=cmd.principal.agent_id,
            to_agent_id=interaction.agent_id,
            body=body,
            created_at=now,
        )
        uow.session.add(note)
        await uow.session.flush()
        uow.audit(
            cmd.actor,
            "interaction",
            cmd.interaction_id,
            "whisper",
            {"whisper_id": note.id, "to_agent_id": interaction.agent_id, "chars": len(body)},
        )
        uow.emit(
            Whispered(
                whisper_id=note.id or 0,
                interaction_id=cmd.interaction_id,
                agent_id=interaction.agent_id,
                queue_id=interaction.queue_id,
                author_agent_id=cmd.principal.agent_id,
                at=now,
            )
        )
        await uow.commit()
        return note


async def take_over(cmd: TakeOverInteraction, uow: UnitOfWork) -> InteractionRecord:
    """The supervisor becomes the handling agent: the conversation leaves the agent as a transfer
    does (active → transferred → queued, so handle times and the agent's desk see it end) and the
    supervisor picks it at once (queued → active), all in one transaction: no router can offer it
    to anyone in between, and the customer sees one conversation going on."""
    async with uow:
        interaction = await uow.interactions.get(cmd.interaction_id, for_update=True)
        facts = await access_facts.interaction_facts(uow.session, cmd.interaction_id)
        policy.check(policy.take_over_refusal(cmd.principal, facts), f"interaction {cmd.interaction_id}")
        previous_agent = interaction.agent_id
        await transition(
            uow, interaction, InteractionState.TRANSFERRED, actor=cmd.actor, agent_id=previous_agent
        )
        await transition(uow, interaction, InteractionState.QUEUED, actor=cmd.actor)
        interaction.agent_id = cmd.principal.agent_id
        await transition(
            uow, interaction, InteractionState.ACTIVE, actor=cmd.actor, agent_id=cmd.principal.agent_id
        )
        uow.audit(
            cmd.actor,
            "interaction",
            cmd.interaction_id,
            "take_over",
            {"from_agent_id": previous_agent, "to_agent_id": cmd.principal.agent_id, "reason": cmd.reason},
        )
        record = await record_of(uow, interaction)
        await uow.commit()
        return record
