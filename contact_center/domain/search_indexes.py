"""The indexes the supervisor's drill-down and search read by (migration 0020).

At a million interactions every query of those pages must answer in under 200 ms
(bench/console_queries.py). A queue's live view reads the few open interactions of one queue
(`queue_id, state`); the search narrows by a wrap-up code (`wrap_up_code, id`: newest first
without a sort) and finds customers by the beginning of their name, case folded: an index on
lower(name), which PostgreSQL keeps with `text_pattern_ops` so `LIKE 'x%'` uses it whatever the
database's collation, and SQLite reads as a range (its LIKE uses no expression index).
The console's every push lists the flagged interactions, oldest flag first: a partial index of
the few flagged ones (migration 0022) spares a scan of them all (a second at a million on SQLite).
"""

from __future__ import annotations

from sqlalchemy import Index, func

from contact_center.domain.customers import Customer
from contact_center.domain.interactions import Interaction

_interactions = Interaction.__table__  # type: ignore[attr-defined]

QUEUE_STATE_INDEX = Index("ix_interaction_queue_state", _interactions.c.queue_id, _interactions.c.state)
WRAP_UP_CODE_INDEX = Index("ix_interaction_wrap_up_code_id", _interactions.c.wrap_up_code, _interactions.c.id)
FLAGGED_INDEX = Index(
    "ix_interaction_flagged",
    _interactions.c.flagged_at,
    _interactions.c.id,
    sqlite_where=_interactions.c.flagged_at.is_not(None),
    postgresql_where=_interactions.c.flagged_at.is_not(None),
)
NAME_PREFIX_INDEX = Index(
    "ix_customer_name_lower",
    func.lower(Customer.__table__.c.name).label("name_lower"),  # type: ignore[attr-defined]
    postgresql_ops={"name_lower": "text_pattern_ops"},
)
