"""/my-settings: every signed-in user's own language and time zone, reached from the header.

A shell like the admin page: the form is filled from the user's principal, and its script saves
through `PATCH /api/v1/me` (the same command, checks and audit entry as an admin's change of
them), then reloads, so the page comes back in the language just chosen. Anyone signed in to the
pages opens it; the door (`route_rules.py`) sends someone signed out to sign in.
"""

from __future__ import annotations

from aiohttp import web

from agent_ui.web import render
from contact_center.api.access import principal_of


async def my_settings_page(request: web.Request) -> web.StreamResponse:
    return render("my_settings.html", user=principal_of(request))


def setup_my_settings(app: web.Application) -> None:
    app.router.add_get("/my-settings", my_settings_page)
