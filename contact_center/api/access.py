"""The web side of authorisation: the door every request passes, and the checks handlers ask for.

`access_middleware` looks the matched route up in `route_rules.RULES`: no rule, no entry (a 403,
logged as a bug); a public route passes; any other needs a signed-in caller (401, or the sign-in
page for a page) whose role the rule lets in (403). Past the door, a handler reads the facts of
the resource it serves and asks `services/policy/` about them through the functions below; a
resource the caller may not see is answered as one that does not exist (404).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiohttp import web

from contact_center.api.auth import PRINCIPAL_KEY, authenticate
from contact_center.api.route_rules import rule_for
from contact_center.domain.customers import CustomerIdentity
from contact_center.domain.enums import IdentityKind
from contact_center.domain.errors import ForbiddenError, NotFoundError, UnauthenticatedError
from contact_center.services import policy
from contact_center.services.policy import CustomerFacts, InteractionFacts, Principal
from contact_center.storage import access_facts
from contact_center.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def route_of(request: web.Request) -> str | None:
    """The route as the rules name it (`/api/v1/customers/{id}`); None when nothing matched."""
    info = request.match_info
    if info.http_exception is not None:
        return None
    return info.route.resource.canonical if info.route.resource is not None else None


@web.middleware
async def access_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    route = route_of(request)
    if route is None:  # the router answers 404 or 405 itself
        return await handler(request)
    rule = rule_for(request.method, route)
    if rule is None:
        log.error("access.no_rule", extra={"method": request.method, "route": route})
        raise ForbiddenError("this route has no access rule")
    if rule.is_public:
        return await handler(request)
    try:
        principal = await authenticate(request)
    except UnauthenticatedError:
        if rule.page:
            raise web.HTTPFound("/login") from None
        raise
    if principal.role not in rule.roles:
        allowed = " or ".join(sorted(r.value for r in rule.roles))
        raise ForbiddenError(f"this needs the role {allowed}")
    return await handler(request)


def principal_of(request: web.Request) -> Principal:
    """The caller the door let in; a handler of a public route has none, and asking is a bug."""
    if PRINCIPAL_KEY not in request:
        raise ForbiddenError("no signed-in caller on this route")
    return request[PRINCIPAL_KEY]


def hidden(what: str) -> NotFoundError:
    """The answer for a resource out of view: word for word a missing row's."""
    return NotFoundError(f"{what} not found")


async def interaction_in_view(uow: UnitOfWork, principal: Principal, interaction_id: int) -> InteractionFacts:
    facts = await access_facts.interaction_facts(uow.session, interaction_id)
    if not policy.sees_interaction(principal, facts):
        raise hidden(f"interaction {interaction_id}")
    return facts


async def customer_in_view(uow: UnitOfWork, principal: Principal, customer_id: int) -> CustomerFacts:
    facts = await access_facts.customer_facts(uow.session, customer_id)
    if not policy.sees_customer(principal, facts):
        raise hidden(f"customer {customer_id}")
    return facts


async def queue_in_view(uow: UnitOfWork, principal: Principal, queue_id: int) -> None:
    if not policy.sees_queue(principal, await access_facts.queue_team(uow.session, queue_id)):
        raise hidden(f"queue {queue_id}")


async def schedule_in_view(uow: UnitOfWork, principal: Principal, schedule_id: int) -> None:
    """A schedule is seen by whoever sees its queue."""
    queue_id = await access_facts.schedule_queue(uow.session, schedule_id)
    if not policy.sees_queue(principal, await access_facts.queue_team(uow.session, queue_id)):
        raise hidden(f"schedule {schedule_id}")


async def agent_in_view(uow: UnitOfWork, principal: Principal, agent_id: int) -> str | None:
    """The agent's team, when the caller may see the agent."""
    team = await access_facts.agent_team(uow.session, agent_id)
    if not policy.sees_agent(principal, agent_id, team):
        raise hidden(f"agent {agent_id}")
    return team


def identities(principal: Principal, found: Sequence[CustomerIdentity]) -> list[dict[str, Any]]:
    """A customer's identities as this caller may read them (`policy.shown_address`)."""
    return [
        {"kind": str(i.kind), "address": policy.shown_address(principal, IdentityKind(i.kind), i.address)}
        for i in found
    ]
