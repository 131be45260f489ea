"""The map from each command class to the service function that handles it.

Kept apart from the composition root (`bootstrap.py`) because it only names `contact_center`
services: it chooses no implementation and imports neither `channels` nor `agent_ui`, so it need
not be a composition root. `bootstrap.build_container` builds the group commits, sign-in limits and
outbound ports it is given and hands the map to the `MessageBus`.
"""

from __future__ import annotations

import functools
from typing import Any

from contact_center.bus import CommandHandler
from contact_center.domain import commands as c
from contact_center.domain import desk_commands as dc
from contact_center.domain import planning_commands as pc
from contact_center.domain import stepping_in as si
from contact_center.domain import webchat_sites as ws
from contact_center.domain.errors import InvalidInputError
from contact_center.domain.privacy import AccessKind
from contact_center.outbound import OutboundPorts
from contact_center.privacy.access import TimedAccess
from contact_center.services import (
    agents,
    canned_responses,
    contact_details,
    customer_work,
    customers,
    desk,
    interactions,
    offers,
    planning,
    privacy,
    queues,
    routing_pass,
    satisfaction,
    stepping_in,
    tokens,
    transfers,
    webchat_sites,
    wrap_up,
    wrap_up_codes,
)
from contact_center.services.inbound import InboundWriter
from contact_center.services.messages import send_message
from contact_center.services.sign_in_limits import SignInLimits
from contact_center.settings import Settings
from contact_center.storage.accept_batch import TimedAccept
from contact_center.storage.group_commit import GroupCommitter
from contact_center.storage.uow import Clock, UnitOfWork


def command_handlers(
    settings: Settings,
    inbound: InboundWriter,
    accepts: GroupCommitter[TimedAccept, Any],
    clock: Clock,
    sign_in: SignInLimits,
    accesses: GroupCommitter[TimedAccess, None],
    outbound: OutboundPorts,
    *,
    can_mail: bool = False,
) -> dict[type[c.Command], CommandHandler]:
    region = settings.default_region

    async def receive_inbound(cmd: c.ReceiveInbound, _uow: UnitOfWork) -> object:
        return await inbound.receive(cmd)  # group commit: its own transaction, shared with others

    async def accept_offer(cmd: c.AcceptOffer, _uow: UnitOfWork) -> object:
        return await accepts.submit(TimedAccept(cmd, clock()))  # group commit, as inbound contacts

    async def record_access(cmd: c.RecordCustomerAccess, _uow: UnitOfWork) -> None:
        if cmd.kind not in {k.value for k in AccessKind}:  # refused here, never inside a shared batch
            raise InvalidInputError(f"unknown access kind {cmd.kind!r}")
        await accesses.submit(TimedAccess(cmd, clock()))  # group commit: one insert per batch

    return {
        c.ReceiveInbound: receive_inbound,
        c.OpenInteraction: interactions.open_interaction,
        c.TransitionInteraction: functools.partial(
            interactions.transition_interaction, wrap_up_limit_s=settings.desk.wrap_up_limit_s
        ),
        c.SendMessage: functools.partial(send_message, ports=outbound),
        c.CreateCustomer: functools.partial(customers.create_customer, default_region=region),
        c.UpdateCustomer: customers.update_customer,
        c.MergeCustomers: customers.merge_customers,
        c.EraseCustomer: privacy.erase_customer,
        c.RecordCustomerAccess: record_access,
        c.CreateAgent: agents.create_agent,
        c.UpdateAgent: agents.update_agent,
        c.SetPresence: agents.set_presence,
        c.HandleOrphanedChats: desk.handle_orphaned_chats,
        c.IssueToken: sign_in.issue_token,
        c.RevokeTokens: tokens.revoke_tokens,
        c.CreateQueue: queues.create_queue,
        c.UpdateQueue: queues.update_queue,
        c.OfferInteraction: offers.offer_interaction,
        c.CloseOffer: offers.close_offer,
        c.AcceptOffer: accept_offer,
        c.RejectOffer: offers.reject_offer,
        c.RecordDecision: offers.record_decision,
        c.ApplyRoutingPass: routing_pass.apply_routing_pass,
        c.RateInteraction: satisfaction.rate_interaction,
        c.AddContactDetails: functools.partial(contact_details.add_contact_details, default_region=region),
        c.RequestTranscript: functools.partial(satisfaction.request_transcript, can_mail=can_mail),
        dc.CreateCannedResponse: canned_responses.create_canned_response,
        dc.UpdateCannedResponse: canned_responses.update_canned_response,
        dc.DeleteCannedResponse: canned_responses.delete_canned_response,
        dc.AddNote: customer_work.add_note,
        dc.CreateFollowUp: customer_work.create_follow_up,
        dc.CompleteFollowUp: customer_work.complete_follow_up,
        si.WhisperToAgent: stepping_in.whisper,
        si.TakeOverInteraction: stepping_in.take_over,
        dc.TransferInteraction: functools.partial(
            transfers.transfer_interaction, reserve_s=settings.desk.transfer_reserve_s
        ),
        dc.SetQueueWrapUpCodes: wrap_up_codes.set_queue_wrap_up_codes,
        dc.CreateWrapUpCode: wrap_up_codes.create_wrap_up_code,
        ws.CreateWebchatSite: webchat_sites.create_webchat_site,
        ws.UpdateWebchatSite: webchat_sites.update_webchat_site,
        ws.SeedWebchatSites: webchat_sites.seed_webchat_sites,
        dc.CloseExpiredWrapUps: wrap_up.close_expired_wrap_ups,
        pc.AddOverride: planning.add_override,
        pc.DeleteOverride: planning.delete_override,
        pc.SetContract: planning.set_contract,
        pc.SaveSchedule: planning.save_schedule,
        pc.PublishSchedule: planning.publish_schedule,
    }
