"""The planner's pages: forecast against actual, requirements with what-if, the schedule as a Gantt
chart with its coverage, and every user's own published schedule.

The pages are shells: their script fetches /api/v1/planning/... with the session cookie and draws
the charts itself as SVG (no library, nothing downloaded), writing text only into the DOM.
Planners and admins open /planner; anyone else gets a 403 page; /my-schedule is for every user.
"""

from __future__ import annotations

from aiohttp import web

from agent_ui.web import render
from contact_center.api.auth import STAFF, Principal, require
from contact_center.domain.enums import Role
from contact_center.domain.errors import ContactCenterError, ForbiddenError

PLANNERS = (Role.PLANNER,)  # admins pass every role check


async def _signed_in(request: web.Request, *roles: Role) -> Principal:
    try:
        return await require(request, *roles)
    except ForbiddenError:
        raise
    except ContactCenterError:
        raise web.HTTPFound("/login") from None


async def planner_page(request: web.Request) -> web.StreamResponse:
    try:
        principal = await _signed_in(request, *PLANNERS)
    except ForbiddenError:
        user = await require(request, *STAFF)
        response = render("planner_forbidden.html", user=user)
        response.set_status(403)
        return response
    return render("planner.html", user=principal)


async def my_schedule_page(request: web.Request) -> web.StreamResponse:
    principal = await _signed_in(request, *STAFF)
    return render("planner_my_schedule.html", user=principal)


def setup_planner(app: web.Application) -> None:
    app.router.add_get("/planner", planner_page)
    app.router.add_get("/my-schedule", my_schedule_page)
