"""What becomes of an agent's open chats when their desk closed and did not come back.

The desk watch (`agent_ui/desk_presence.py`) decides that the desk is gone; this handler does
what the settings say, in one transaction: `requeue` moves each active chat through
`transferred` back to `queued` (the router offers it to another agent, who sees the whole
conversation, as after any transfer), `flag` leaves it with the agent, marks it flagged
(`flagged_at`, `flag_reason`: the supervisor's dashboard lists it, and its next move clears it)
and emits `interaction.flagged` for their supervisors. Email and SMS threads can wait for the agent;
chats in wrap-up are over for the customer: neither is touched.
"""

from __future__ import annotations

from contact_center.domain.commands import HandleOrphanedChats
from contact_center.domain.enums import Channel, InteractionState
from contact_center.domain.errors import InvalidInputError
from contact_center.domain.events import InteractionFlagged
from contact_center.services.interactions import transition
from contact_center.storage.uow import UnitOfWork

ACTIONS = frozenset({"requeue", "flag"})
#: More than any agent's chat capacity (at most 50 slots per channel).
MOST = 100


async def handle_orphaned_chats(cmd: HandleOrphanedChats, uow: UnitOfWork) -> list[int]:
    """Returns the ids of the chats requeued or flagged."""
    if cmd.action not in ACTIONS:
        raise InvalidInputError(f"orphaned chats are requeued or flagged, not {cmd.action!r}")
    reason = cmd.reason[:100]
    async with uow:
        await uow.agents.get(cmd.agent_id)
        chats = await uow.interactions.list(
            limit=MOST, agent_id=cmd.agent_id, state=InteractionState.ACTIVE, channel=Channel.CHAT
        )
        handled: list[int] = []
        for found in chats:
            interaction = await uow.interactions.get(found.id or 0, for_update=True)
            if interaction.state != InteractionState.ACTIVE or interaction.agent_id != cmd.agent_id:
                continue  # moved on since it was listed
            iid = interaction.id or 0
            if cmd.action == "requeue":
                await transition(
                    uow, interaction, InteractionState.TRANSFERRED, actor=cmd.actor, agent_id=cmd.agent_id
                )
                await transition(uow, interaction, InteractionState.QUEUED, actor=cmd.actor)
                uow.audit(
                    cmd.actor, "interaction", iid, "requeued", {"agent_id": cmd.agent_id, "reason": reason}
                )
            else:
                interaction.flagged_at, interaction.flag_reason = uow.now(), reason
                uow.session.add(interaction)
                uow.audit(
                    cmd.actor, "interaction", iid, "flagged", {"agent_id": cmd.agent_id, "reason": reason}
                )
                uow.emit(
                    InteractionFlagged(
                        interaction_id=iid,
                        channel=Channel(interaction.channel).value,
                        queue_id=interaction.queue_id,
                        agent_id=cmd.agent_id,
                        reason=reason,
                        at=uow.now(),
                    )
                )
            handled.append(iid)
        await uow.commit()
        return handled
