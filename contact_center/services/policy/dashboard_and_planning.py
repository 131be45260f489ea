"""Who sees the live dashboard and what it counts for them, who plans, and who administers.

Planners see aggregate figures only (no contacts, which name customers); a team supervisor's
dashboard counts their team.
"""

from __future__ import annotations

from dataclasses import dataclass

from contact_center.domain.enums import Role
from contact_center.domain.principal import Principal
from contact_center.services.policy.verdicts import MANAGERS


def sees_dashboard(principal: Principal) -> bool:
    """The supervisor's live page: supervisors and admins, and planners (figures only)."""
    return principal.role in (Role.SUPERVISOR, Role.ADMIN, Role.PLANNER)


def plans(principal: Principal) -> bool:
    """Forecasts, overrides, schedules: the planner's work (and the admin's)."""
    return principal.role in (Role.PLANNER, Role.ADMIN)


def administers(principal: Principal) -> bool:
    """Users, queues, codes, sites and the audit log: the admin's pages."""
    return principal.role is Role.ADMIN


@dataclass(frozen=True, slots=True)
class DashboardView:
    """What one reader's dashboard counts: a team's queues, agents and contacts (None: all), and
    whether it lists the latest contacts, which name customers."""

    team: str | None = None
    with_contacts: bool = True


def dashboard_view(principal: Principal) -> DashboardView:
    team = principal.team if principal.role is Role.SUPERVISOR else None
    return DashboardView(team=team, with_contacts=principal.role in MANAGERS)
