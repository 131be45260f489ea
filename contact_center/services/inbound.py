"""The inbound path every channel takes: a customer's message becomes a queued interaction.

`InboundWriter.receive` checks the command (size, address, queue) outside any transaction, so bad
input is refused before it can touch a batch, then hands it to a group commit: contacts arriving
together are stored in one transaction with a handful of set-wise statements (`inbound_batch.py`)
and answered only after that commit. A message whose `(channel, provider_message_id)` is stored
already answers with the first result, so a provider's retry is a no-op (the unique key settles a
race between processes: the batch is run again and finds the row).
"""

from __future__ import annotations

from contact_center.domain.commands import ReceiveInbound
from contact_center.domain.enums import CHANNEL_IDENTITY
from contact_center.domain.errors import InvalidInputError
from contact_center.domain.identity import Address
from contact_center.services.queue_directory import QueueDirectory
from contact_center.storage.group_commit import GroupCommitter
from contact_center.storage.inbound_types import CheckedInbound, Received
from contact_center.storage.uow import Clock

MAX_BODY_CHARS = 100_000


class InboundWriter:
    def __init__(
        self,
        committer: GroupCommitter[CheckedInbound, Received],
        queues: QueueDirectory,
        *,
        clock: Clock,
        default_region: str = "US",
    ) -> None:
        self._committer = committer
        self._queues = queues
        self._clock = clock
        self._region = default_region

    async def receive(self, cmd: ReceiveInbound) -> Received:
        return await self._committer.submit(await self.check(cmd))

    async def check(self, cmd: ReceiveInbound) -> CheckedInbound:
        if len(cmd.body) > MAX_BODY_CHARS:
            raise InvalidInputError(f"message body longer than {MAX_BODY_CHARS} characters")
        address = Address.of(CHANNEL_IDENTITY[cmd.channel], cmd.sender, self._region)
        queue = await self._queues.find(cmd.channel, cmd.queue)
        return CheckedInbound(
            command=cmd,
            address=address,
            queue_id=queue.id if queue else None,
            priority=queue.priority if queue else 0,
            required_skills=dict(queue.required_skills) if queue else {},
            at=cmd.received_at or self._clock(),
        )


__all__ = ["CheckedInbound", "InboundWriter", "Received"]
