"""Everything held about one person, as one JSON document (the right of access and portability).

The customer rows (the one standing and any merged into it), identities, interactions with their
messages and transitions, notes, follow-ups, satisfaction scores, audit entries with their
sealed values opened, and the access log. Not supervisors' whispers: a whisper is coaching only
its agent sees (`domain/stepping_in.py`); it is erased with the person and purged with the
messages. A handful of queries over the whole group, whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import or_
from sqlmodel import SQLModel, col, select

from contact_center.domain.customers import Customer, CustomerIdentity
from contact_center.domain.interactions import Interaction, InteractionTransition, Message
from contact_center.domain.work import FollowUpTask, Note, SatisfactionScore
from contact_center.privacy.records import access_log, audit_entries, customer_group
from contact_center.storage.uow import UnitOfWork

FORMAT = "contact-center.customer-export.v1"


def _doc(record: SQLModel) -> dict[str, Any]:
    return record.model_dump(mode="json")


async def export_customer(uow: UnitOfWork, customer_id: int) -> dict[str, Any]:
    """The export of the person `customer_id` is (found by any of their ids)."""
    ids = await customer_group(uow, customer_id)

    async def rows(model: Any, *where: Any) -> list[Any]:
        return list((await uow.session.exec(select(model).where(*where).order_by(col(model.id)))).all())

    customers = {c.id: c for c in await rows(Customer, col(Customer.id).in_(ids))}
    interactions = await rows(Interaction, col(Interaction.customer_id).in_(ids))
    interaction_ids = [i.id for i in interactions]
    messages: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for m in await rows(Message, col(Message.interaction_id).in_(interaction_ids)):
        messages[m.interaction_id].append(_doc(m))
    transitions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for t in await rows(
        InteractionTransition, col(InteractionTransition.interaction_id).in_(interaction_ids)
    ):
        transitions[t.interaction_id].append(_doc(t))
    notes = await rows(
        Note, or_(col(Note.customer_id).in_(ids), col(Note.interaction_id).in_(interaction_ids))
    )
    return {
        "format": FORMAT,
        "exported_at": uow.now().isoformat(),
        "customer": _doc(customers[ids[0]]),
        "merged_customers": [_doc(customers[i]) for i in ids[1:]],
        "identities": [
            _doc(i) for i in await rows(CustomerIdentity, col(CustomerIdentity.customer_id).in_(ids))
        ],
        "interactions": [
            {**_doc(i), "messages": messages[i.id or 0], "transitions": transitions[i.id or 0]}
            for i in interactions
        ],
        "notes": [_doc(n) for n in notes],
        "follow_ups": [_doc(f) for f in await rows(FollowUpTask, col(FollowUpTask.customer_id).in_(ids))],
        "satisfaction_scores": [
            _doc(s) for s in await rows(SatisfactionScore, col(SatisfactionScore.customer_id).in_(ids))
        ],
        "audit": await audit_entries(uow, ids),
        "access_log": await access_log(uow, ids),
    }
