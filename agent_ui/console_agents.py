"""The supervisor console's agents view and its silent monitor of one live conversation.

`/console/agents`: each agent of the supervisor's team live (admins and supervisors without a
team: everyone), first rendered from `queries.agents_live`, then refreshed by its script whenever
`/ws/events` brings an agent or interaction event (the stream scopes them to the reader's team).
From there a supervisor changes an agent's state, reassigns (the transfer), takes over, or opens
`/console/interactions/{id}/monitor`: the conversation read-only, live, with whispers to the
agent. Neither page writes anything the customer or the agent is told of: monitoring sends no read
marks and no typing. Non-managers get a 403 page; an interaction out of view is a 404.
"""

from __future__ import annotations

from aiohttp import web

from agent_ui.web import render
from contact_center.api.access import interaction_in_view, principal_of
from contact_center.api.keys import UOW
from contact_center.api.validation import path_id
from contact_center.queries.agents_live import agents_live
from contact_center.services import policy


def _forbidden(request: web.Request) -> web.StreamResponse:
    response = render("console_forbidden.html", user=principal_of(request))
    response.set_status(403)
    return response


async def agents_page(request: web.Request) -> web.StreamResponse:
    principal = principal_of(request)
    if not policy.sees_agents_console(principal):
        return _forbidden(request)
    found = await agents_live(request.app[UOW](), policy.agent_scope(principal), timezone=principal.timezone)
    config = {"me": principal.agent_id, "initial": found.to_dict()}
    return render("console_agents.html", user=principal, config=config)


async def monitor_page(request: web.Request) -> web.StreamResponse:
    principal = principal_of(request)
    if not policy.sees_agents_console(principal):
        return _forbidden(request)
    interaction_id = path_id(request)
    async with request.app[UOW]() as uow:
        facts = await interaction_in_view(uow, principal, interaction_id)
        policy.check(policy.monitor_refusal(principal, facts), f"interaction {interaction_id}")
    config = {"me": principal.agent_id, "interaction_id": interaction_id}
    return render("console_monitor.html", user=principal, config=config)


def setup_console_agents(app: web.Application) -> None:
    app.router.add_get("/console/agents", agents_page)
    app.router.add_get("/console/interactions/{id}/monitor", monitor_page)
