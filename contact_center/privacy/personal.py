"""What counts as a customer's personal data outside their own rows, and how it is found and blanked.

Events name customers by id. `customer.created` carried the name until it was dropped from the
event; outbox rows written before still hold it, so `PERSONAL_EVENT_FIELDS` lists it and erasure
blanks it there. A test classifies
every text field of every event type, so a new event carrying personal text cannot go unnoticed.
Stored API answers and job results are documents written for someone else; they are searched for
the customer's values (`needles`) and their id.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from typing import Any

#: Event type -> its fields that hold a customer's personal values.
PERSONAL_EVENT_FIELDS: dict[str, tuple[str, ...]] = {"customer.created": ("name",)}

#: Text fields of events that never hold a customer's personal value (names of queues and agents,
#: states, channels, routing reasons made by the engine).
NON_PERSONAL_EVENT_TEXT = frozenset(
    {
        "channel",
        "from_state",
        "to_state",
        "reason",
        "outcome",
        "fields",
        "username",
        "role",
        "presence",
        "previous",
        "direction",
        "author_kind",
    }
)
#: Event type -> text fields that are not personal there, though the same name is elsewhere.
NON_PERSONAL_BY_TYPE: dict[str, tuple[str, ...]] = {"queue.created": ("name",)}

#: A value this long is looked for inside longer texts too; a shorter one (a name like "Li") only
#: as a whole text, or it would match everywhere.
SUBSTRING_CHARS = 6


def needles(values: Iterable[str]) -> list[str]:
    """The values to look for in stored JSON text, as written and as JSON writes them with ASCII
    escapes (a stored answer spells 王芳 as \\u738b\\u82b3)."""
    out: set[str] = set()
    for value in values:
        value = value.strip()
        if len(value) < 2:
            continue
        out.add(value)
        out.add(json.dumps(value)[1:-1])
    return sorted(out)


def holds(text: str, values: Collection[str]) -> bool:
    return any(text == value or (len(value) >= SUBSTRING_CHARS and value in text) for value in values)


def mentions(document: Any, customer_ids: Collection[int], values: Collection[str]) -> bool:
    """Whether a JSON document is about one of the customers: carries one of their ids as
    `customer_id`, or one of their values."""
    if isinstance(document, dict):
        if document.get("customer_id") in customer_ids:
            return True
        return any(mentions(v, customer_ids, values) for v in document.values())
    if isinstance(document, list):
        return any(mentions(v, customer_ids, values) for v in document)
    return isinstance(document, str) and holds(document, values)


def blanked(document: Any, values: Collection[str]) -> Any:
    """The document with every text holding one of the values replaced by an empty string."""
    if isinstance(document, dict):
        return {k: blanked(v, values) for k, v in document.items()}
    if isinstance(document, list):
        return [blanked(v, values) for v in document]
    if isinstance(document, str) and holds(document, values):
        return ""
    return document
