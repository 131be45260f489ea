"""Transfers: an agent (or a supervisor) hands an interaction back to routing, with a note.

To a queue: it waits there as any queued contact does. To an agent: it is reserved for them for
`reserve_s` seconds (`Interaction.transfer_agent_id`/`transfer_until`), and the router offers it
only to them while they can take it; past the reservation, anyone of the queue may get it
(docs/agent-desk.md, "Transfers"). The messages stay on the same interaction, so whoever takes it
next reads the whole conversation.
"""

from __future__ import annotations

from datetime import timedelta

from contact_center.domain.desk_commands import TransferInteraction
from contact_center.domain.enums import Channel, InteractionState, Role
from contact_center.domain.errors import UnprocessableError
from contact_center.services import policy
from contact_center.services.customer_work import new_note
from contact_center.services.interactions import InteractionRecord, queue_for, record_of, transition
from contact_center.storage import access_facts
from contact_center.storage.uow import UnitOfWork

#: Roles that take work from the router.
TAKES_WORK = frozenset({Role.AGENT, Role.SUPERVISOR})


async def transfer_interaction(
    cmd: TransferInteraction, uow: UnitOfWork, *, reserve_s: int = 60
) -> InteractionRecord:
    if (cmd.to_queue is None) == (cmd.to_agent_id is None):
        raise UnprocessableError("name exactly one of to_queue and to_agent_id", code="one_target")
    async with uow:
        interaction = await uow.interactions.get(cmd.interaction_id, for_update=True)
        facts = await access_facts.interaction_facts(uow.session, cmd.interaction_id)
        to_team = None
        if cmd.to_agent_id is not None:
            to_team = await access_facts.agent_team(uow.session, cmd.to_agent_id)  # unknown: 404
        refusal = policy.transfer_refusal(
            cmd.principal, facts, to_agent=cmd.to_agent_id, to_agent_team=to_team
        )
        policy.check(refusal, f"interaction {cmd.interaction_id}")
        if cmd.to_agent_id is not None:
            if cmd.to_agent_id == interaction.agent_id:
                raise UnprocessableError("transfer to another agent than the one handling it")
            target = await uow.agents.get(cmd.to_agent_id)
            if not target.is_active or Role(target.role) not in TAKES_WORK:
                raise UnprocessableError(f"agent {cmd.to_agent_id} does not take work")
        queue = None
        if cmd.to_queue is not None:
            queue = await queue_for(uow, Channel(interaction.channel), cmd.to_queue)
        await transition(
            uow, interaction, InteractionState.TRANSFERRED, actor=cmd.actor, agent_id=interaction.agent_id
        )
        if queue is not None:
            interaction.queue_id = queue.id
        if cmd.to_agent_id is not None:
            interaction.transfer_agent_id = cmd.to_agent_id
            interaction.transfer_until = uow.now() + timedelta(seconds=reserve_s)
        await transition(uow, interaction, InteractionState.QUEUED, actor=cmd.actor)
        if cmd.note:
            new_note(interaction.customer_id, interaction.id, cmd.principal.agent_id, cmd.note, uow)
        uow.audit(
            cmd.actor,
            "interaction",
            interaction.id or 0,
            "transfer",
            {"to_queue": cmd.to_queue, "to_agent_id": cmd.to_agent_id, "with_note": bool(cmd.note)},
        )
        record = await record_of(uow, interaction)
        await uow.commit()
        return record
