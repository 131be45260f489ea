"""The admin's pages: users, queues, wrap-up codes, shared canned responses, chat sites, audit log.

One page, a shell like the planner's: its scripts (`static/admin*.js`) read and change everything
through the JSON API with the session cookie, so every change goes through the same commands, checks
and audit entries as an integration's, and the router hears of it by the same events. Admins open
/admin (`policy.administers`); any other signed-in user gets a 403 page.
"""

from __future__ import annotations

from aiohttp import web

from agent_ui.web import render
from contact_center.api.access import principal_of
from contact_center.domain.enums import Channel, Role
from contact_center.services import policy


async def admin_page(request: web.Request) -> web.StreamResponse:
    principal = principal_of(request)
    if not policy.administers(principal):
        response = render("admin_forbidden.html", user=principal)
        response.set_status(403)
        return response
    config = {
        "channels": [c.value for c in Channel],
        "roles": [r.value for r in Role],
        "me": principal.agent_id,
    }
    return render("admin.html", user=principal, config=config)


def setup_admin(app: web.Application) -> None:
    app.router.add_get("/admin", admin_page)
