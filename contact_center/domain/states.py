"""The interaction state machine: which transitions are legal, and for which channels.

Kept as data so the API, the docs and the tests read the same table.
"""

from __future__ import annotations

from contact_center.domain.enums import Channel, InteractionState
from contact_center.domain.errors import IllegalTransitionError

S = InteractionState

TRANSITIONS: dict[InteractionState, frozenset[InteractionState]] = {
    S.NEW: frozenset({S.QUEUED, S.ACTIVE, S.CLOSED, S.ABANDONED}),
    S.QUEUED: frozenset({S.OFFERED, S.ACTIVE, S.ABANDONED, S.TRANSFERRED, S.CLOSED}),
    S.OFFERED: frozenset({S.ACTIVE, S.QUEUED, S.ABANDONED}),
    S.ACTIVE: frozenset({S.WRAP_UP, S.PENDING, S.TRANSFERRED}),
    S.WRAP_UP: frozenset({S.CLOSED}),
    S.PENDING: frozenset({S.QUEUED, S.ACTIVE, S.CLOSED}),
    S.TRANSFERRED: frozenset({S.QUEUED}),
    S.CLOSED: frozenset(),
    S.ABANDONED: frozenset(),
}

TERMINAL: frozenset[InteractionState] = frozenset({S.CLOSED, S.ABANDONED})
WAITING: frozenset[InteractionState] = frozenset({S.QUEUED, S.OFFERED})
OPEN: frozenset[InteractionState] = frozenset(set(InteractionState) - TERMINAL)
#: An agent is handling it: it counts against their capacity, and makes an available agent busy.
HANDLING: frozenset[InteractionState] = frozenset({S.ACTIVE, S.WRAP_UP})


def check_transition(channel: Channel, current: InteractionState, target: InteractionState) -> None:
    """Raise `IllegalTransitionError` unless `current -> target` is legal on `channel`."""
    if target not in TRANSITIONS[current]:
        raise IllegalTransitionError(f"an interaction cannot go from {current.value} to {target.value}")
    if target is S.PENDING and not channel.is_async:
        raise IllegalTransitionError(f"a {channel.value} interaction cannot wait on the customer (pending)")
