"""What every decision answers, and what every resource's rules share.

A decision says yes (None), or a `Refusal` whose `Verdict` tells the web layer a 403 from a 404;
a list is scoped by a `Scope`. The role groups (`MANAGERS`, `STAFF`) and `reaches_team` are here
because the rules of interactions, customers, agents, queues and the desk all lean on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from contact_center.domain.enums import Role
from contact_center.domain.errors import ForbiddenError, NotFoundError
from contact_center.domain.principal import Principal

MANAGERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
STAFF = frozenset({Role.AGENT, Role.SUPERVISOR, Role.PLANNER, Role.ADMIN})


class Verdict(StrEnum):
    """What the caller is told: allowed; forbidden (403, they may know it exists); hidden (404)."""

    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"
    HIDDEN = "hidden"


@dataclass(frozen=True, slots=True)
class Refusal:
    verdict: Verdict
    reason: str


def check(refusal: Refusal | None, what: str) -> None:
    """Raise what the caller is told: for what they may not see, word for word a missing row's
    404 (`what` names it); else a 403 with the reason."""
    if refusal is None:
        return
    if refusal.verdict is Verdict.HIDDEN:
        raise NotFoundError(f"{what} not found")
    raise ForbiddenError(refusal.reason)


@dataclass(frozen=True, slots=True)
class Scope:
    """Which rows of a list the caller may see, for storage to turn into a WHERE clause.

    `everything`, or rows tied to `agent_id` (assigned, offered or owned), or rows of `team`.
    `nothing` sees no row at all."""

    everything: bool = False
    agent_id: int | None = None
    team: str | None = None
    nothing: bool = False


EVERYTHING = Scope(everything=True)
NOTHING = Scope(nothing=True)


def reaches_team(principal: Principal, team: str | None) -> bool:
    """A caller without a team reaches every team; with one, only that team (not team-less)."""
    return principal.role is Role.ADMIN or principal.team is None or principal.team == team
