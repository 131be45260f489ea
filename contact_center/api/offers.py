"""/api/v1/interactions/{id}/accept|reject and /routing: an agent answers an offer; anyone asks why.

Only the agent an interaction is offered to can answer for it. `/routing` returns the stored
decision log and, when a router answers in time, its live explanation ("why this agent", "why is
this one still waiting").
"""

from __future__ import annotations

from aiohttp import web
from sqlmodel import col, select

from contact_center.api.auth import CONTAINER_KEY, STAFF, require
from contact_center.api.serialize import row
from contact_center.api.validation import path_id
from contact_center.domain.commands import AcceptOffer, RejectOffer
from contact_center.domain.routing import Offer, RoutingDecision

routes = web.RouteTableDef()


@routes.post("/api/v1/interactions/{id}/accept")
async def accept(request: web.Request) -> web.Response:
    principal = await require(request, *STAFF)
    interaction = await request.app[CONTAINER_KEY].bus.handle(
        AcceptOffer(interaction_id=path_id(request), agent_id=principal.agent_id, actor=principal.actor)
    )
    return web.json_response(row(interaction))


@routes.post("/api/v1/interactions/{id}/reject")
async def reject(request: web.Request) -> web.Response:
    principal = await require(request, *STAFF)
    interaction_id = path_id(request)
    await request.app[CONTAINER_KEY].bus.handle(
        RejectOffer(interaction_id=interaction_id, agent_id=principal.agent_id, actor=principal.actor)
    )
    return web.json_response({"interaction_id": interaction_id, "rejected": True})


@routes.get("/api/v1/interactions/{id}/routing")
async def routing(request: web.Request) -> web.Response:
    await require(request, *STAFF)
    interaction_id = path_id(request)
    container = request.app[CONTAINER_KEY]
    async with container.uow() as uow:
        await uow.interactions.get(interaction_id)
        decisions = (
            await uow.session.exec(
                select(RoutingDecision)
                .where(RoutingDecision.interaction_id == interaction_id)
                .order_by(col(RoutingDecision.id))
            )
        ).all()
        offers = (
            await uow.session.exec(
                select(Offer).where(Offer.interaction_id == interaction_id).order_by(col(Offer.id))
            )
        ).all()
        doc = {"decisions": [row(d) for d in decisions], "offers": [row(o) for o in offers]}
    doc["live"] = await container.explainer(interaction_id) if container.explainer else None
    return web.json_response(doc)
