"""The wrap-up time limit: the system closes an interaction left in wrap-up past its deadline.

The deadline is set when the interaction enters wrap-up (`services/interactions.py`, from
settings `[desk] wrap_up_limit_s`). The system's close uses the code `WRAP_UP_TIMEOUT` unless the
agent already chose one; the queue's list (`wrap_up_codes.py`) binds people, not this timer.
"""

from __future__ import annotations

import asyncio
import logging

from contact_center.bus import MessageBus
from contact_center.domain.desk import WRAP_UP_TIMEOUT
from contact_center.domain.desk_commands import CloseExpiredWrapUps
from contact_center.domain.enums import InteractionState
from contact_center.outage import Outage, is_outage
from contact_center.services.interactions import transition
from contact_center.storage.desk import DeskRepository
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)


async def close_expired_wrap_ups(cmd: CloseExpiredWrapUps, uow: UnitOfWork) -> list[int]:
    """Close what is still in wrap-up past its deadline, one transaction each (under the row's
    lock, re-checked there), so an agent closing at the same moment wins or loses cleanly."""
    async with uow:
        due = await DeskRepository(uow.session).past_wrap_up(uow.now(), cmd.limit)
    closed: list[int] = []
    for interaction_id in due:
        async with uow:
            interaction = await uow.interactions.get(interaction_id, for_update=True)
            deadline = interaction.wrap_up_deadline
            if interaction.state != InteractionState.WRAP_UP or deadline is None or deadline > uow.now():
                continue  # closed by its agent meanwhile
            interaction.wrap_up_code = interaction.wrap_up_code or WRAP_UP_TIMEOUT
            await transition(
                uow, interaction, InteractionState.CLOSED, actor=cmd.actor, agent_id=interaction.agent_id
            )
            if interaction.agent_id is not None:
                customer = await uow.customers.get(interaction.customer_id)
                customer.last_agent_id = interaction.agent_id
                uow.session.add(customer)
            await uow.commit()
            closed.append(interaction_id)
    if closed:
        log.info("wrap_up.timed_out", extra={"interactions": closed})
    return closed


async def sweep_periodically(bus: MessageBus, every_s: float) -> None:
    """The server's timer: close overdue wrap-ups every `every_s` seconds. Several processes may
    run it at once; each close re-checks under the row lock, so none closes twice. A database
    away is logged once for as long as it lasts, and tried again on the next round."""
    outage = Outage(log, "wrap_up")
    while True:
        await asyncio.sleep(every_s)
        try:
            await bus.handle(CloseExpiredWrapUps(actor="system:wrap_up_timer"))
        except Exception as exc:  # the edge of a timer
            if not is_outage(exc):
                log.exception("wrap_up.sweep_failed")
            outage.failed(exc)
        else:
            outage.recovered()
