"""/api/v1/interactions/{id}/accept|reject and /routing: an agent answers an offer; anyone asks why.

Only the agent an interaction is offered to can answer for it; to anyone who may not see the
interaction it does not exist. `/routing` returns the stored decision log and, when a router
answers in time, its live explanation ("why this agent", "why is this one still waiting").
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from contact_center.api.access import interaction_in_view, principal_of
from contact_center.api.keys import BUS, EXPLAIN, UOW
from contact_center.api.serialize import row
from contact_center.api.validation import path_id
from contact_center.domain.commands import AcceptOffer, RejectOffer
from contact_center.domain.errors import ConflictError
from contact_center.storage.routing import RoutingRepository

routes = web.RouteTableDef()


async def _answer(request: web.Request, command: AcceptOffer | RejectOffer) -> Any:
    """Run the answer: it succeeds only for the caller's own open offer, which they may see, so
    the visibility check waits for a refusal (one read saved per accept, the hottest request an
    agent makes). Refused on an interaction the caller may not see, the answer is its 404."""
    try:
        return await request.app[BUS].handle(command)
    except ConflictError:
        async with request.app[UOW]() as uow:
            await interaction_in_view(uow, principal_of(request), command.interaction_id)
        raise


@routes.post("/api/v1/interactions/{id}/accept")
async def accept(request: web.Request) -> web.Response:
    principal = principal_of(request)
    command = AcceptOffer(interaction_id=path_id(request), agent_id=principal.agent_id, actor=principal.actor)
    return web.json_response(row(await _answer(request, command)))


@routes.post("/api/v1/interactions/{id}/reject")
async def reject(request: web.Request) -> web.Response:
    principal = principal_of(request)
    interaction_id = path_id(request)
    command = RejectOffer(interaction_id=interaction_id, agent_id=principal.agent_id, actor=principal.actor)
    await _answer(request, command)
    return web.json_response({"interaction_id": interaction_id, "rejected": True})


@routes.get("/api/v1/interactions/{id}/routing")
async def routing(request: web.Request) -> web.Response:
    interaction_id = path_id(request)
    async with request.app[UOW]() as uow:
        await interaction_in_view(uow, principal_of(request), interaction_id)
        routing = RoutingRepository(uow.session)
        decisions = [row(d) for d in await routing.decisions_for(interaction_id)]
        offers = [row(o) for o in await routing.offers_for(interaction_id)]
    live = await request.app[EXPLAIN](interaction_id)
    return web.json_response({"decisions": decisions, "offers": offers, "live": live})
