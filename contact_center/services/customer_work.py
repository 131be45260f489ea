"""Notes and follow-ups on a customer: what agents keep for each other, never for the customer.

A note is internal: nothing here or anywhere else sends it to the customer or shows it on a page
the customer sees. Each handler asks the policy on facts read inside its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from contact_center.domain.customers import Customer
from contact_center.domain.desk_commands import AddNote, CompleteFollowUp, CreateFollowUp
from contact_center.domain.enums import Role
from contact_center.domain.errors import UnprocessableError
from contact_center.domain.principal import Principal
from contact_center.domain.work import FollowUpTask, Note
from contact_center.services import policy
from contact_center.storage import access_facts
from contact_center.storage.desk import DeskRepository
from contact_center.storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class NoteRecord:
    note: Note
    author_name: str | None


async def customer_for_work(uow: UnitOfWork, principal: Principal, customer_id: int) -> Customer:
    """The customer, if the caller sees it (else the 404 of a missing one); a merged customer's
    work goes to the customer it was merged into."""
    facts = await access_facts.customer_facts(uow.session, customer_id)
    if not policy.sees_customer(principal, facts):
        policy.check(policy.Refusal(policy.Verdict.HIDDEN, "not found"), f"customer {customer_id}")
    return await uow.customers.get(customer_id, follow_merge=True)


async def interaction_of(
    uow: UnitOfWork, principal: Principal, customer: Customer, interaction_id: int | None
) -> None:
    """An interaction a note or task refers to: one of this customer's, in the caller's view."""
    if interaction_id is None:
        return
    facts = await access_facts.interaction_facts(uow.session, interaction_id)
    if not policy.sees_interaction(principal, facts):
        policy.check(policy.Refusal(policy.Verdict.HIDDEN, "not found"), f"interaction {interaction_id}")
    interaction = await uow.interactions.get(interaction_id)
    if interaction.customer_id != customer.id:
        raise UnprocessableError(f"interaction {interaction_id} is not this customer's")


def new_note(
    customer_id: int, interaction_id: int | None, author_id: int | None, body: str, uow: UnitOfWork
) -> Note:
    note = Note(
        customer_id=customer_id,
        interaction_id=interaction_id,
        author_id=author_id,
        body=body,
        created_at=uow.now(),
    )
    uow.session.add(note)
    return note


async def add_note(cmd: AddNote, uow: UnitOfWork) -> NoteRecord:
    async with uow:
        customer = await customer_for_work(uow, cmd.principal, cmd.customer_id)
        await interaction_of(uow, cmd.principal, customer, cmd.interaction_id)
        note = new_note(customer.id or 0, cmd.interaction_id, cmd.principal.agent_id, cmd.body, uow)
        await uow.session.flush()
        uow.audit(cmd.actor, "customer", customer.id or 0, "note_added", {"note_id": note.id})
        author = await uow.agents.get(cmd.principal.agent_id) if cmd.principal.agent_id else None
        await uow.commit()
        return NoteRecord(note, (author.display_name or author.username) if author else None)


async def create_follow_up(cmd: CreateFollowUp, uow: UnitOfWork) -> FollowUpTask:
    principal = cmd.principal
    owner = cmd.owner_agent_id if cmd.owner_agent_id is not None else principal.agent_id
    if owner is None:
        raise UnprocessableError("a follow-up needs an owner_agent_id")
    async with uow:
        customer = await customer_for_work(uow, principal, cmd.customer_id)
        await interaction_of(uow, principal, customer, cmd.interaction_id)
        team = None
        if owner != principal.agent_id and principal.role is not Role.AGENT:
            team = await access_facts.agent_team(uow.session, owner)  # an unknown agent: 404
        policy.check(policy.assigns_work_refusal(principal, owner, team), f"agent {owner}")
        task = FollowUpTask(
            customer_id=customer.id or 0,
            interaction_id=cmd.interaction_id,
            owner_id=owner,
            title=cmd.title,
            due_at=cmd.due_at,
            created_at=uow.now(),
        )
        uow.session.add(task)
        await uow.session.flush()
        uow.audit(cmd.actor, "customer", customer.id or 0, "follow_up_created", {"follow_up_id": task.id})
        await uow.commit()
        return task


async def complete_follow_up(cmd: CompleteFollowUp, uow: UnitOfWork) -> FollowUpTask:
    async with uow:
        task = await DeskRepository(uow.session).follow_up(cmd.follow_up_id)
        facts = await access_facts.customer_facts(uow.session, task.customer_id)
        team = await access_facts.agent_team(uow.session, task.owner_id) if task.owner_id else None
        refusal = policy.follow_up_change_refusal(cmd.principal, facts, task.owner_id, team)
        policy.check(refusal, f"follow-up {cmd.follow_up_id}")
        if task.done != cmd.done:
            task.done = cmd.done
            task.done_at = uow.now() if cmd.done else None
            uow.session.add(task)
            action = "follow_up_done" if cmd.done else "follow_up_reopened"
            uow.audit(cmd.actor, "customer", task.customer_id, action, {"follow_up_id": task.id})
        await uow.commit()
        return task
