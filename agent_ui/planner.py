"""The planner's pages: forecast against actual, requirements with what-if, the schedule as a Gantt
chart with its coverage, and every user's own published schedule.

The pages are shells: their script fetches /api/v1/planning/... with the session cookie and draws
the charts itself as SVG (no library, nothing downloaded), writing text only into the DOM.
Planners and admins open /planner (`policy.plans`); any other signed-in user gets a 403 page;
/my-schedule is for every user. The door (`route_rules.py`) sends anyone signed out to sign in.
"""

from __future__ import annotations

from aiohttp import web

from agent_ui.web import render
from contact_center.api.access import principal_of
from contact_center.services import policy


async def planner_page(request: web.Request) -> web.StreamResponse:
    principal = principal_of(request)
    if not policy.plans(principal):
        response = render("planner_forbidden.html", user=principal)
        response.set_status(403)
        return response
    return render("planner.html", user=principal)


async def my_schedule_page(request: web.Request) -> web.StreamResponse:
    return render("planner_my_schedule.html", user=principal_of(request))


def setup_planner(app: web.Application) -> None:
    app.router.add_get("/planner", planner_page)
    app.router.add_get("/my-schedule", my_schedule_page)
